/**
 * `deno task loadtest`: the service as deployed (`main.ts`, started with the
 * `start` task's permissions, logging on, its log read from a pipe) beside
 * its floor and peers in the same run, on one machine:
 *
 * 1. the request path, layer by layer: a bare Hono route on Deno, then the
 *    same route plus each of the service's own layers (security headers,
 *    request id and log, bearer check; `loadtest_server.ts`), then the
 *    service's authenticated `GET /api/words`; the same route without
 *    authentication; `/health`; MCP tool calls beside their REST reads;
 *    the token endpoint beside oidc-provider (below); a scoring guess; a
 *    memory soak;
 * 2. cold start: from spawning `main.ts` (a two-key ring, a token sealed by
 *    the older key) to its first authenticated answer, beside a process
 *    that serves only the bare Hono route.
 *
 * The token endpoint beside oidc-provider (`loadtest_oidc.ts`: its pinned
 * test dependency under Deno, a `Map` adapter, one `client_secret_post`
 * client, refresh tokens rotated, opaque tokens): `authorization_code`
 * exchange and `refresh_token` rotation, for a second `main.ts` over KV in
 * memory (started as the first, serving only these), oidc-provider, and the
 * service over its KV file. Codes are minted before the clock starts: the
 * service's through its real sign-in (`/oauth/authorize` with the dev
 * provider, then the dev login), oidc-provider's in its process through its
 * model API (a `Grant` and an `AuthorizationCode` each), handed over on a
 * dev-only port. What differs, and is left so: neither side uses PKCE (the
 * client is confidential; the service checks it when a code carries a
 * challenge); the service's tokens are sealed (AES-GCM, a key derived per
 * token) and it stores only the code's use and the family's generation,
 * read and committed atomically with the user's revocation record in KV,
 * while oidc-provider stores every code, grant, access and refresh token in
 * its `Map` and issues random ids; the scope is `game` for the service and
 * `game offline_access` for oidc-provider (its rule for issuing a refresh
 * token), without `openid`, so neither signs an ID token; the service
 * writes a request log line per request, oidc-provider logs nothing; the
 * service keeps a 30-second grace for a retried rotation, oidc-provider
 * none; oidc-provider runs on `node:http`, the service on `Deno.serve`.
 *
 * Requests go through a small keep-alive HTTP/1.1 client
 * (`_http_client.ts`): `fetch` would cost the client more than the fastest
 * peer costs the server. Scenarios run in `--rounds` interleaved passes.
 *
 * Flags: `--seconds=3` per scenario and pass, `--rounds=2`, `--soak=20`
 * seconds, `--workers=32` connections, `--cold=7` cold starts each,
 * `--kv=file|memory` (memory skips the scoring guess: the load test reads
 * each round's word from the KV file). Exits 1 on any failed request, a log
 * line missing or doubled, or a target missed.
 */
import { parseArgs } from "node:util";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { wordOf } from "../tests/_game.ts";
import { Connection, prepare, type Prepared } from "./_http_client.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "2" },
    soak: { type: "string", default: "20" },
    workers: { type: "string", default: "32" },
    cold: { type: "string", default: "7" },
    kv: { type: "string", default: "file" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const SOAK = Number(values.soak);
const WORKERS = Number(values.workers);
const COLD = Number(values.cold);
const KV_IN_MEMORY = values.kv === "memory";

const SECRET = "_aWvfeEyrpAurqOlMH5exE8ys2WUFRQSBP8CWARQ3IE";
const OLDER_SECRET = "Vq3Jx0cQ8u6rWZb2yTfLkD1nHs5gPmE9aR7oYiU4tNc";
const CLIENT = {
  id: "loadtest",
  secret: "84SEtpykzQtIX88cFQ47D-1KL3i9iuR22udoJH1VCeI",
};
const REDIRECT = "https://chatgpt.com/aip/g-load/oauth/callback";
const ROOT = new URL("../", import.meta.url);
// deno-lint-ignore no-console
const print = console.log;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** `deno run` with the `start` task's own flags (its permissions exactly). */
async function startArgs(): Promise<string[]> {
  const { tasks } = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const [, , ...flags] = String(tasks.start.command ?? tasks.start).split(
    /\s+/,
  );
  const script = flags.pop()!;
  return [
    "run",
    ...flags,
    "--config",
    new URL("deno.json", ROOT).pathname,
    new URL(script, ROOT).pathname,
  ];
}

/** A child process whose output is read as it comes, line by line. */
interface Child {
  process: Deno.ChildProcess;
  /** Lines of standard error kept (for a failure report). */
  stderr: string[];
  /** `msg: "request"` lines seen on standard output. */
  requestLines: number;
  /** Resolves when `line` matches. */
  waitFor(match: (line: string) => boolean): Promise<string>;
  done: Promise<void>;
}

function spawn(
  args: string[],
  env: Record<string, string>,
  options: { clearEnv?: boolean } = {},
): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    ...options,
  }).spawn();
  const waiters: {
    match: (l: string) => boolean;
    resolve: (l: string) => void;
  }[] = [];
  const child: Child = {
    process,
    stderr: [],
    requestLines: 0,
    waitFor: (match) =>
      new Promise((resolve) => waiters.push({ match, resolve })),
    done: Promise.resolve(),
  };
  const REQUEST = ',"msg":"request",';
  const read = async (stream: ReadableStream<Uint8Array>, err: boolean) => {
    let rest = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      const chunk = rest + text;
      const last = chunk.lastIndexOf("\n");
      if (last < 0) {
        rest = chunk;
        continue;
      }
      rest = chunk.slice(last + 1);
      // Request lines are counted, not split: the client shares the machine.
      let whole = chunk.slice(0, last);
      if (!err) {
        for (
          let at = whole.indexOf(REQUEST);
          at >= 0;
          at = whole.indexOf(REQUEST, at + 1)
        ) {
          child.requestLines++;
        }
        if (waiters.length === 0) continue;
        whole = whole.split("\n").filter((l) => !l.includes(REQUEST)).join(
          "\n",
        );
      }
      for (const line of whole.split("\n")) {
        if (err) child.stderr.push(line);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i]!.match(line)) {
            waiters[i]!.resolve(line);
            waiters.splice(i, 1);
          }
        }
      }
    }
  };
  child.done = Promise.all([
    read(process.stdout, false),
    read(process.stderr, true),
  ])
    .then(() => {});
  return child;
}

