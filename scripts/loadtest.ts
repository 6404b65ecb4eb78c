/**
 * `deno task loadtest`: throughput and p50/p99 latency on one machine for
 * `/health`, an authenticated API read (and the same route without
 * authentication), the same reads as authenticated MCP tool calls, the token
 * endpoint (refresh rotation) and a scoring guess, then a memory soak. The server runs in its own process
 * (`loadtest_server.ts`) over a KV file.
 *
 * Flags: `--seconds=8` per scenario, `--soak=60` seconds, `--workers=32`.
 * Exits 1 if any request failed or a target was missed.
 */
import { parseArgs } from "node:util";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { wordOf } from "../tests/_game.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "8" },
    soak: { type: "string", default: "60" },
    workers: { type: "string", default: "32" },
  },
});
const SECONDS = Number(values.seconds);
const SOAK = Number(values.soak);
const WORKERS = Number(values.workers);

const SECRET = "_aWvfeEyrpAurqOlMH5exE8ys2WUFRQSBP8CWARQ3IE";
const CLIENT = {
  id: "loadtest",
  secret: "84SEtpykzQtIX88cFQ47D-1KL3i9iuR22udoJH1VCeI",
};
const REDIRECT = "https://chatgpt.com/aip/g-load/oauth/callback";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const dir = await Deno.makeTempDir();
const kvPath = `${dir}/load.kv`;
const port = freePort();
const openPort = freePort();
const base = `http://127.0.0.1:${port}`;
const openBase = `http://127.0.0.1:${openPort}`;
const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    new URL("./loadtest_server.ts", import.meta.url).pathname,
  ],
  env: {
    PORT: String(port),
    OPEN_PORT: String(openPort),
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
  },
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
while (!(await reader.read()).value?.includes("ready")) { /* wait */ }
await reader.cancel();

/** Signs in as `login`; with `resource`, for that resource (RFC 8707). */
async function signIn(login: string, resource?: string) {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT.id,
    redirect_uri: REDIRECT,
    state: "load",
    provider: "dev",
    login_hint: login,
    ...(resource !== undefined ? { resource } : {}),
  });
  const a = await fetch(`${base}/oauth/authorize?${q}`, { redirect: "manual" });
  await a.body?.cancel();
  const b = await fetch(a.headers.get("location")!, {
    redirect: "manual",
    headers: { cookie: a.headers.getSetCookie()[0]!.split(";")[0]! },
  });
  await b.body?.cancel();
  const code = new URL(b.headers.get("location")!).searchParams.get("code")!;
  const t = await fetch(`${base}/oauth/token`, {
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
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `WORKERS` loops of `once(worker)` for `seconds`; `once` returns whether the answer was right. */
async function run(
  name: string,
  seconds: number,
  once: (worker: number) => Promise<boolean | "done">,
): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await once(worker).catch(() => false);
        if (ok === "done") return;
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[
      Math.min(latencies.length - 1, Math.floor(q * latencies.length))
    ] ?? 0;
  return {
    name,
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / elapsed),
    p50: Math.round(at(0.5) * 100) / 100,
    p99: Math.round(at(0.99) * 100) / 100,
  };
}

async function ok(res: Promise<Response>, status = 200): Promise<boolean> {
  const r = await res;
  await r.body?.cancel();
  return r.status === status;
}

const sessions = await Promise.all(
  Array.from({ length: WORKERS }, (_, i) => signIn(`load${i}`)),
);
const refreshTokens = sessions.map((s) => s.refresh_token);
const bearer = (i: number) => ({
  authorization: `Bearer ${sessions[i]!.access_token}`,
});

// The same players signed in again for the MCP resource: a token issued
// without a resource is refused at /mcp.
const mcpSessions = await Promise.all(
  Array.from({ length: WORKERS }, (_, i) => signIn(`load${i}`, `${base}/mcp`)),
);
/** The headers a stateless 2025-06-18 client sends with each message. */
const mcpHeaders = (i: number) => ({
  authorization: `Bearer ${mcpSessions[i]!.access_token}`,
  accept: "application/json, text/event-stream",
  "content-type": "application/json",
  "mcp-protocol-version": "2025-06-18",
});

/** The JSON-RPC message of a JSON or single-event SSE answer. */
function messageOf(res: Response, text: string) {
  if (!res.headers.get("content-type")?.startsWith("text/event-stream")) {
    return JSON.parse(text);
  }
  const data = text.split("\n").find((line) => line.startsWith("data: "));
  return JSON.parse(data!.slice("data: ".length));
}

/** Calls tool `name` over MCP; right when it answers a result, not an error. */
async function callTool(i: number, name: string): Promise<boolean> {
  const res = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: mcpHeaders(i),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: {} },
    }),
  });
  const text = await res.text();
  if (res.status !== 200) return false;
  const message = messageOf(res, text);
  return message.id === 1 && message.result !== undefined &&
    message.result.isError !== true &&
    message.result.structuredContent !== undefined;
}

