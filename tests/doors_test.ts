/**
 * One door per protocol: each sub-app (OAuth, browser, API) owns its guards
 * and draws every answer in its protocol's shape, whatever path it serves;
 * a route added to a sub-app inherits both; a path no sub-app serves gets a
 * page for a person and JSON for a program.
 */
import assert from "node:assert/strict";
import { type Env as HonoEnv, Hono } from "hono";
import { testApp, testEnv } from "./_app.ts";
import { authorizeUrl, basic, ORIGIN, tokensFor } from "./_flow.ts";
import { keyring } from "./_keys.ts";
import { buildServices } from "../app/services.ts";
import { loadConfig } from "../config.ts";
import { OAuthError } from "../auth/oauth_error.ts";
import { type Kv, StorageUnavailable } from "../lib/kv.ts";
import { commonMiddleware } from "../routes/_common.ts";
import { clientAddress } from "../routes/_guards.ts";
import { oauthApp } from "../routes/oauth/mod.ts";
import { browserApp } from "../routes/browser/mod.ts";
import { apiApp } from "../routes/api/mod.ts";
import type { Env } from "../config.ts";

const from = (hostname: string) => ({
  remoteAddr: { transport: "tcp" as const, hostname, port: 40000 },
});
const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const BIG = "x".repeat(20_000);

/** An HTML page: the pages' own CSP, never JSON; logged with its request id. */
async function assertPage(res: Response, status: number, text: RegExp) {
  assert.equal(res.status, status);
  assert.match(
    res.headers.get("x-request-id")!,
    /^[A-Za-z0-9_-]{8}\.[0-9a-z]+$/,
  );
  assert.match(res.headers.get("content-type")!, /^text\/html/);
  assert.match(
    res.headers.get("content-security-policy")!,
    /style-src 'self'.*frame-ancestors 'none'/,
  );
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(await res.text(), text);
}

Deno.test("browser: a 429 at /oauth/authorize and under /login/ is an HTML page with Retry-After, never JSON", async () => {
  await using t = await testApp({ env: { AUTHORIZE_RATE_LIMIT: "1" } });
  for (const path of [authorizeUrl(), "/login/dev/callback?state=x"]) {
    await (await t.app.request(`${ORIGIN}${path}`, {}, from("192.0.2.8")))
      .body?.cancel();
    const res = await t.app.request(`${ORIGIN}${path}`, {}, from("192.0.2.8"));
    assert.ok(Number(res.headers.get("retry-after")) > 0, path);
    await assertPage(res, 429, /Too many sign-in attempts/);
  }
});

Deno.test("browser: a 413 at /oauth/authorize/cancel and under /login/ is an HTML page", async () => {
  await using t = await testApp();
  for (const path of ["/oauth/authorize/cancel", "/login/dev/callback"]) {
    const res = await t.app.request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: BIG,
    });
    await assertPage(res, 413, /Too much data/);
  }
});

Deno.test("oauth: the token endpoint's 413 is RFC 6749 JSON with Cache-Control: no-store and Pragma: no-cache", async () => {
  await using t = await testApp();
  for (const path of ["/oauth/token", "/oauth/revoke"]) {
    const res = await t.app.request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(),
      },
      body: `grant_type=refresh_token&refresh_token=${BIG}`,
    });
    assert.equal(res.status, 413, path);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(res.headers.get("pragma"), "no-cache");
    assert.deepEqual(await res.json(), {
      error: "invalid_request",
      error_description: "The request body is too large.",
    });
  }
});

Deno.test("unknown path: an HTML 404 page when the request accepts HTML, JSON otherwise", async () => {
  await using t = await testApp();
  for (const path of ["/nowhere", "/login/dev/nowhere", "/oauth/nowhere/x"]) {
    await assertPage(
      await t.app.request(`${ORIGIN}${path}`, { headers: HTML }),
      404,
      /Page not found/,
    );
  }
  for (const accept of [undefined, "*/*", "application/json"]) {
    const res = await t.app.request(`${ORIGIN}/nowhere`, {
      headers: accept ? { accept } : {},
    });
    assert.equal(res.status, 404, accept);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.deepEqual(await res.json(), {
      error: "not_found",
      message: "No such route.",
    });
  }
});

