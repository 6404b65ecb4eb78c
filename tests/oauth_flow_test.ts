import assert from "node:assert/strict";
import { CLIENT_SECRET, type TestApp, testApp } from "./_app.ts";
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
  signIn,
  startLink,
  type Tokens,
} from "./_flow.ts";

Deno.test("whole flow with body credentials: authorize → dev sign-in → code → token → /api/me → refresh → revoke", async () => {
  await using t = await testApp();
  const params = await signIn(t, { login: "alice", state: "s-123" });
  assert.equal(params.get("state"), "s-123");
  assert.equal(params.get("iss"), ORIGIN);
  const code = params.get("code")!;
  assert.ok(code.startsWith("wwc_code."));

  const tokens = await exchange(t, code, { auth: "body" });
  assert.equal(tokens.token_type, "Bearer");
  assert.equal(tokens.expires_in, 3600);
  assert.equal(tokens.scope, "game");
  assert.ok(tokens.access_token.startsWith("wwc_at."));
  assert.ok(tokens.refresh_token.startsWith("wwc_rt."));

  const me = await api(t, "/api/me", tokens.access_token);
  assert.equal(me.status, 200);
  assert.deepEqual(await me.json(), {
    id: "dev:alice",
    scope: "game",
    name: null,
  });

  const refreshed = await refresh(t, tokens.refresh_token);
  assert.equal(refreshed.status, 200);
  const next: Tokens = await refreshed.json();
  assert.notEqual(next.refresh_token, tokens.refresh_token, "rotated");
  assert.equal((await api(t, "/api/me", next.access_token)).status, 200);

  t.advance(1);
  const rotatedAgain = await refresh(t, next.refresh_token);
  assert.equal(rotatedAgain.status, 200, "the rotated token refreshes too");
  const third: Tokens = await rotatedAgain.json();

  const revoked = await postForm(t, "/oauth/revoke", {
    token: third.refresh_token,
  });
  assert.equal(revoked.status, 200);
  assert.equal((await refresh(t, third.refresh_token)).status, 400);
  assert.equal(
    (await api(t, "/api/me", third.access_token)).status,
    401,
    "revoking the refresh token kills its family's access tokens",
  );
});

Deno.test("whole flow with HTTP Basic credentials", async () => {
  await using t = await testApp();
  const params = await signIn(t, { login: "bob" });
  const tokens = await exchange(t, params.get("code")!, { auth: "basic" });
  const me = await api(t, "/api/me", tokens.access_token);
  assert.deepEqual(await me.json(), {
    id: "dev:bob",
    scope: "game",
    name: null,
  });
  const res = await refresh(t, tokens.refresh_token, "basic");
  assert.equal(res.status, 200);
  const revoke = await postForm(t, "/oauth/revoke", {
    token: tokens.access_token,
  }, "basic");
  assert.equal(revoke.status, 200);
  assert.equal((await api(t, "/api/me", tokens.access_token)).status, 401);
});

Deno.test("token responses are JSON with Cache-Control: no-store", async () => {
  await using t = await testApp();
  const params = await signIn(t);
  const res = await postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: REDIRECT,
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(res.headers.get("content-type")!, /^application\/json/);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), [
    "access_token",
    "expires_in",
    "refresh_token",
    "scope",
    "token_type",
  ]);
});

Deno.test("the token endpoint accepts a JSON body too", async () => {
  await using t = await testApp();
  const params = await signIn(t);
  const res = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      grant_type: "authorization_code",
      code: params.get("code"),
      redirect_uri: REDIRECT,
      client_id: "gpt-test",
      client_secret: CLIENT_SECRET,
    }),
  });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).token_type, "Bearer");
});