// Rounds to guess, prepared before the clock starts.
const ROUNDS_PER_WORKER = Math.max(50, SECONDS * 60);
const kv = await Deno.openKv(kvPath);
const opener = new Tokens(
  new Keyring([{ kid: "k1", secret: SECRET }]),
  Date.now,
);
const rounds: { round: string; word: string }[][] = await Promise.all(
  sessions.map(async (_, i) => {
    const list = [];
    for (let n = 0; n < ROUNDS_PER_WORKER; n++) {
      const res = await fetch(`${base}/api/rounds`, {
        method: "POST",
        headers: { ...bearer(i), "content-type": "application/json" },
        body: '{"category":"animals"}',
      });
      const { round } = await res.json();
      list.push({ round, word: await wordOf(kv, opener, round) });
    }
    return list;
  }),
);
kv.close();

const results: Result[] = [];
results.push(
  await run("GET /health", SECONDS, () => ok(fetch(`${base}/health`))),
);
const withAuth = await run(
  "GET /api/words (bearer token)",
  SECONDS,
  (i) => ok(fetch(`${base}/api/words`, { headers: bearer(i) })),
);
results.push(withAuth);
const withoutAuth = await run(
  "GET /api/words (same route, no auth)",
  SECONDS,
  () => ok(fetch(`${openBase}/api/words`)),
);
results.push(withoutAuth);
const mcpCategories = await run(
  "POST /mcp tools/call list_categories (bearer token)",
  SECONDS,
  (i) => callTool(i, "list_categories"),
);
results.push(mcpCategories);
const restScore = await run(
  "GET /api/score (bearer token)",
  SECONDS,
  (i) => ok(fetch(`${base}/api/score`, { headers: bearer(i) })),
);
results.push(restScore);
const mcpScore = await run(
  "POST /mcp tools/call my_score (bearer token)",
  SECONDS,
  (i) => callTool(i, "my_score"),
);
results.push(mcpScore);
results.push(
  await run("POST /oauth/token (refresh rotation)", SECONDS, async (i) => {
    const res = await fetch(`${base}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: refreshTokens[i]!,
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
      }),
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      return false;
    }
    refreshTokens[i] = (await res.json()).refresh_token;
    return true;
  }),
);
results.push(
  await run("POST /api/rounds/guess (scoring)", SECONDS, async (i) => {
    const next = rounds[i]!.pop();
    if (!next) return "done";
    const res = await fetch(`${base}/api/rounds/guess`, {
      method: "POST",
      headers: { ...bearer(i), "content-type": "application/json" },
      body: JSON.stringify({ round: next.round, guess: next.word }),
    });
    return res.status === 200 && (await res.json()).correct === true;
  }),
);

// Soak: mixed reads for a minute, sampling the server's resident memory.
function rssMiB(): number {
  const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}
const samples: number[] = [rssMiB()];
const sampler = setInterval(() => samples.push(rssMiB()), 5000);
const soak = await run(
  `soak: mixed reads, ${SOAK} s`,
  SOAK,
  (i) =>
    i % 4 === 0 ? ok(fetch(`${base}/health`)) : ok(
      fetch(`${base}/api/${i % 2 ? "score" : "words"}`, {
        headers: bearer(i),
      }),
    ),
);
clearInterval(sampler);
samples.push(rssMiB());
results.push(soak);

child.kill("SIGTERM");
await child.status;
await Deno.remove(dir, { recursive: true });

const pad = (s: string | number, n: number) => String(s).padStart(n);
// deno-lint-ignore no-console
const print = console.log;
print(
  `\n${WORKERS} concurrent clients, ${SECONDS} s per scenario, Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores\n`,
);
print(`| scenario | requests | errors | req/s | p50 ms | p99 ms |`);
print(`| --- | ---: | ---: | ---: | ---: | ---: |`);
for (const r of results) {
  print(
    `| ${r.name} | ${pad(r.requests, 7)} | ${r.errors} | ${
      pad(r.rps, 6)
    } | ${r.p50} | ${r.p99} |`,
  );
}
const ratio = withAuth.rps / withoutAuth.rps;
const percent = (a: Result, b: Result) =>
  `${(a.rps / b.rps * 100).toFixed(1)}%`;
const warm = samples[2] ?? samples[0]!;
const last = samples.at(-1)!;
const growth = (last - warm) / warm;
print(
  `\nauthenticated / unauthenticated throughput: ${
    (ratio * 100).toFixed(1)
  }% (target ≥ 75%)`,
);
print(
  `MCP tool call / REST call throughput (no target): list_categories / GET /api/words ${
    percent(mcpCategories, withAuth)
  }, my_score / GET /api/score ${percent(mcpScore, restScore)}`,
);
print(
  `server RSS during the soak (MiB, every 5 s): ${
    samples.join(", ")
  }; growth after warm-up ${(growth * 100).toFixed(1)}% (target ≤ 20%)`,
);
const failed = results.some((r) => r.errors > 0) || ratio < 0.75 ||
  growth > 0.2;
print(
  failed ? "\nRESULT: target missed" : "\nRESULT: all targets met, zero errors",
);
Deno.exit(failed ? 1 : 0);