const dir = await Deno.makeTempDir();
const kvPath = KV_IN_MEMORY ? ":memory:" : `${dir}/load.kv`;
const port = freePort();
const base = `http://127.0.0.1:${port}`;
const serviceEnv = {
  PORT: String(port),
  LISTEN_HOST: "127.0.0.1",
  PUBLIC_URL: base,
  SEAL_KEYS: `k1:${SECRET}`,
  OAUTH_CLIENT_ID: CLIENT.id,
  OAUTH_CLIENT_SECRET: CLIENT.secret,
  DEV_LOGIN: "1",
  KV_PATH: kvPath,
  TOKEN_RATE_LIMIT: "0",
  GAME_RATE_LIMIT: "0",
  READ_RATE_LIMIT: "0",
  AUTHORIZE_RATE_LIMIT: "0",
  // Every guess scores, as without a cap: the scoring path is measured.
  DAILY_SCORED_ROUNDS: "0",
};
const service = spawn(await startArgs(), serviceEnv);
await service.waitFor((l) => l.includes('"msg":"listening"'));
/** Requests sent to the service, to match its request log lines. */
let sentToService = 0;

const LAYERS = ["bare", "headers", "log", "auth", "app", "open"] as const;
const layerPorts = Object.fromEntries(LAYERS.map((name) => [name, freePort()]));
const peers = spawn(
  ["run", "-A", new URL("./loadtest_server.ts", import.meta.url).pathname],
  {
    ...serviceEnv,
    PUBLIC_URL: `http://127.0.0.1:${layerPorts.open}`,
    LAYER_PORTS: LAYERS.map((name) => `${name}:${layerPorts[name]}`).join(","),
  },
);
await peers.waitFor((l) => l === "ready");
const layer = (name: typeof LAYERS[number]) =>
  `http://127.0.0.1:${layerPorts[name]}`;

// The token endpoint beside its peer: the service again, over KV in memory
// (token scenarios only), and oidc-provider with its Map adapter.
const memoryPort = freePort();
const memoryBase = `http://127.0.0.1:${memoryPort}`;
const memoryService = spawn(await startArgs(), {
  ...serviceEnv,
  PORT: String(memoryPort),
  PUBLIC_URL: memoryBase,
  KV_PATH: ":memory:",
});
/** Requests sent to the service over KV in memory. */
let sentToMemory = 0;
const oidcPort = freePort();
const oidcBase = `http://127.0.0.1:${oidcPort}`;
const mintPort = freePort();
// A dev-only dependency: locked with the tests', not in the import map.
const oidc = spawn([
  "run",
  "-A",
  "--config",
  new URL("deno.json", ROOT).pathname,
  `--lock=${new URL("tests/deno.lock", ROOT).pathname}`,
  "--frozen",
  new URL("./loadtest_oidc.ts", import.meta.url).pathname,
], {
  PORT: String(oidcPort),
  MINT_PORT: String(mintPort),
  CLIENT_ID: CLIENT.id,
  CLIENT_SECRET: CLIENT.secret,
  REDIRECT_URI: REDIRECT,
});
/** Resolves when `child` prints what `match` wants; rejects if it exits first. */
const started = (child: Child, what: string, match: (l: string) => boolean) =>
  new Promise<void>((resolve, reject) => {
    child.waitFor(match).then(() => resolve());
    // Once resolved, the exit at the end of the run is no failure.
    child.process.status.then(() =>
      reject(
        new Error(`${what} exited:\n${child.stderr.slice(-20).join("\n")}`),
      )
    );
  });