Deno.test("405 with Allow, in the shape of the sub-app that serves the path", async () => {
  await using t = await testApp();
  const { access_token } = await tokensFor(t);
  const token = await t.app.request(`${ORIGIN}/oauth/token`, {
    headers: HTML,
  });
  assert.equal(token.status, 405);
  assert.equal(token.headers.get("allow"), "POST");
  assert.match(
    token.headers.get("x-request-id")!,
    /^[A-Za-z0-9_-]{8}\.[0-9a-z]+$/,
  );
  assert.equal(token.headers.get("pragma"), "no-cache");
  assert.deepEqual(await token.json(), {
    error: "invalid_request",
    error_description: "Use POST.",
  });
  const metadata = await t.app.request(
    `${ORIGIN}/.well-known/oauth-authorization-server`,
    { method: "POST" },
  );
  assert.equal(metadata.status, 405);
  assert.equal(metadata.headers.get("allow"), "GET, HEAD");
  assert.equal((await metadata.json()).error, "invalid_request");
  const authorize = await t.app.request(`${ORIGIN}${authorizeUrl()}`, {
    method: "POST",
    headers: HTML,
  });
  assert.equal(authorize.headers.get("allow"), "GET, HEAD");
  await assertPage(authorize, 405, /Not available this way/);
  const privacy = await t.app.request(`${ORIGIN}/privacy`, {
    method: "DELETE",
  });
  assert.equal(privacy.headers.get("allow"), "GET, HEAD");
  await assertPage(privacy, 405, /Not available this way/);
  const score = await t.app.request(`${ORIGIN}/api/score`, {
    method: "PUT",
    headers: { authorization: `Bearer ${access_token}`, ...HTML },
  });
  assert.equal(score.status, 405);
  assert.equal(score.headers.get("allow"), "GET, HEAD");
  assert.deepEqual(await score.json(), {
    error: "method_not_allowed",
    message: "Use GET or HEAD.",
  });
});

Deno.test("allowlist: a request whose address cannot be read is refused in the shape of the sub-app it reached", async () => {
  await using t = await testApp({ env: { IP_ALLOWLIST: "10.0.0.0/8" } });
  // app.request() carries no connection: no address to check.
  const api = await t.app.request(`${ORIGIN}/api/me`);
  assert.equal(api.status, 403);
  assert.deepEqual(await api.json(), {
    error: "forbidden",
    message: "This address may not call this service.",
  });
  const token = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
  });
  assert.equal(token.status, 403);
  assert.equal(token.headers.get("pragma"), "no-cache");
  assert.equal((await token.json()).error, "access_denied");
  assert.ok(!t.logs.some((l) => l.level === "error"), "not a server error");
});

Deno.test("Strict-Transport-Security is sent only when the service is reached over https", async () => {
  await using https = await testApp();
  const secure = await https.app.request(`${ORIGIN}/health`);
  assert.match(secure.headers.get("strict-transport-security")!, /max-age=/);
  await using http = await testApp({
    env: { PUBLIC_URL: "http://localhost:8000" },
  });
  for (const path of ["/health", "/", "/nowhere"]) {
    const plain = await http.app.request(`http://localhost:8000${path}`);
    await plain.body?.cancel();
    assert.equal(plain.headers.get("strict-transport-security"), null, path);
    assert.equal(plain.headers.get("x-content-type-options"), "nosniff");
  }
});

/**
 * One sub-app, extended with a throwaway route the way a new feature would
 * add one, mounted as app/mod.ts mounts it: the route must get the
 * sub-app's guards and its error renderer, with nothing else changed.
 */
function withThrowaway<E extends HonoEnv>(
  env: Env,
  kv: Kv,
  mount: (
    services: ReturnType<typeof buildServices>,
    address: ReturnType<typeof clientAddress>,
  ) => Hono<E>,
): Hono {
  const config = loadConfig(testEnv(env));
  const services = buildServices({
    config,
    kv,
    now: () => Date.UTC(2026, 10, 23, 12),
    fetch: () => Promise.reject(new Error("no upstream")),
    log: () => {},
    keyring,
  });
  const address = clientAddress(null);
  const app = new Hono();
  app.use(commonMiddleware(services.log, { https: true }));
  app.route("/", mount(services, address));
  return app;
}

/** What a throwaway route does, by its `fail` query parameter. */
function fail(failure: string | undefined): Response {
  if (failure === "oauth") {
    throw new OAuthError("invalid_grant", "The grant is invalid.", "test");
  }
  if (failure === "storage") throw new StorageUnavailable("get", "test");
  if (failure === "bug") throw new TypeError("a bug");
  return new Response("ok");
}

