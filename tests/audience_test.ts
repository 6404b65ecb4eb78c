/**
 * Audience-bound tokens (RFC 8707) through the app: `resource` at the
 * authorization and token endpoints and on refresh, and the REST API
 * refusing tokens bound to another resource.
 */
import assert from "node:assert/strict";
import { type TestApp, testApp } from "./_app.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  ORIGIN,
  postForm,
  REDIRECT,
  redirectParams,
  refresh,
  type Tokens,
} from "./_flow.ts";

const MCP = `${ORIGIN}/mcp`;

/** Signs in with `resource` values on the authorization request. */
async function signInFor(
  t: TestApp,
  resource: string | string[],
): Promise<Response> {
  const jar = new CookieJar();
  const q = new URLSearchParams();
  for (const r of Array.isArray(resource) ? resource : [resource]) {
    q.append("resource", r);
  }
  const start = await browse(
    t,
    jar,
    `${authorizeUrl({ provider: "dev", login_hint: "alice" })}&${q}`,
  );
  if (
    start.status !== 302 ||
    !start.headers.get("location")!.includes("/login/dev")
  ) {
    return start;
  }
  return await browse(t, jar, start.headers.get("location")!);
}

/** A code issued for `resource`. */
async function codeFor(t: TestApp, resource: string): Promise<string> {
  return redirectParams(await signInFor(t, resource)).get("code")!;
}

/** A code issued without a resource, as GPT actions ask. */
async function restCode(t: TestApp): Promise<string> {
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "dev", login_hint: "alice" }),
  );
  const back = await browse(t, jar, start.headers.get("location")!);
  return redirectParams(back).get("code")!;
}

function exchangeRaw(
  t: TestApp,
  code: string,
  resource?: string,
): Promise<Response> {
  return postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    ...(resource !== undefined ? { resource } : {}),
  });
}

function refreshFor(
  t: TestApp,
  refreshToken: string,
  resource: string,
): Promise<Response> {
  return postForm(t, "/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    resource,
  });
}

async function assertInvalidTarget(res: Response, message: string) {
  assert.equal(res.status, 400, message);
  assert.equal((await res.json()).error, "invalid_target", message);
}

/** Asserts the REST API refuses `token` as RFC 6750 says. */
async function assertRefusedAtApi(t: TestApp, token: string) {
  const res = await api(t, "/api/me", token);
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate")!, /error="invalid_token"/);
  assert.equal((await res.json()).error, "invalid_token");
}

Deno.test("authorize: an unknown resource goes back to the client as invalid_target, with state and iss", async () => {
  await using t = await testApp();
  for (
    const resource of [
      `${ORIGIN}/api`,
      "https://elsewhere.example/mcp",
      `${MCP}#frag`,
      "mcp",
    ]
  ) {
    const res = await signInFor(t, resource);
    const params = redirectParams(res);
    assert.equal(params.get("error"), "invalid_target", resource);
    assert.equal(params.get("state"), "client-state-1", resource);
    assert.equal(params.get("iss"), ORIGIN, resource);
    assert.equal(params.get("code"), null, resource);
  }
});