await Promise.all([
  started(
    memoryService,
    "the service over KV in memory",
    (l) => l.includes('"msg":"listening"'),
  ),
  started(oidc, "oidc-provider", (l) => l === "ready"),
]);

/** Counts `n` requests sent to `origin`, when it is a service process. */
function sentTo(origin: string, n: number): void {
  if (origin === base) sentToService += n;
  else if (origin === memoryBase) sentToMemory += n;
}

function serviceFetch(url: string, init?: RequestInit): Promise<Response> {
  sentTo(new URL(url).origin, 1);
  return fetch(url, init);
}

/**
 * Signs in as `login`; with `resource`, for that resource (RFC 8707); at
 * `origin`, the service by default.
 */
/** The authorization request of `login`'s development sign-in. */
const authorizePath = (login: string, resource?: string) =>
  `/oauth/authorize?${new URLSearchParams({
    response_type: "code",
    client_id: CLIENT.id,
    redirect_uri: REDIRECT,
    state: "load",
    provider: "dev",
    login_hint: login,
    ...(resource !== undefined ? { resource } : {}),
  })}`;

async function signIn(login: string, resource?: string, origin = base) {
  const a = await serviceFetch(`${origin}${authorizePath(login, resource)}`, {
    redirect: "manual",
  });
  await a.body?.cancel();
  const b = await serviceFetch(a.headers.get("location")!, {
    redirect: "manual",
    headers: { cookie: a.headers.getSetCookie()[0]!.split(";")[0]! },
  });
  await b.body?.cancel();
  const code = new URL(b.headers.get("location")!).searchParams.get("code")!;
  const t = await serviceFetch(`${origin}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      ...(resource !== undefined ? { resource } : {}),
    }),
  });
  if (t.status !== 200) throw new Error(`sign-in: ${await t.text()}`);
  return await t.json() as { access_token: string; refresh_token: string };
}

interface Result {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  /** CPU seconds the serving process spent meanwhile (all its threads). */
  cpu: number;
  /** Each pass alone: figures are the median pass, the spread is shown. */
  passes: { rps: number; cpuPerRequest: number }[];
}

const medianOf = (xs: number[]) => {
  const sorted = xs.toSorted((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2
    ? sorted[Math.floor(mid)]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** CPU seconds `pid` has used (user + system, every thread; 100 Hz ticks). */
function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** Server CPU µs per request: what throughput is the inverse of, once the server is the bottleneck. */
const cpuPerRequest = (r: Result) =>
  medianOf(r.passes.map((p) => p.cpuPerRequest));
const rps = (r: Result) => medianOf(r.passes.map((p) => p.rps));
const quantile = (r: Result, q: number) => {
  const sorted = r.latencies.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ??
    0;
};

/**
 * Runs `WORKERS` loops of `once(worker, connection)` for `seconds`, adding
 * to `into`; `once` answers whether the answer was right, or "done".
 */
async function run(
  into: Result,
  seconds: number,
  origin: string,
  once: (worker: number, c: Connection) => Promise<boolean | "done">,
): Promise<Result> {
  const connections = Array.from(
    { length: WORKERS },
    () => Connection.to(origin),
  );
  const pid = (
    origin === base
      ? service
      : origin === memoryBase
      ? memoryService
      : origin === oidcBase
      ? oidc
      : peers
  ).process.pid;
  // A moment for the last scenario's background work (log batches, garbage
  // collection) to end before this one's CPU is counted.
  await new Promise((r) => setTimeout(r, 300));
  const cpuBefore = cpuSeconds(pid);
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  let requests = 0;
  await Promise.all(
    connections.map(async (connection, worker) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await once(worker, connection).catch(() => false);
        if (ok === "done") return;
        requests++;
        into.latencies.push(performance.now() - t0);
        if (!ok) into.errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  into.seconds += elapsed;
  into.cpu += cpu;
  into.passes.push({
    rps: requests / elapsed,
    cpuPerRequest: cpu / requests * 1e6,
  });
  into.requests += requests;
  sentTo(origin, requests);
  for (const c of connections) c.close();
  return into;
}

const result = (name: string): Result => ({
  name,
  requests: 0,
  errors: 0,
  seconds: 0,
  latencies: [],
  cpu: 0,
  passes: [],
});

/** A GET answered 200. */
const get = (request: Prepared) => async (_: number, c: Connection) =>
  (await c.send(request)).status === 200;

const sessions = await Promise.all(
  Array.from({ length: WORKERS }, (_, i) => signIn(`load${i}`)),
);
// The peers keep their own KV: the "+ bearer check" layer checks tokens
// whose families they issued (through their whole app, on the open port).
const peerSessions = await Promise.all(
  Array.from(
    { length: WORKERS },
    (_, i) => signIn(`load${i}`, undefined, layer("open")),
  ),
);
const bearer = (i: number) => ({
  authorization: `Bearer ${sessions[i]!.access_token}`,
});
// The same players signed in again for the MCP resource: a token issued
// without a resource is refused at /mcp.
const mcpSessions = await Promise.all(
  Array.from({ length: WORKERS }, (_, i) => signIn(`load${i}`, `${base}/mcp`)),
);

/** The JSON-RPC message of a JSON or single-event SSE answer. */
function messageOf(headers: string, text: string) {
  if (!/\r\ncontent-type: *text\/event-stream/.test(headers)) {
    return JSON.parse(text);
  }
  const data = text.split("\n").find((line) => line.startsWith("data: "));
  return JSON.parse(data!.slice("data: ".length));
}

/** A tools/call of `name` as a stateless 2025-06-18 client sends it. */
const toolCall = (i: number, name: string) =>
  prepare(
    base,
    "POST",
    "/mcp",
    {
      authorization: `Bearer ${mcpSessions[i]!.access_token}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-protocol-version": "2025-06-18",
    },
    JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: {} },
    }),
  );