Deno.test("a route added to the OAuth sub-app gets its allowlist, body limit, no-store and RFC 6749 errors", async () => {
  await using kv = await Deno.openKv(":memory:");
  const app = withThrowaway(
    { IP_ALLOWLIST: "10.0.0.0/8" },
    kv,
    (services, address) => {
      const oauth = oauthApp({ services, address });
      oauth.post("/oauth/throwaway", (c) => fail(c.req.query("fail")));
      return oauth;
    },
  );
  const send = (query: string, ip = "10.0.0.1", body = "a=b") =>
    app.request(`${ORIGIN}/oauth/throwaway${query}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    }, from(ip));
  const ok = await send("");
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("pragma"), "no-cache");
  assert.equal(await ok.text(), "ok");
  const outside = await send("", "192.0.2.1");
  assert.equal(outside.status, 403);
  assert.equal((await outside.json()).error, "access_denied");
  const big = await send("", "10.0.0.1", BIG);
  assert.equal(big.status, 413);
  assert.equal(big.headers.get("pragma"), "no-cache");
  assert.equal((await big.json()).error, "invalid_request");
  for (
    const [query, status, error] of [
      ["?fail=oauth", 400, "invalid_grant"],
      ["?fail=storage", 503, "temporarily_unavailable"],
      ["?fail=bug", 500, "server_error"],
    ] as const
  ) {
    const res = await send(query);
    assert.equal(res.status, status, query);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(
      res.headers.get("x-request-id")!,
      /^[A-Za-z0-9_-]{8}\.[0-9a-z]+$/,
    );
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ["error", "error_description"]);
    assert.equal(body.error, error);
  }
});

Deno.test("a route added to the browser sub-app under /login/ gets its rate limit, body limit and error pages", async () => {
  await using kv = await Deno.openKv(":memory:");
  const app = withThrowaway(
    { AUTHORIZE_RATE_LIMIT: "2" },
    kv,
    (services, address) => {
      const browser = browserApp({ services, address });
      browser.all("/login/throwaway", (c) => fail(c.req.query("fail")));
      return browser;
    },
  );
  const visit = (query: string, init: RequestInit = {}) =>
    app.request(`${ORIGIN}/login/throwaway${query}`, init, from("192.0.2.9"));
  assert.equal((await visit("")).status, 200);
  await assertPage(await visit("?fail=bug"), 500, /Something went wrong/);
  // Refused before it is counted: the body limit runs first.
  await assertPage(
    await visit("", { method: "POST", body: BIG }),
    413,
    /Too much data/,
  );
  const limited = await visit("");
  assert.ok(Number(limited.headers.get("retry-after")) > 0);
  await assertPage(limited, 429, /Too many sign-in attempts/);
});

Deno.test("a route added to the API sub-app under /api/ gets its allowlist, bearer guard and API errors", async () => {
  await using t = await testApp();
  const { access_token } = await tokensFor(t);
  const app = withThrowaway(
    { IP_ALLOWLIST: "10.0.0.0/8" },
    t.kv,
    (services, address) => {
      const api = apiApp({ services, address });
      api.get("/api/throwaway", (c) => fail(c.req.query("fail")));
      return api;
    },
  );
  const ask = (query: string, authorization?: string, ip = "10.0.0.1") =>
    app.request(`${ORIGIN}/api/throwaway${query}`, {
      headers: authorization ? { authorization } : {},
    }, from(ip));
  const bearer = `Bearer ${access_token}`;
  const anonymous = await ask("");
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get("www-authenticate")!, /^Bearer /);
  assert.equal((await anonymous.json()).error, "unauthorized");
  const outside = await ask("", bearer, "192.0.2.1");
  assert.equal(outside.status, 403);
  assert.equal((await outside.json()).error, "forbidden");
  const ok = await ask("", bearer);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("cache-control"), "no-store");
  for (
    const [query, status, error] of [
      ["?fail=storage", 503, "temporarily_unavailable"],
      ["?fail=bug", 500, "server_error"],
    ] as const
  ) {
    const res = await ask(query, bearer);
    assert.equal(res.status, status, query);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ["error", "message"]);
    assert.equal(body.error, error);
  }
});

Deno.test("a JSON 405 asked for with Accept: text/html keeps the JSON policy, not the page's", async () => {
  await using t = await testApp();
  for (
    const [method, path] of [
      ["GET", "/oauth/token"],
      ["DELETE", "/.well-known/oauth-authorization-server"],
      ["POST", "/openapi.json"],
    ]
  ) {
    const res = await t.app.request(`${ORIGIN}${path}`, {
      method,
      headers: { accept: "text/html" },
    });
    await res.body?.cancel();
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.match(res.headers.get("content-type") ?? "", /json/);
    assert.equal(
      res.headers.get("content-security-policy"),
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      `${method} ${path}`,
    );
    assert.ok(res.headers.get("referrer-policy"), `${method} ${path}`);
  }
});