Deno.test("consent page names the client, what it may do and the providers, and sets a sealed HttpOnly cookie", async () => {
  await using t = await testApp({
    env: { OAUTH_CLIENT_NAME: "Word <Game> GPT" },
  });
  const jar = new CookieJar();
  const res = await browse(t, jar, authorizeUrl());
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.includes("Word &lt;Game&gt; GPT"), "client name, escaped");
  assert.ok(!html.includes("<Game>"));
  assert.ok(html.includes("Play the word game"));
  assert.match(html, /href="\/login\/dev\/start\?consent=[\w-]{20,}"/);
  assert.ok(html.includes("Development sign-in"));
  assert.ok(html.includes("chatgpt.com"), "says where the person returns");
  const cookie = res.headers.getSetCookie()[0]!;
  assert.match(cookie, /^__Host-wwc_login=wwc_login\./);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /Secure/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match(cookie, /Path=\//);
  const csp = res.headers.get("content-security-policy")!;
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok(!csp.includes("unsafe-inline"));
  // Same-origin, so that Cancel carries our Origin; no other site gets one.
  assert.equal(res.headers.get("referrer-policy"), "same-origin");
});

Deno.test("the dev provider without login_hint shows a form, and the form signs in", async () => {
  await using t = await testApp();
  const jar = new CookieJar();
  const consent = await browse(t, jar, authorizeUrl({ state: "form-state" }));
  const start = await browse(t, jar, await startLink(consent));
  assert.equal(start.status, 302);
  const formUrl = new URL(start.headers.get("location")!);
  assert.equal(formUrl.pathname, "/login/dev/form");
  const form = await browse(t, jar, formUrl.href);
  assert.equal(form.status, 200);
  const html = await form.text();
  assert.ok(html.includes('name="login"'));
  const state = /name="state" value="([^"]+)"/.exec(html)![1]!;
  assert.match(
    form.headers.get("content-security-policy")!,
    /form-action 'self' https:\/\/chatgpt\.com/,
  );
  const done = await browse(
    t,
    jar,
    `/login/dev/callback?state=${state}&login=carol`,
  );
  const params = redirectParams(done);
  assert.equal(params.get("state"), "form-state");
  const tokens = await exchange(t, params.get("code")!);
  const me = await api(t, "/api/me", tokens.access_token);
  assert.equal((await me.json()).id, "dev:carol");
});

/** Presses Cancel on the consent page: a form POST with the browser's cookies. */
async function cancel(
  t: TestApp,
  jar: CookieJar,
  headers: Record<string, string> = { origin: ORIGIN },
): Promise<Response> {
  const res = await t.app.request(`${ORIGIN}/oauth/authorize/cancel`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: jar.header(),
      ...headers,
    },
    body: "",
  });
  jar.store(res);
  return res;
}

Deno.test("cancel on the consent page returns access_denied with the unchanged state", async () => {
  await using t = await testApp();
  const jar = new CookieJar();
  const consent = await browse(t, jar, authorizeUrl({ state: "keep me &=" }));
  const html = await consent.text();
  assert.match(
    html,
    /<form method="post" action="\/oauth\/authorize\/cancel"><button type="submit" class="button">Cancel<\/button><\/form>/,
  );
  // The form's redirect to the client is allowed, and the browser sends our
  // origin with it (same-origin referrer policy, not Origin: null).
  assert.match(
    consent.headers.get("content-security-policy")!,
    /form-action 'self' https:\/\/chatgpt\.com;/,
  );
  assert.equal(consent.headers.get("referrer-policy"), "same-origin");
  assert.match(html, /<meta name="referrer" content="same-origin"\/?>/);
  const res = await cancel(t, jar);
  const params = redirectParams(res);
  assert.equal(params.get("error"), "access_denied");
  assert.equal(params.get("state"), "keep me &=");
  assert.equal(params.get("iss"), ORIGIN);
  assert.equal(jar.cookies.size, 0, "the pending sign-in is cleared");
});