/** Right when the tool answers a result with structured content. */
const callTool = (requests: Prepared[]) => async (i: number, c: Connection) => {
  const answer = await c.send(requests[i]!, "body");
  if (answer.status !== 200) return false;
  const message = messageOf(answer.headers!, answer.body!);
  return message.id === 1 && message.result !== undefined &&
    message.result.isError !== true &&
    message.result.structuredContent !== undefined;
};

// Rounds to guess, prepared before the clock starts (KV file only).
const ROUNDS_PER_WORKER = Math.max(50, SECONDS * 60);
const rounds: { round: string; word: string }[][] = [];
if (!KV_IN_MEMORY) {
  const kv = await Deno.openKv(kvPath);
  const opener = new Tokens(
    new Keyring([{ kid: "k1", secret: SECRET }]),
    Date.now,
  );
  rounds.push(
    ...await Promise.all(sessions.map(async (_, i) => {
      const list = [];
      for (let n = 0; n < ROUNDS_PER_WORKER; n++) {
        const res = await serviceFetch(`${base}/api/rounds`, {
          method: "POST",
          headers: { ...bearer(i), "content-type": "application/json" },
          body: '{"category":"animals"}',
        });
        const { round } = await res.json();
        list.push({ round, word: await wordOf(kv, opener, round) });
      }
      return list;
    })),
  );
  kv.close();
}

const words = (origin: string, auth: boolean) =>
  Array.from(
    { length: WORKERS },
    (_, i) =>
      prepare(
        origin,
        "GET",
        "/api/words",
        !auth ? {} : origin === base ? bearer(i) : {
          authorization: `Bearer ${peerSessions[i]!.access_token}`,
        },
      ),
  );
const perWorker = (requests: Prepared[]) => (i: number, c: Connection) =>
  get(requests[i]!)(i, c);

/** The request-path scenarios, in the order each pass runs them. */
const path = [
  {
    r: result("bare Hono route on Deno (floor)"),
    origin: layer("bare"),
    requests: words(layer("bare"), false),
  },
  {
    r: result("+ security headers and CSP"),
    origin: layer("headers"),
    requests: words(layer("headers"), false),
  },
  {
    r: result("+ request id and log line"),
    origin: layer("log"),
    requests: words(layer("log"), false),
  },
  {
    r: result("+ bearer check"),
    origin: layer("auth"),
    requests: words(layer("auth"), true),
  },
  {
    r: result("+ the rest of the application (composeApp, same process)"),
    origin: layer("app"),
    requests: words(layer("app"), true),
  },
  {
    r: result("service (main.ts), bearer token"),
    origin: base,
    requests: words(base, true),
  },
  {
    r: result("service's app, same route without auth"),
    origin: layer("open"),
    requests: words(layer("open"), false),
  },
];
const health = result("service: GET /health");
const mcpCategories = result("service: POST /mcp tools/call list_categories");
const restScore = result("service: GET /api/score, bearer token");
const mcpScore = result("service: POST /mcp tools/call my_score");
const guess = result("service: POST /api/rounds/guess (scoring)");
const categoriesCalls = Array.from(
  { length: WORKERS },
  (_, i) => toolCall(i, "list_categories"),
);
const scoreCalls = Array.from(
  { length: WORKERS },
  (_, i) => toolCall(i, "my_score"),
);
const scoreReads = Array.from(
  { length: WORKERS },
  (_, i) => prepare(base, "GET", "/api/score", bearer(i)),
);
const healthRead = prepare(base, "GET", "/health");