Deno.test("the REST API's resource (the origin its protected-resource metadata names) gives tokens without an audience, which /mcp refuses", async () => {
  await using t = await testApp();
  const doc = await (await t.app.request(
    `${ORIGIN}/.well-known/oauth-protected-resource`,
  )).json();
  for (const resource of [doc.resource, `${ORIGIN}/`]) {
    const code = redirectParams(await signInFor(t, resource)).get("code")!;
    const res = await postForm(t, "/oauth/token", {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      resource,
    });
    assert.equal(res.status, 200, resource);
    const tokens = await res.json();
    assert.equal((await api(t, "/api/me", tokens.access_token)).status, 200);
    const mcp = await t.app.request(`${ORIGIN}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    assert.equal(mcp.status, 401, resource);
    await mcp.body?.cancel();
    // A refresh may name it again, but not the MCP server.
    const again = await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      resource: MCP,
    });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error, "invalid_target");
    const same = await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      resource,
    });
    assert.equal(same.status, 200, resource);
  }
});

Deno.test("authorize: a repeated resource goes back as invalid_target", async () => {
  await using t = await testApp();
  const params = redirectParams(await signInFor(t, [MCP, MCP]));
  assert.equal(params.get("error"), "invalid_target");
  assert.equal(params.get("state"), "client-state-1");
  assert.equal(params.get("iss"), ORIGIN);
});

Deno.test("a code for the MCP resource gives tokens for it, which the REST API refuses with 401 invalid_token", async () => {
  await using t = await testApp();
  const code = await codeFor(t, "HTTPS://WORDS.example.com/mcp/");
  const res = await exchangeRaw(t, code, MCP);
  assert.equal(res.status, 200, await res.clone().text());
  const tokens: Tokens = await res.json();
  assert.deepEqual(Object.keys(tokens).sort(), [
    "access_token",
    "expires_in",
    "refresh_token",
    "scope",
    "token_type",
  ], "nothing new in the token response");
  await assertRefusedAtApi(t, tokens.access_token);
  const refreshed = await refresh(t, tokens.refresh_token);
  assert.equal(refreshed.status, 200, "a refresh without resource stays bound");
  await assertRefusedAtApi(t, (await refreshed.json()).access_token);
});

Deno.test("a code for the MCP resource is exchanged without repeating resource, still bound to it", async () => {
  await using t = await testApp();
  const tokens = await exchange(t, await codeFor(t, MCP));
  await assertRefusedAtApi(t, tokens.access_token);
});

Deno.test("token: a resource other than the code's is invalid_target, and the code still redeems with its own", async () => {
  await using t = await testApp();
  const rest = await restCode(t);
  await assertInvalidTarget(
    await exchangeRaw(t, rest, MCP),
    "a code without resource exchanged for the MCP resource",
  );
  const mcp = await codeFor(t, MCP);
  await assertInvalidTarget(
    await exchangeRaw(t, mcp, `${ORIGIN}/api`),
    "an unknown resource",
  );
  await assertInvalidTarget(
    await exchangeRaw(t, mcp, `${MCP}#x`),
    "a malformed resource",
  );
  const res = await exchangeRaw(t, mcp, `${MCP}/`);
  assert.equal(res.status, 200, "the same resource, in another spelling");
  assert.equal((await exchangeRaw(t, rest)).status, 200);
});

Deno.test("token: a repeated resource is invalid_target", async () => {
  await using t = await testApp();
  const code = await codeFor(t, MCP);
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    client_id: "gpt-test",
  });
  body.append("resource", MCP);
  body.append("resource", MCP);
  const res = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  await assertInvalidTarget(res, "two resources");
});

Deno.test("refresh: asking for another resource than the grant's is invalid_target", async () => {
  await using t = await testApp();
  const rest = await exchange(t, await restCode(t));
  await assertInvalidTarget(
    await refreshFor(t, rest.refresh_token, MCP),
    "a REST grant refreshed for the MCP resource",
  );
  const mcp = await exchange(t, await codeFor(t, MCP));
  await assertInvalidTarget(
    await refreshFor(t, mcp.refresh_token, `${ORIGIN}/api`),
    "an MCP grant refreshed for an unknown resource",
  );
  const same = await refreshFor(t, mcp.refresh_token, MCP);
  assert.equal(same.status, 200, "the grant's own resource");
  await assertRefusedAtApi(t, (await same.json()).access_token);
  // The refused refreshes rotated nothing: the REST grant still refreshes.
  const again = await refresh(t, rest.refresh_token);
  assert.equal(again.status, 200);
  const next: Tokens = await again.json();
  assert.equal((await api(t, "/api/me", next.access_token)).status, 200);
});

Deno.test("a token issued without a resource works at the REST API as before", async () => {
  await using t = await testApp();
  const tokens = await exchange(t, await restCode(t));
  const me = await api(t, "/api/me", tokens.access_token);
  assert.equal(me.status, 200);
  assert.equal((await me.json()).id, "dev:alice");
});
