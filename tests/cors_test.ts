import assert from "node:assert/strict";
import { testApp } from "./_app.ts";
import {
  authorizeUrl,
  basic,
  ORIGIN,
  postForm,
  refresh,
  signIn,
  tokensFor,
} from "./_flow.ts";

const SITE = "https://inspector.example";
const from = (hostname: string) => ({
  remoteAddr: { transport: "tcp" as const, hostname, port: 40000 },
});

const DOCUMENTS = [
  "/.well-known/oauth-authorization-server",
  "/.well-known/oauth-protected-resource",
  "/.well-known/oauth-protected-resource/mcp",
];
const ENDPOINTS = ["/oauth/token", "/oauth/revoke"];

/** What a browser sends before a cross-origin request it may not simply make. */
function preflight(path: string, method: string, headers: string) {
  return new Request(`${ORIGIN}${path}`, {
    method: "OPTIONS",
    headers: {
      origin: SITE,
      "access-control-request-method": method,
      "access-control-request-headers": headers,
    },
  });
}

Deno.test("CORS: a preflight for a metadata document, the token or the revocation endpoint is answered 204 with what may be sent", async () => {
  await using t = await testApp();
  const cases = [
    ...DOCUMENTS.map((path) => [path, "GET", /\bGET\b/] as const),
    ...ENDPOINTS.map((path) => [path, "POST", /\bPOST\b/] as const),
  ];
  for (const [path, method, allowed] of cases) {
    const res = await t.app.request(
      preflight(
        path,
        method,
        "authorization, content-type, mcp-protocol-version",
      ),
    );
    assert.equal(res.status, 204, path);
    assert.equal(res.headers.get("access-control-allow-origin"), "*", path);
    assert.equal(res.headers.get("access-control-allow-credentials"), null);
    assert.match(res.headers.get("access-control-allow-methods")!, allowed);
    const headers = res.headers.get("access-control-allow-headers")!
      .toLowerCase().split(/,\s*/);
    for (const h of ["authorization", "content-type", "mcp-protocol-version"]) {
      assert.ok(headers.includes(h), `${path} allows ${h}`);
    }
  }
});

Deno.test("CORS: the metadata documents and token answers, errors included, are readable from any origin", async () => {
  await using t = await testApp();
  for (const path of DOCUMENTS) {
    const res = await t.app.request(`${ORIGIN}${path}`, {
      headers: { origin: SITE },
    });
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("access-control-allow-origin"), "*", path);
    assert.equal(res.headers.get("access-control-allow-credentials"), null);
    await res.body?.cancel();
  }
  const { refresh_token } = await tokensFor(t);
  const ok = await refresh(t, refresh_token);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), "*");
  const bad = await refresh(t, "not-a-token");
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("access-control-allow-origin"), "*");
  const revoked = await postForm(t, "/oauth/revoke", { token: "x" });
  assert.equal(revoked.status, 200);
  assert.equal(revoked.headers.get("access-control-allow-origin"), "*");
});

Deno.test("CORS: never on /oauth/authorize, its cancel, the sign-in pages or other pages", async () => {
  await using t = await testApp();
  const params = await signIn(t);
  assert.ok(params.get("code"));
  for (
    const path of [
      authorizeUrl(),
      authorizeUrl({ provider: "dev", login_hint: "alice" }),
      "/oauth/authorize/cancel",
      "/login/dev/form",
      "/",
      "/privacy",
    ]
  ) {
    const res = await t.app.request(`${ORIGIN}${path}`, {
      headers: { origin: SITE },
    });
    assert.equal(res.headers.get("access-control-allow-origin"), null, path);
    await res.body?.cancel();
    const pre = await t.app.request(preflight(path, "GET", "content-type"));
    assert.notEqual(pre.status, 204, path);
    assert.equal(pre.headers.get("access-control-allow-origin"), null, path);
    await pre.body?.cancel();
  }
});

Deno.test("CORS: preflights are not counted against the token rate limit; the actual requests still are, and their 429 is readable", async () => {
  await using t = await testApp({ env: { TOKEN_RATE_LIMIT: "2" } });
  for (let i = 0; i < 10; i++) {
    const res = await t.app.request(
      preflight("/oauth/token", "POST", "authorization"),
      undefined,
      from("203.0.113.7"),
    );
    assert.equal(res.status, 204, `preflight ${i}`);
  }
  const send = () =>
    t.app.request(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: {
        origin: SITE,
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(),
      },
      body: "grant_type=refresh_token&refresh_token=x",
    }, from("203.0.113.7"));
  assert.equal((await send()).status, 400);
  assert.equal((await send()).status, 400);
  const limited = await send();
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("access-control-allow-origin"), "*");
});

Deno.test("CORS: the allowlist and the body limit still guard the endpoints; their refusals are readable", async () => {
  await using t = await testApp({ env: { IP_ALLOWLIST: "10.0.0.0/8" } });
  const outside = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { origin: SITE },
  }, from("203.0.113.7"));
  assert.equal(outside.status, 403);
  assert.equal(outside.headers.get("access-control-allow-origin"), "*");
  assert.equal((await outside.json()).error, "access_denied");
  const big = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: {
      origin: SITE,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "x=" + "y".repeat(20_000),
  }, from("10.1.2.3"));
  assert.equal(big.status, 413);
  assert.equal(big.headers.get("access-control-allow-origin"), "*");
  await big.body?.cancel();
});

Deno.test("CORS: an OPTIONS that is not a preflight keeps the 405 with Allow", async () => {
  await using t = await testApp();
  const res = await t.app.request(`${ORIGIN}/oauth/revoke`, {
    method: "OPTIONS",
  });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST");
  await res.body?.cancel();
});