// The request path's passes come first, all of them: the garbage an MCP call
// leaves (a millisecond of work each) is collected by the service in the
// background, and would be counted against the next scenario's requests.
for (let pass = 0; pass < ROUNDS; pass++) {
  // Alternate the order, so that neither end of a pass is favoured.
  for (const s of pass % 2 ? path.toReversed() : path) {
    await run(s.r, SECONDS, s.origin, perWorker(s.requests));
  }
}
for (let pass = 0; pass < ROUNDS; pass++) {
  await run(health, SECONDS, base, get(healthRead));
  await run(mcpCategories, SECONDS, base, callTool(categoriesCalls));
  await run(restScore, SECONDS, base, perWorker(scoreReads));
  await run(mcpScore, SECONDS, base, callTool(scoreCalls));
}
// The token endpoint beside oidc-provider: refresh rotation, then code
// exchange (whose minting leaves garbage in both servers), each in `ROUNDS`
// interleaved passes, for the service over KV in memory, oidc-provider, and
// the service over its KV file.
const FORM = { "content-type": "application/x-www-form-urlencoded" };
/** The first value of header `name` in a raw head. */
const headerOf = (head: string, name: string) =>
  new RegExp(`\r\n${name}: *([^\r]*)`, "i").exec(head)?.[1];

/**
 * `perWorker` codes for each worker from the service at `origin`, through
 * its real sign-in (`/oauth/authorize` with the dev provider, then the dev
 * login), on keep-alive connections, before the clock starts.
 */
async function serviceCodes(
  origin: string,
  perWorker: number,
): Promise<string[][]> {
  return await Promise.all(
    Array.from({ length: WORKERS }, async (_, i) => {
      const authorize = prepare(origin, "GET", authorizePath(`load${i}`));
      const c = Connection.to(origin);
      const codes: string[] = [];
      try {
        for (let n = 0; n < perWorker; n++) {
          sentTo(origin, 1);
          const a = await c.send(authorize, "body");
          const login = new URL(headerOf(a.headers!, "location")!, origin);
          const cookie = headerOf(a.headers!, "set-cookie")!.split(";")[0]!;
          sentTo(origin, 1);
          const b = await c.send(
            prepare(origin, "GET", login.pathname + login.search, { cookie }),
            "body",
          );
          const back = new URL(headerOf(b.headers!, "location")!);
          codes.push(back.searchParams.get("code")!);
        }
      } finally {
        c.close();
      }
      return codes;
    }),
  );
}

/** `perWorker` codes for each worker, minted in oidc-provider's process. */
async function oidcCodes(perWorker: number): Promise<string[][]> {
  const res = await fetch(
    `http://127.0.0.1:${mintPort}/codes?n=${perWorker * WORKERS}`,
  );
  const all: string[] = await res.json();
  return Array.from(
    { length: WORKERS },
    (_, i) => all.slice(i * perWorker, (i + 1) * perWorker),
  );
}

/** A token request, as the load test's client sends it to either server. */
const tokenRequest = (
  origin: string,
  path: string,
  params: Record<string, string>,
) =>
  prepare(
    origin,
    "POST",
    path,
    FORM,
    new URLSearchParams({
      ...params,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    }).toString(),
  );

/** Right when the answer is 200 with both tokens; keeps the refresh token. */
const issued = (answer: { status: number; body?: string }) => {
  if (answer.status !== 200) return undefined;
  const body = JSON.parse(answer.body!);
  return typeof body.access_token === "string" &&
      typeof body.refresh_token === "string"
    ? body.refresh_token as string
    : undefined;
};

