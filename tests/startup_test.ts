/**
 * Start-up as an operator meets it: the real `main.ts` in its own process,
 * with only the environment it is given.
 */
import assert from "node:assert/strict";
import { CLIENT_ID, CLIENT_SECRET } from "./_app.ts";
import { childEnv, SEAL_KEYS, spawnServer, startServer } from "./_process.ts";

const ROOT = new URL("../", import.meta.url);

/**
 * The `deno run` arguments of a task in deno.json (its permissions exactly),
 * with its script made absolute, to run from another directory.
 */
async function taskArgs(name: "start" | "dev"): Promise<string[]> {
  const { tasks } = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const task = tasks[name];
  const [deno, run, ...rest] = String(task.command ?? task).split(/\s+/);
  assert.deepEqual([deno, run], ["deno", "run"], name);
  const script = rest.pop()!;
  return [
    "run",
    ...rest,
    "--config",
    new URL("deno.json", ROOT).pathname,
    new URL(script, ROOT).pathname,
  ];
}

/**
 * Runs `main.ts` (or `args`, e.g. a task's) with exactly `env`, from `cwd`,
 * and returns its exit code and output.
 */
async function run(
  env: Record<string, string>,
  options: { args?: string[]; cwd?: string } = {},
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: options.args ??
      ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
    cwd: options.cwd,
    env: childEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const CONFIGURED = {
  SEAL_KEYS,
  OAUTH_CLIENT_ID: CLIENT_ID,
  OAUTH_CLIENT_SECRET: CLIENT_SECRET,
};

const errors = (stderr: string) =>
  stderr.split("\n").filter((l) => l.startsWith("configuration error: "));

Deno.test("start-up: with nothing set, every missing variable is reported at once, one line each, and the process exits 1", async () => {
  const { code, stderr } = await run({});
  assert.equal(code, 1);
  const lines = errors(stderr);
  for (
    const variable of ["SEAL_KEYS", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET"]
  ) {
    assert.ok(
      lines.some((l) => l.startsWith(`configuration error: ${variable}: `)),
      `${variable} in:\n${stderr}`,
    );
  }
  assert.doesNotMatch(stderr, /Uncaught|at .*\.ts:\d+/);
});

Deno.test("start-up: a KV_PATH that cannot be opened is one line naming KV_PATH, not a stack trace", async () => {
  const { code, stderr } = await run({
    SEAL_KEYS,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    KV_PATH: "/nonexistent-dir/words.kv",
  });
  assert.equal(code, 1);
  assert.deepEqual(
    errors(stderr).map((l) => l.split(":")[1]!.trim()),
    ["KV_PATH"],
    stderr,
  );
  assert.doesNotMatch(stderr, /Uncaught|at .*\.ts:\d+/);
});

Deno.test("start-up: a port already in use is one line naming PORT and the fix, exit 1, under deno task start and deno task dev", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String(taken.addr.port);
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["start", "dev"] as const) {
      const { code, stderr } = await run(
        {
          ...(name === "start" ? CONFIGURED : {}),
          LISTEN_HOST: "127.0.0.1",
          PORT: port,
        },
        { args: await taskArgs(name), cwd: dir },
      );
      assert.equal(code, 1, `${name}:\n${stderr}`);
      assert.deepEqual(
        errors(stderr),
        [
          `configuration error: PORT: ${port} is already in use on 127.0.0.1 (another server, or another deno task dev or start); stop it, or choose a free port, e.g. PORT=${
            Number(port) + 1
          }`,
        ],
        stderr,
      );
      assert.doesNotMatch(stderr, /Uncaught|AddrInUse|at .*\.ts:\d+/, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("start-up: a KV_PATH deno task dev may not write is one line naming KV_PATH, without Deno's permission prompt or --allow advice", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stderr } = await run(
      { KV_PATH: `${dir}/elsewhere.kv`, PORT: "0" },
      { args: await taskArgs("dev"), cwd: dir },
    );
    assert.equal(code, 1, stderr);
    assert.deepEqual(
      errors(stderr),
      [
        `configuration error: KV_PATH: "${dir}/elsewhere.kv" is outside the files this task may write; put it under .local/ for deno task dev, or unset it for the default`,
      ],
      stderr,
    );
    assert.doesNotMatch(stderr, /--allow|Allow\?|Deno requests/);
    assert.doesNotMatch(stderr, /Uncaught|at .*\.ts:\d+/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * `GET /` over a raw HTTP/1.1 connection to 127.0.0.1 with exactly the
 * header lines given (a `Host` fetch would not let us write), as a rebound
 * name or a tunnel sends it. Returns the whole response.
 */
async function rawGet(port: number, headers: string[]): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const request = ["GET / HTTP/1.1", ...headers, "Connection: close", "", ""];
  await conn.write(new TextEncoder().encode(request.join("\r\n")));
  return await new Response(conn.readable).text();
}

/** This machine's addresses other than loopback. */
function otherAddresses(): string[] {
  return Deno.networkInterfaces()
    .filter((i) => i.family === "IPv4" && !i.address.startsWith("127."))
    .map((i) => i.address);
}

Deno.test({
  name:
    "start-up: deno task dev listens on 127.0.0.1 only, and its setup guide shows the secret it generated to this machine at localhost, not to a rebound name or a tunnel",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const dev = await spawnServer("scripts/dev.ts", {}, { cwd: dir });
    const port = Number(new URL(dev.origin).port);
    try {
      assert.equal(dev.address, `127.0.0.1:${port}`);
      const { OAUTH_CLIENT_SECRET: secret } = JSON.parse(
        await Deno.readTextFile(`${dir}/.local/dev.json`),
      );
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.ok(page.includes(secret), "shown to this machine");
      assert.ok(dev.lines.some((l) => l.includes(secret)), "and in the banner");
      // Not to a foreign name resolving here, nor through a tunnel.
      for (
        const headers of [
          [`Host: rebind.attacker.example:${port}`],
          [`Host: localhost:${port}`, "X-Forwarded-For: 203.0.113.5"],
        ]
      ) {
        const response = await rawGet(port, headers);
        assert.match(response, /^HTTP\/1\.1 200/, headers.join(", "));
        assert.ok(!response.includes(secret), headers.join(", "));
        assert.match(response, /\.local\/dev\.json/);
      }
      assert.ok(
        (await rawGet(port, [`Host: localhost:${port}`])).includes(secret),
        "shown at localhost",
      );
      // Nothing answers on the machine's other addresses.
      for (const address of otherAddresses()) {
        await assert.rejects(
          Deno.connect({ hostname: address, port }),
          Deno.errors.ConnectionRefused,
          address,
        );
      }
    } finally {
      dev.kill();
      await dev.exited;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "start-up: deno task start listens on every interface unless LISTEN_HOST says otherwise, and never shows the secret, DEV_LOGIN=1 or not",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (
      const [env, address] of [[{}, "0.0.0.0"], [
        { LISTEN_HOST: "127.0.0.1" },
        "127.0.0.1",
      ]] as const
    ) {
      const server = await startServer({ DEV_LOGIN: "1", ...env });
      try {
        const port = new URL(server.origin).port;
        assert.equal(server.address, `${address}:${port}`);
        const page = await (await fetch(`${server.origin}/`)).text();
        assert.ok(!page.includes(CLIENT_SECRET));
        assert.match(page, /The OAUTH_CLIENT_SECRET set on this server/);
        // It found this run's Deno cache: nothing was downloaded again.
        assert.deepEqual(
          server.lines.filter((l) => l.startsWith("Download ")),
          [],
        );
      } finally {
        server.kill();
        await server.exited;
      }
    }
  },
});

Deno.test({
  name:
    "start-up: PORT=0 listens on a free port, and the default PUBLIC_URL (the issuer) names that port",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startServer({ PORT: "0", LISTEN_HOST: "127.0.0.1" });
    try {
      const port = Number(new URL(server.origin).port);
      assert.ok(port > 0);
      assert.equal(server.publicUrl, `http://localhost:${port}`);
      const metadata = await (await fetch(
        `${server.origin}/.well-known/oauth-authorization-server`,
      )).json();
      assert.equal(metadata.issuer, `http://localhost:${port}`);
      assert.equal(
        metadata.token_endpoint,
        `http://localhost:${port}/oauth/token`,
      );
    } finally {
      server.kill();
      await server.exited;
    }
  },
});

Deno.test("start-up: a child process finds this run's Deno cache, registry, proxy and certificate settings, and none of its app variables", async () => {
  const info = async (env?: Record<string, string>) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      ...(env ? { env, clearEnv: true } : {}),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const { denoDir, npmCache } = JSON.parse(
      new TextDecoder().decode(out.stdout),
    );
    return { denoDir, npmCache };
  };
  assert.deepEqual(await info(childEnv({})), await info());

  const app = { PUBLIC_URL: "https://leak.example", GOOGLE_CLIENT_SECRET: "x" };
  for (const [name, value] of Object.entries(app)) Deno.env.set(name, value);
  try {
    const env = childEnv({});
    for (const name of Object.keys(app)) assert.equal(env[name], undefined);
    for (
      const name of [
        "DENO_DIR",
        "HOME",
        "XDG_CACHE_HOME",
        "NPM_CONFIG_REGISTRY",
        "npm_config_registry",
        "DENO_CERT",
        "DENO_TLS_CA_STORE",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "NO_PROXY",
        "PATH",
      ]
    ) {
      assert.equal(env[name], Deno.env.get(name), name);
    }
  } finally {
    for (const name of Object.keys(app)) Deno.env.delete(name);
  }
});
