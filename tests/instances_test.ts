/**
 * Three real server processes sharing one KV file: what one instance issues
 * or revokes, the others honour; a code is single-use across all of them;
 * concurrent scoring spread over them loses nothing. And a server stops
 * gracefully: a request in flight when SIGTERM arrives still gets its answer.
 */
import assert from "node:assert/strict";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { CLIENT_ID, CLIENT_SECRET } from "./_app.ts";
import { authorizeUrl, REDIRECT } from "./_flow.ts";
import { wordOf } from "./_game.ts";
import { SEAL_KEYS, type ServerProcess, startServer } from "./_process.ts";

async function signIn(server: ServerProcess, login: string): Promise<string> {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    state: "multi",
    provider: "dev",
    login_hint: login,
  });
  const start = await fetch(`${server.origin}/oauth/authorize?${query}`, {
    redirect: "manual",
  });
  await start.body?.cancel();
  const cookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
  const back = await fetch(start.headers.get("location")!, {
    headers: { cookie },
    redirect: "manual",
  });
  await back.body?.cancel();
  return new URL(back.headers.get("location")!).searchParams.get("code")!;
}

function token(
  server: ServerProcess,
  form: Record<string, string>,
): Promise<Response> {
  return fetch(`${server.origin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      ...form,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }),
  });
}

async function call(
  server: ServerProcess,
  path: string,
  bearer: string,
  body?: unknown,
): Promise<Response> {
  return await fetch(`${server.origin}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function status(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.body?.cancel();
  return r.status;
}

Deno.test({
  name:
    "three instances on one KV file: tokens, single-use codes, revocation reaching every instance, and concurrent scoring",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const kvPath = `${dir}/shared.kv`;
    const env = { KV_PATH: kvPath, GAME_RATE_LIMIT: "0" };
    const servers = await Promise.all([
      startServer(env),
      startServer(env),
      startServer(env),
    ]);
    const [a, b, c] = servers as [ServerProcess, ServerProcess, ServerProcess];
    try {
      // A code issued by A, redeemed on B, refused on C.
      const code = await signIn(a, "multi");
      const first = await token(b, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
      });
      assert.equal(first.status, 200);
      const tokens = await first.json();
      const replay = await token(c, {
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT,
      });
      assert.equal(replay.status, 400);
      assert.equal((await replay.json()).error, "invalid_grant");
      const revoked = await token(a, {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
      });
      assert.equal(revoked.status, 400, "the replay revoked the family");
      assert.equal((await revoked.json()).error, "invalid_grant");

      // The replay revoked what the code issued, everywhere; sign in again.
      const fresh = await (await token(a, {
        grant_type: "authorization_code",
        code: await signIn(a, "multi"),
        redirect_uri: REDIRECT,
      })).json();
      for (const s of servers) {
        assert.equal(await status(call(s, "/api/me", fresh.access_token)), 200);
      }

      // Concurrent correct guesses spread over the three lose no point.
      const rounds: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await call(
          servers[i % 3]!,
          "/api/rounds",
          fresh.access_token,
          {
            category: "animals",
          },
        );
        assert.equal(res.status, 201);
        rounds.push((await res.json()).round);
      }
      const kv = await Deno.openKv(kvPath);
      const keyring = new Keyring([{
        kid: "k1",
        secret: SEAL_KEYS.slice(3),
      }]);
      const opener = new Tokens(keyring, Date.now);
      const words = await Promise.all(
        rounds.map((handle) => wordOf(kv, opener, handle)),
      );
      kv.close();
      const verdicts = await Promise.all(rounds.map(async (round, i) => {
        const res = await call(
          servers[(i + 1) % 3]!,
          "/api/rounds/guess",
          fresh.access_token,
          { round, guess: words[i] },
        );
        return await res.json();
      }));
      assert.deepEqual(
        verdicts.filter((v) => v.correct !== true),
        [],
        servers.flatMap((s) => s.lines).filter((l) => l.includes("error"))
          .slice(0, 3).join("\n"),
      );
      for (const s of servers) {
        const score = await (await call(s, "/api/score", fresh.access_token))
          .json();
        assert.equal(score.score, 30 * 100);
      }

      // A revocation on A reaches B and C. How soon (5 s at most) is proven
      // on an injected clock in revocation_bound_test.ts; here processes are
      // scheduled as a busy machine pleases, so only "it arrives" is checked.
      for (const s of [b, c]) {
        assert.equal(await status(call(s, "/api/me", fresh.access_token)), 200);
      }
      const revoke = await fetch(`${a.origin}/oauth/revoke`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          token: fresh.refresh_token,
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
        }),
      });
      assert.equal(await status(Promise.resolve(revoke)), 200);
      assert.equal(await status(call(a, "/api/me", fresh.access_token)), 401);
      for (const s of [b, c]) {
        await waitFor(
          async () =>
            await status(call(s, "/api/me", fresh.access_token)) === 401,
          "the revocation reaches every instance",
        );
      }
    } finally {
      for (const s of servers) s.kill("SIGKILL");
      await Promise.all(servers.map((s) => s.exited));
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "graceful shutdown: a request still in flight at SIGTERM is answered in full, new connections are refused, then the server exits 0",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    // An OpenID issuer on loopback that holds its discovery document until
    // told: the server's authorize handler is then surely mid-request.
    let arrived!: () => void;
    const discovering = new Promise<void>((r) => arrived = r);
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    const issuer = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (req) => {
        const origin = new URL(req.url).origin;
        arrived();
        await released;
        return Response.json({
          issuer: origin,
          authorization_endpoint: `${origin}/auth`,
          token_endpoint: `${origin}/token`,
          jwks_uri: `${origin}/jwks`,
        });
      },
    );
    const issuerUrl = `http://127.0.0.1:${issuer.addr.port}`;
    const server = await startServer({
      KV_PATH: ":memory:",
      OIDC_ISSUER: issuerUrl,
      OIDC_CLIENT_ID: "words",
      OIDC_CLIENT_SECRET: "issuer-secret-0123456789",
    });
    try {
      const inFlight = fetch(
        `${server.origin}${authorizeUrl({ provider: "oidc", state: "s-1" })}`,
        { redirect: "manual" },
      );
      inFlight.catch(() => {}); // awaited below; fails the test there
      await discovering;
      server.kill("SIGTERM");
      await waitFor(
        () => server.lines.some((l) => l.includes('"shutting down"')),
        "the server logs that it is shutting down",
      );
      const late = await fetch(`${server.origin}/health`).then(
        (res) => res.status,
        () => 0,
      );
      assert.equal(late, 0, "a new connection after SIGTERM is refused");
      assert.ok(
        !server.lines.some((l) => l.includes('"stopped"')),
        "the server waits for the request in flight",
      );
      release();
      const res = await inFlight;
      await res.body?.cancel();
      assert.equal(res.status, 302);
      assert.ok(res.headers.get("location")!.startsWith(`${issuerUrl}/auth?`));
      const exit = await server.exited;
      assert.equal(exit.code, 0);
      assert.ok(server.lines.some((l) => l.includes('"stopped"')));
    } finally {
      release();
      server.kill("SIGKILL");
      await server.exited;
      await issuer.shutdown();
    }
  },
});

/**
 * Polls `check` until it holds. The limit only keeps a broken build from
 * hanging the run; it is far above any healthy wait, and asserts no speed.
 */
async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
): Promise<void> {
  const until = Date.now() + 120_000;
  while (!await check()) {
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