const oidcRefreshTokens = await Promise.all(
  (await oidcCodes(1)).map(async ([code]) => {
    const c = Connection.to(oidcBase);
    const answer = await c.send(
      tokenRequest(oidcBase, "/token", {
        grant_type: "authorization_code",
        code: code!,
        redirect_uri: REDIRECT,
      }),
      "body",
    );
    c.close();
    const token = issued(answer);
    if (!token) throw new Error(`oidc-provider: ${answer.body}`);
    return token;
  }),
);
const memorySessions = await Promise.all(
  Array.from(
    { length: WORKERS },
    (_, i) => signIn(`load${i}`, undefined, memoryBase),
  ),
);
const tokenServers = [
  {
    name: "service, KV in memory",
    origin: memoryBase,
    path: "/oauth/token",
    codes: (n: number) => serviceCodes(memoryBase, n),
    /** The fastest exchange rate expected (per second), for minting. */
    rate: 4000,
    refreshTokens: memorySessions.map((s) => s.refresh_token),
  },
  {
    name: "oidc-provider (Map adapter)",
    origin: oidcBase,
    path: "/token",
    codes: oidcCodes,
    rate: 8000,
    refreshTokens: oidcRefreshTokens,
  },
  {
    name: `service, KV ${KV_IN_MEMORY ? "in memory (main)" : "file"}`,
    origin: base,
    path: "/oauth/token",
    codes: (n: number) => serviceCodes(base, n),
    rate: 4000,
    refreshTokens: sessions.map((s) => s.refresh_token),
  },
].map((server) => ({
  ...server,
  exchange: result(`${server.name}: code exchange`),
  refresh: result(`${server.name}: refresh rotation`),
}));
for (let pass = 0; pass < ROUNDS; pass++) {
  for (const t of pass % 2 ? tokenServers.toReversed() : tokenServers) {
    await run(t.refresh, SECONDS, t.origin, async (i, c) => {
      const answer = await c.send(
        tokenRequest(t.origin, t.path, {
          grant_type: "refresh_token",
          refresh_token: t.refreshTokens[i]!,
        }),
        "body",
      );
      const next = issued(answer);
      if (next === undefined) return false;
      t.refreshTokens[i] = next;
      return true;
    });
  }
}
for (let pass = 0; pass < ROUNDS; pass++) {
  for (const t of pass % 2 ? tokenServers.toReversed() : tokenServers) {
    // Enough for `SECONDS` at the fastest rate expected: a worker whose codes
    // run out stops, and its pass is measured over the time it ran.
    const codes = await t.codes(Math.ceil(SECONDS * t.rate / WORKERS));
    // Longer than `run`'s pause: minting leaves garbage in the server that
    // mints (both do), not to be counted against the exchanges.
    await new Promise((r) => setTimeout(r, 1000));
    await run(t.exchange, SECONDS, t.origin, async (i, c) => {
      const code = codes[i]!.pop();
      if (code === undefined) return "done";
      const answer = await c.send(
        tokenRequest(t.origin, t.path, {
          grant_type: "authorization_code",
          code,
          redirect_uri: REDIRECT,
        }),
        "body",
      );
      return issued(answer) !== undefined;
    });
  }
}
// Changes state: one pass, measured once.
if (!KV_IN_MEMORY) {
  await run(guess, SECONDS, base, async (i, c) => {
    const next = rounds[i]!.pop();
    if (!next) return "done";
    const answer = await c.send(
      prepare(base, "POST", "/api/rounds/guess", {
        ...bearer(i),
        "content-type": "application/json",
      }, JSON.stringify({ round: next.round, guess: next.word })),
      "body",
    );
    return answer.status === 200 && JSON.parse(answer.body!).correct === true;
  });
}

// Soak: mixed reads, sampling the service's resident memory.
function rssMiB(): number {
  const status = Deno.readTextFileSync(`/proc/${service.process.pid}/status`);
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}
const samples: number[] = [rssMiB()];
const sampler = setInterval(() => samples.push(rssMiB()), 5000);
const wordReads = words(base, true);
const soak = await run(
  result(`service: soak, mixed reads, ${SOAK} s`),
  SOAK,
  base,
  (i, c) =>
    c.send(i % 4 === 0 ? healthRead : i % 2 ? scoreReads[i]! : wordReads[i]!)
      .then((a) => a.status === 200),
);
clearInterval(sampler);
samples.push(rssMiB());

// Stopped as a platform stops it: every request line must be written.
service.process.kill("SIGTERM");
memoryService.process.kill("SIGTERM");
peers.process.kill("SIGTERM");
oidc.process.kill("SIGTERM");
const serviceStatus = await service.process.status;
const memoryStatus = await memoryService.process.status;
await Promise.all([
  service.done,
  memoryService.done,
  peers.process.status,
  peers.done,
  oidc.process.status,
  oidc.done,
]);

// Cold start: spawn to the first authenticated answer, each run a fresh
// process, the service's runs interleaved with the bare route's. The token
// comes from a service that had only the older key (its family is in the
// KV file); each cold process has both, the newer one first.
const coldKv = `${dir}/cold.kv`;
const coldPort = freePort();
const before = spawn(await startArgs(), {
  ...serviceEnv,
  PORT: String(coldPort),
  PUBLIC_URL: `http://127.0.0.1:${coldPort}`,
  KV_PATH: coldKv,
  SEAL_KEYS: `older:${OLDER_SECRET}`,
});
await before.waitFor((l) => l.includes('"msg":"listening"'));
const { access_token: olderToken } = await signIn(
  "cold",
  undefined,
  `http://127.0.0.1:${coldPort}`,
);
before.process.kill("SIGTERM");
await Promise.all([before.process.status, before.done]);
const coldRequest = (origin: string, auth: boolean) =>
  prepare(
    origin,
    "GET",
    "/api/words",
    auth ? { authorization: `Bearer ${olderToken}` } : {},
  );