Deno.test("cancel: a GET (a link or image on any site) cancels nothing — 405 page with Allow: POST", async () => {
  await using t = await testApp();
  const jar = new CookieJar();
  const consent = await browse(t, jar, authorizeUrl({ state: "still-here" }));
  const res = await browse(t, jar, "/oauth/authorize/cancel");
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST");
  assert.equal(res.headers.get("location"), null);
  assert.match(res.headers.get("content-type")!, /text\/html/);
  assert.match(await res.text(), /Nothing was cancelled/);
  assert.equal(jar.cookies.size, 1, "the pending sign-in is kept");
  // ...and it still completes.
  const start = await browse(t, jar, await startLink(consent));
  const form = await browse(t, jar, start.headers.get("location")!);
  const state = /name="state" value="([^"]+)"/.exec(await form.text())![1]!;
  const done = await browse(
    t,
    jar,
    `/login/dev/callback?state=${state}&login=dora`,
  );
  assert.equal(redirectParams(done).get("state"), "still-here");
  assert.ok(redirectParams(done).get("code"));
});

Deno.test("cancel: a POST from another origin, or from an opaque one, is refused with a 403 page and cancels nothing", async () => {
  await using t = await testApp();
  const jar = new CookieJar();
  await browse(t, jar, authorizeUrl({ state: "s-origin" }));
  for (
    const origin of [
      "https://evil.example",
      "null",
      "http://words.example.com",
      `${ORIGIN}.evil.example`,
    ]
  ) {
    const res = await cancel(t, jar, { origin });
    assert.equal(res.status, 403, origin);
    assert.equal(res.headers.get("location"), null);
    assert.match(res.headers.get("content-type")!, /text\/html/);
    assert.match(await res.text(), /Not cancelled/);
    assert.equal(jar.cookies.size, 1, "the pending sign-in is kept");
  }
  // A client that sends no Origin at all (older browsers) may cancel.
  const res = await cancel(t, jar, {});
  assert.equal(redirectParams(res).get("error"), "access_denied");
});

Deno.test("POST /api/me/signout revokes every token of the user", async () => {
  await using t = await testApp();
  const a = await exchange(t, (await signIn(t)).get("code")!);
  const b = await exchange(t, (await signIn(t)).get("code")!);
  const other = await exchange(
    t,
    (await signIn(t, { login: "zed" })).get("code")!,
  );
  t.advance(1);
  const out = await api(t, "/api/me/signout", a.access_token, {
    method: "POST",
  });
  assert.equal(out.status, 200);
  for (const tokens of [a, b]) {
    assert.equal((await api(t, "/api/me", tokens.access_token)).status, 401);
    assert.equal((await refresh(t, tokens.refresh_token)).status, 400);
  }
  assert.equal((await api(t, "/api/me", other.access_token)).status, 200);
  t.advance(1);
  const again = await exchange(t, (await signIn(t)).get("code")!);
  assert.equal(
    (await api(t, "/api/me", again.access_token)).status,
    200,
    "signing in again after sign-out works",
  );
});

Deno.test("metadata documents name our endpoints (RFC 8414, RFC 9728)", async () => {
  await using t = await testApp();
  const as = await (await t.app.request(
    `${ORIGIN}/.well-known/oauth-authorization-server`,
  )).json();
  assert.equal(as.issuer, ORIGIN);
  assert.equal(as.authorization_endpoint, `${ORIGIN}/oauth/authorize`);
  assert.equal(as.token_endpoint, `${ORIGIN}/oauth/token`);
  assert.equal(as.revocation_endpoint, `${ORIGIN}/oauth/revoke`);
  assert.deepEqual(as.code_challenge_methods_supported, ["S256"]);
  assert.equal(as.authorization_response_iss_parameter_supported, true);
  assert.deepEqual(as.scopes_supported, ["game", "offline_access"]);
  // What the token endpoint authenticates: the GPT by its secret, and
  // public clients (registered ones, the development playground) by PKCE.
  assert.deepEqual(as.token_endpoint_auth_methods_supported, [
    "client_secret_post",
    "client_secret_basic",
    "none",
  ]);
  assert.equal(as.registration_endpoint, `${ORIGIN}/oauth/register`);
  assert.equal(as.client_id_metadata_document_supported, true);
  const pr = await (await t.app.request(
    `${ORIGIN}/.well-known/oauth-protected-resource`,
  )).json();
  assert.deepEqual(pr.authorization_servers, [ORIGIN]);
  // offline_access is the authorization server's, never a resource's.
  assert.deepEqual(pr.scopes_supported, ["game"]);
});