async function coldStart(kind: "service" | "bare"): Promise<number> {
  const p = freePort();
  const origin = `http://127.0.0.1:${p}`;
  const request = coldRequest(origin, kind === "service");
  const t0 = performance.now();
  const child = kind === "service"
    ? spawn(await startArgs(), {
      ...serviceEnv,
      PORT: String(p),
      PUBLIC_URL: `http://127.0.0.1:${coldPort}`,
      KV_PATH: coldKv,
      // Two keys: the token was sealed by the older one.
      SEAL_KEYS: `newer:${SECRET},older:${OLDER_SECRET}`,
    })
    : spawn([
      "run",
      "-A",
      "--config",
      new URL("deno.json", ROOT).pathname,
      new URL("./loadtest_bare.ts", import.meta.url).pathname,
    ], { PORT: String(p) });
  let elapsed = NaN;
  for (;;) {
    const c = Connection.to(origin);
    try {
      const answer = await c.send(request);
      elapsed = performance.now() - t0;
      if (answer.status !== 200) {
        throw new Error(`cold start answered ${answer.status}`);
      }
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.ConnectionRefused)) throw err;
      await new Promise((r) => setTimeout(r, 1));
    } finally {
      c.close();
    }
  }
  child.process.kill("SIGTERM");
  await Promise.all([child.process.status, child.done]);
  return elapsed;
}
const cold = { service: [] as number[], bare: [] as number[] };
for (let i = 0; i < COLD; i++) {
  cold.bare.push(await coldStart("bare"));
  cold.service.push(await coldStart("service"));
}
await Deno.remove(dir, { recursive: true });

// The report.
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const ms = (n: number) => n.toFixed(2);
const pct = (a: number, b: number) => `${(a / b * 100).toFixed(1)}%`;
print(
  `\nDeno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores (shared: figures are noisy), load average ${
    Deno.loadavg().map((n) => n.toFixed(1)).join(" ")
  } at the end; ${WORKERS} connections, ${SECONDS} s × ${ROUNDS} interleaved passes per scenario (figures: the median pass), KV ${
    KV_IN_MEMORY ? "in memory" : "in a file"
  }\n`,
);
const floor = path[0]!.r;
print(
  "| scenario | req/s | p50 ms | p99 ms | errors | server CPU µs/req | beside it | req/s ratio | CPU ratio |",
);
print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
/** The median pass's CPU per request, with the passes' range. */
const spread = (r: Result) => {
  const all = r.passes.map((p) => p.cpuPerRequest);
  return all.length < 2
    ? cpuPerRequest(r).toFixed(1)
    : `${cpuPerRequest(r).toFixed(1)} (${Math.min(...all).toFixed(1)}–${
      Math.max(...all).toFixed(1)
    })`;
};
/** Capacity share: the peer's CPU per request over this one's. */
const cpuShare = (r: Result, peer: Result) =>
  cpuPerRequest(peer) / cpuPerRequest(r);
const row = (r: Result, peer?: Result, peerName?: string) =>
  print(
    `| ${r.name} | ${fmt(rps(r))} | ${ms(quantile(r, 0.5))} | ${
      ms(quantile(r, 0.99))
    } | ${r.errors} | ${spread(r)} | ${
      peer ? `${peerName ?? peer.name}: ${fmt(rps(peer))}` : "—"
    } | ${peer ? pct(rps(r), rps(peer)) : "—"} | ${
      peer ? `${(cpuShare(r, peer) * 100).toFixed(1)}%` : "—"
    } |`,
  );
for (const [i, s] of path.entries()) {
  row(
    s.r,
    i === 0 ? undefined : path[i - 1]!.r,
    i === 0 ? undefined : "the row above",
  );
}
const real = path[5]!.r;
const open = path[6]!.r;
row(health, floor, "bare Hono route");
row(mcpCategories, real, "REST GET /api/words");
row(restScore);
row(mcpScore, restScore, "REST GET /api/score");
const [memoryTokens, oidcTokens, fileTokens] = tokenServers as [
  typeof tokenServers[0],
  typeof tokenServers[0],
  typeof tokenServers[0],
];
for (const grant of ["exchange", "refresh"] as const) {
  row(memoryTokens[grant], oidcTokens[grant], "oidc-provider");
  row(oidcTokens[grant]);
  row(fileTokens[grant], oidcTokens[grant], "oidc-provider");
}
if (!KV_IN_MEMORY) row(guess);
row(soak);

const median = (xs: number[]) =>
  xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) =>
  `median ${ms(median(xs))} ms (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
print(
  `\neach layer's cost, from the bare route (server CPU per request; share of the bare route's req/s, by CPU and measured):`,
);
for (const s of path.slice(1, 6)) {
  print(
    `- ${s.r.name}: +${
      (cpuPerRequest(s.r) - cpuPerRequest(floor)).toFixed(1)
    } µs; ${(cpuShare(s.r, floor) * 100).toFixed(1)}% by CPU, ${
      pct(rps(s.r), rps(floor))
    } measured`,
  );
}
const targets: [string, boolean][] = [];
// The target is judged on CPU per request: on a shared machine the req/s a
// process gets depends on what else runs; its CPU per request much less.
const realShare = cpuShare(real, floor);
targets.push([
  `service, authenticated GET /api/words / bare Hono route: ${
    (realShare * 100).toFixed(1)
  }% by server CPU per request, ${
    pct(rps(real), rps(floor))
  } by measured req/s (target ≥ 50%)`,
  realShare >= 0.5,
]);
targets.push([
  `authenticated / same route without auth: ${
    (cpuShare(real, open) * 100).toFixed(1)
  }% by CPU, ${pct(rps(real), rps(open))} measured (target ≥ 75%)`,
  cpuShare(real, open) >= 0.75,
]);
print(
  `- MCP / REST (no target): list_categories ${
    pct(rps(mcpCategories), rps(real))
  } (by CPU ${(cpuShare(mcpCategories, real) * 100).toFixed(1)}%), my_score ${
    pct(rps(mcpScore), rps(restScore))
  } (by CPU ${(cpuShare(mcpScore, restScore) * 100).toFixed(1)}%)`,
);
for (
  const [grant, label] of [["exchange", "code exchange"], [
    "refresh",
    "refresh rotation",
  ]] as const
) {
  const share = cpuShare(memoryTokens[grant], oidcTokens[grant]);
  targets.push([
    `${label}, service with KV in memory / oidc-provider (Map adapter): ${
      (share * 100).toFixed(1)
    }% by server CPU per request, ${
      pct(rps(memoryTokens[grant]), rps(oidcTokens[grant]))
    } by measured req/s (target ≥ 100%); with the KV file ${
      (cpuShare(fileTokens[grant], oidcTokens[grant]) * 100).toFixed(1)
    }% by CPU, ${
      pct(rps(fileTokens[grant]), rps(oidcTokens[grant]))
    } measured (no target)`,
    share >= 1,
  ]);
}
const coldService = median(cold.service);
targets.push([
  `cold start, spawn to first authenticated answer (two-key ring, token sealed by the older key), ${COLD} runs: ${
    range(cold.service)
  }; bare Hono route process: ${range(cold.bare)}; service / bare ${
    (coldService / median(cold.bare)).toFixed(2)
  }× (target < 150 ms)`,
  coldService < 150,
]);
const warm = samples[2] ?? samples[0]!;
const growth = (samples.at(-1)! - warm) / warm;
targets.push([
  `service RSS during the soak (MiB, every 5 s): ${
    samples.join(", ")
  }; growth after warm-up ${(growth * 100).toFixed(1)}% (target ≤ 20%)`,
  growth <= 0.2,
]);
const logged = service.requestLines;
targets.push([
  `request log lines written by the service: ${fmt(logged)} for ${
    fmt(sentToService)
  } requests, exit ${serviceStatus.code} after SIGTERM (must be equal, exit 0)`,
  logged === sentToService && serviceStatus.code === 0,
]);
targets.push([
  `request log lines written by the service over KV in memory: ${
    fmt(memoryService.requestLines)
  } for ${
    fmt(sentToMemory)
  } requests, exit ${memoryStatus.code} after SIGTERM (must be equal, exit 0)`,
  memoryService.requestLines === sentToMemory && memoryStatus.code === 0,
]);
const errors = [
  ...path.map((s) => s.r),
  health,
  mcpCategories,
  restScore,
  mcpScore,
  ...tokenServers.flatMap((t) => [t.exchange, t.refresh]),
  guess,
  soak,
]
  .reduce((n, r) => n + r.errors, 0);
targets.push([`errors: ${errors}`, errors === 0]);
for (const [line, ok] of targets) print(`- ${ok ? "" : "MISSED: "}${line}`);
const failed = targets.some(([, ok]) => !ok);
if (failed && service.stderr.length) {
  print(`\nservice stderr:\n${service.stderr.slice(-20).join("\n")}`);
}
const refusals = oidc.stderr.filter((l) => l.startsWith("grant.error"));
if (refusals.length) {
  print(`\noidc-provider refused:\n${refusals.slice(-20).join("\n")}`);
}
print(
  failed ? "\nRESULT: target missed" : "\nRESULT: all targets met, zero errors",
);
Deno.exit(failed ? 1 : 0);
