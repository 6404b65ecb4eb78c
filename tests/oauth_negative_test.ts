import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import { CLIENT_ID, CLIENT_SECRET, testApp } from "./_app.ts";
import {
  api,
  authorizeUrl,
  basic,
  browse,
  CookieJar,
  exchange,
  OMIT,
  ORIGIN,
  postForm,
  REDIRECT,
  redirectParams,
  refresh,
  signIn,
  type Tokens,
  tokensFor,
} from "./_flow.ts";

const VERIFIER = "v".repeat(43) + "-verifier._~0123456789";

async function assertLocalError(res: Response, text: RegExp) {
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("location"), null, "never a redirect");
  assert.match(res.headers.get("content-type")!, /text\/html/);
  assert.match(await res.text(), text);
}

async function assertOAuthError(res: Response, error: string, status = 400) {
  assert.equal(res.status, status, `status for ${error}`);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const body = await res.json();
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, "string");
}

function codeGrant(code: string, extra: Record<string, string> = {}) {
  return {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    ...extra,
  };
}

// --- /oauth/authorize --------------------------------------------------------

Deno.test("authorize: unknown client gets a local 400 page, never a redirect", async () => {
  await using t = await testApp();
  const res = await t.app.request(authorizeUrl({ client_id: "someone-else" }));
  await assertLocalError(res, /Unknown application/);
  const missing = await t.app.request(authorizeUrl({ client_id: OMIT }));
  await assertLocalError(missing, /Unknown application/);
});

Deno.test("authorize: a redirect URI off the list gets a local 400 page and no redirect happens", async () => {
  await using t = await testApp();
  for (
    const uri of [
      "https://evil.example/aip/g-1/oauth/callback",
      "http://chatgpt.com/aip/g-1/oauth/callback",
      "https://chatgpt.com/aip/g-1/oauth/callback/../../evil",
      "https://chatgpt.com/aip/g-1/oauth/callback?x=1",
      "https://chatgpt.com/aip/g-1/oauth/callback#frag",
      "https://chatgpt.com.evil.example/aip/g-1/oauth/callback",
      "https://evil@chatgpt.com/aip/g-1/oauth/callback",
      OMIT,
    ]
  ) {
    const res = await t.app.request(authorizeUrl({ redirect_uri: uri }));
    await assertLocalError(res, /Unexpected return address/);
  }
  assert.equal(
    (await t.app.request(
      authorizeUrl({
        redirect_uri: "https://chat.openai.com/aip/g-abc/oauth/callback",
      }),
    )).status,
    200,
    "the other documented ChatGPT callback host is accepted",
  );
});

Deno.test("authorize: with OAUTH_REDIRECT_URIS only those exact URIs are allowed", async () => {
  await using t = await testApp({
    env: { OAUTH_REDIRECT_URIS: "https://app.example/cb" },
  });
  await assertLocalError(
    await t.app.request(authorizeUrl()),
    /Unexpected return address/,
  );
  await assertLocalError(
    await t.app.request(
      authorizeUrl({ redirect_uri: "https://app.example/cb/" }),
    ),
    /Unexpected return address/,
  );
  const params = await signIn(t, { redirect_uri: "https://app.example/cb" });
  assert.ok(params.get("code"));
});

Deno.test("authorize: missing state is invalid_request, redirected", async () => {
  await using t = await testApp();
  const res = await t.app.request(authorizeUrl({ state: OMIT }));
  const params = redirectParams(res);
  assert.equal(params.get("error"), "invalid_request");
  assert.equal(params.get("iss"), ORIGIN);
  assert.equal(params.get("code"), null);
});

Deno.test("authorize: response_type other than code is unsupported_response_type with the state", async () => {
  await using t = await testApp();
  const res = await t.app.request(authorizeUrl({ response_type: "token" }));
  const params = redirectParams(res);
  assert.equal(params.get("error"), "unsupported_response_type");
  assert.equal(params.get("state"), "client-state-1");
});

Deno.test("authorize: PKCE plain is refused", async () => {
  await using t = await testApp();
  for (const method of ["plain", OMIT]) {
    const res = await t.app.request(authorizeUrl({
      code_challenge: s256(VERIFIER),
      code_challenge_method: method,
    }));
    const params = redirectParams(res);
    assert.equal(params.get("error"), "invalid_request");
    assert.match(params.get("error_description")!, /S256/);
    assert.equal(params.get("state"), "client-state-1");
  }
});

Deno.test("authorize: repeated parameters are invalid_request", async () => {
  await using t = await testApp();
  const res = await t.app.request(authorizeUrl() + "&scope=game&scope=game");
  assert.equal(redirectParams(res).get("error"), "invalid_request");
  const twoClients = await t.app.request(
    authorizeUrl() + `&client_id=${CLIENT_ID}`,
  );
  await assertLocalError(twoClients, /Unknown application/);
});

Deno.test("authorize: an unknown provider is invalid_request", async () => {
  await using t = await testApp();
  const res = await t.app.request(authorizeUrl({ provider: "myspace" }));
  assert.equal(redirectParams(res).get("error"), "invalid_request");
});

Deno.test("authorize and token: parameters sent without a value count as omitted (RFC 6749 §3.1)", async () => {
  await using t = await testApp();
  // Empty PKCE and provider parameters: the consent page, as if absent.
  const page = await t.app.request(
    authorizeUrl() + "&code_challenge=&code_challenge_method=&provider=",
  );
  assert.equal(page.status, 200);
  // An empty code_verifier on a code issued without PKCE is no verifier.
  const code = (await signIn(t)).get("code")!;
  const res = await postForm(
    t,
    "/oauth/token",
    codeGrant(code, { code_verifier: "", client_id: "", client_secret: "" }),
    "basic",
  );
  assert.equal(res.status, 200, await res.text());
});

Deno.test("authorize: a state that would not fit in the sign-in cookie is invalid_request, redirected with it", async () => {
  await using t = await testApp();
  // Under the per-parameter limit in characters, far over it as JSON bytes.
  const state = '"é'.repeat(900);
  const res = await t.app.request(authorizeUrl({ state }));
  const params = redirectParams(res);
  assert.equal(params.get("error"), "invalid_request");
  assert.equal(params.get("state"), state);
  assert.equal(res.headers.get("set-cookie"), null);
  // A long ASCII state of the kind clients use still works end to end.
  const fine = await signIn(t, { state: "s".repeat(1000) });
  assert.ok(fine.get("code"));
});

Deno.test("scope: empty, missing, comma-separated and unknown scopes all grant game", async () => {
  await using t = await testApp();
  for (
    const scope of ["", OMIT, "game,profile", "game, email openid", "nonsense"]
  ) {
    const tokens = await exchange(t, (await signIn(t, { scope })).get("code")!);
    assert.equal(tokens.scope, "game", `scope ${JSON.stringify(scope)}`);
  }
});

Deno.test("scope: offline_access is granted beside game, and a refresh token comes with or without it", async () => {
  await using t = await testApp();
  for (
    const [scope, granted] of [
      ["game offline_access", "game offline_access"],
      ["offline_access", "game offline_access"],
      ["offline_access,profile", "game offline_access"],
      ["game", "game"],
    ]
  ) {
    const tokens = await exchange(t, (await signIn(t, { scope })).get("code")!);
    assert.equal(tokens.scope, granted, `scope ${scope}`);
    assert.ok(tokens.refresh_token, `a refresh token for ${scope}`);
    const res = await refresh(t, tokens.refresh_token);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).scope, granted, `refreshed ${scope}`);
  }
});

Deno.test("login: a callback whose state does not match this browser's cookie is refused", async () => {
  await using t = await testApp();
  const victim = new CookieJar();
  const attacker = new CookieJar();
  const start = await browse(
    t,
    attacker,
    authorizeUrl({ provider: "dev", login_hint: "mallory" }),
  );
  const attackerCallback = start.headers.get("location")!;
  // The victim has a sign-in of their own in progress.
  await browse(
    t,
    victim,
    authorizeUrl({ provider: "dev", login_hint: "victim" }),
  );
  const res = await browse(t, victim, attackerCallback);
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("location"), null);
  assert.match(await res.text(), /not for this browser/);
  assert.equal(victim.cookies.size, 1, "the victim's own sign-in is kept");
  // No cookie at all is refused too.
  const none = await browse(t, new CookieJar(), attackerCallback);
  assert.equal(none.status, 400);
  assert.match(await none.text(), /expired/);
});

Deno.test("login: an expired sign-in cookie gets a friendly page", async () => {
  await using t = await testApp();
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "dev", login_hint: "a" }),
  );
  t.advance(16 * 60);
  const res = await browse(t, jar, start.headers.get("location")!);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /This sign-in has expired/);
});

// --- /oauth/token: authorization_code ---------------------------------------

Deno.test("token: a verifier without a challenge is refused", async () => {
  await using t = await testApp();
  const code = (await signIn(t)).get("code")!;
  const res = await postForm(
    t,
    "/oauth/token",
    codeGrant(code, { code_verifier: VERIFIER }),
  );
  await assertOAuthError(res, "invalid_grant");
});

Deno.test("token: a wrong or missing PKCE verifier is refused, the right one works", async () => {
  await using t = await testApp();
  const code = (await signIn(t, {
    code_challenge: s256(VERIFIER),
    code_challenge_method: "S256",
  })).get("code")!;
  await assertOAuthError(
    await postForm(
      t,
      "/oauth/token",
      codeGrant(code, { code_verifier: VERIFIER + "x" }),
    ),
    "invalid_grant",
  );
  await assertOAuthError(
    await postForm(t, "/oauth/token", codeGrant(code)),
    "invalid_grant",
  );
  const tokens = await exchange(t, code, { verifier: VERIFIER });
  assert.equal(
    tokens.token_type,
    "Bearer",
    "failed attempts did not burn the code",
  );
});

Deno.test("token: a replayed code is refused and the family it issued is dead", async () => {
  await using t = await testApp();
  const code = (await signIn(t)).get("code")!;
  const first = await exchange(t, code);
  assert.equal((await api(t, "/api/me", first.access_token)).status, 200);
  await assertOAuthError(
    await postForm(t, "/oauth/token", codeGrant(code)),
    "invalid_grant",
  );
  assert.equal((await api(t, "/api/me", first.access_token)).status, 401);
  assert.equal((await refresh(t, first.refresh_token)).status, 400);
  assert.ok(t.logs.some((l) => l.msg.includes("replayed")));
});

Deno.test("token: a code issued to another client is refused", async () => {
  await using a = await testApp();
  await using b = await testApp({
    kv: a.kv,
    env: {
      OAUTH_CLIENT_ID: "other-gpt",
      OAUTH_CLIENT_SECRET: "m0AT7cZPgQf0uEW3BkNN_vqpNW-GuyiCb76FioMkZ5Y",
    },
  });
  const code = (await signIn(a)).get("code")!;
  const res = await b.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      ...codeGrant(code),
      client_id: "other-gpt",
      client_secret: "m0AT7cZPgQf0uEW3BkNN_vqpNW-GuyiCb76FioMkZ5Y",
    }),
  });
  await assertOAuthError(res, "invalid_grant");
});

Deno.test("token: a code with another redirect URI is refused", async () => {
  await using t = await testApp();
  const code = (await signIn(t)).get("code")!;
  const other = "https://chatgpt.com/aip/g-other/oauth/callback";
  await assertOAuthError(
    await postForm(t, "/oauth/token", codeGrant(code, { redirect_uri: other })),
    "invalid_grant",
  );
  await assertOAuthError(
    await postForm(t, "/oauth/token", {
      grant_type: "authorization_code",
      code,
    }),
    "invalid_request",
  );
});

Deno.test("token: an expired code is refused", async () => {
  await using t = await testApp();
  const code = (await signIn(t)).get("code")!;
  t.advance(5 * 60);
  await assertOAuthError(
    await postForm(t, "/oauth/token", codeGrant(code)),
    "invalid_grant",
  );
});

Deno.test("token: a code issued before the user was revoked is refused", async () => {
  await using t = await testApp();
  const first = await tokensFor(t);
  const code = (await signIn(t)).get("code")!;
  t.advance(1);
  await api(t, "/api/me/signout", first.access_token, { method: "POST" });
  await assertOAuthError(
    await postForm(t, "/oauth/token", codeGrant(code)),
    "invalid_grant",
  );
});

Deno.test("token: tampered codes and tokens are refused", async () => {
  await using t = await testApp();
  const code = (await signIn(t)).get("code")!;
  const flip = (s: string, i: number) =>
    s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  for (const i of [12, 40, code.length - 2]) {
    await assertOAuthError(
      await postForm(t, "/oauth/token", codeGrant(flip(code, i))),
      "invalid_grant",
    );
  }
  const tokens = await exchange(t, code);
  await assertOAuthError(
    await refresh(t, flip(tokens.refresh_token, 30)),
    "invalid_grant",
  );
  assert.equal(
    (await api(t, "/api/me", flip(tokens.access_token, 30))).status,
    401,
  );
});

// --- client authentication ---------------------------------------------------

Deno.test("client auth: mismatched Basic and body credentials are invalid_client", async () => {
  await using t = await testApp();
  const code = (await signIn(t)).get("code")!;
  const send = (
    headers: Record<string, string>,
    body: Record<string, string>,
  ) =>
    t.app.request(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      body: new URLSearchParams({ ...codeGrant(code), ...body }),
    });
  const cases: [Record<string, string>, Record<string, string>][] = [
    [{ authorization: basic() }, {
      client_id: CLIENT_ID,
      client_secret: "another-secret-0123456789abcdefghijk",
    }],
    [{ authorization: basic() }, { client_id: "another-client" }],
    [{ authorization: basic(CLIENT_ID, "wrong-secret") }, {}],
    [{ authorization: basic("wrong-id", CLIENT_SECRET) }, {}],
    [{ authorization: "Basic !!!" }, {}],
    [{ authorization: "Bearer abc" }, {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    }],
    [{}, { client_id: CLIENT_ID }],
    [{}, { client_id: CLIENT_ID, client_secret: "wrong" }],
    [{}, {}],
  ];
  for (const [headers, body] of cases) {
    const res = await send(headers, body);
    await assertOAuthError(res, "invalid_client", 401);
    assert.match(res.headers.get("www-authenticate")!, /^Basic /);
  }
  const ok = await send({ authorization: basic() }, {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
  });
  assert.equal(ok.status, 200, "the same credentials in both places are fine");
});

Deno.test("client secret rotation: during the switch both secrets work, the old one is logged, and a wrong one is a warning", async () => {
  const NEW = "pmm7ZQ43w5ZnbP-DCmEztlLZ-QRJLa4gmgWDPC7w3OU";
  await using t = await testApp({
    env: {
      OAUTH_CLIENT_SECRET: NEW,
      OAUTH_CLIENT_SECRET_PREVIOUS: CLIENT_SECRET,
    },
  });
  // The GPT builder still holds the old secret (postForm sends it).
  const old = await postForm(
    t,
    "/oauth/token",
    codeGrant((await signIn(t)).get("code")!),
  );
  assert.equal(old.status, 200);
  assert.ok(
    t.logs.some((l) =>
      l.level === "warn" && l.msg === "client used OAUTH_CLIENT_SECRET_PREVIOUS"
    ),
  );
  const form = (secret: string, code: string) =>
    t.app.request(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(CLIENT_ID, secret),
      },
      body: new URLSearchParams(codeGrant(code)),
    });
  assert.equal((await form(NEW, (await signIn(t)).get("code")!)).status, 200);
  const wrong = await form(
    "neither-secret-0123456789abcdefghijklmnop",
    (await signIn(t)).get("code")!,
  );
  await assertOAuthError(wrong, "invalid_client", 401);
  assert.ok(
    t.logs.some((l) =>
      l.level === "warn" && l.fields?.reason === "wrong client secret"
    ),
  );
  // Without the variable, the old secret is refused.
  await using after = await testApp({ env: { OAUTH_CLIENT_SECRET: NEW } });
  const refused = await postForm(
    after,
    "/oauth/token",
    codeGrant((await signIn(after)).get("code")!),
  );
  await assertOAuthError(refused, "invalid_client", 401);
});

Deno.test("token endpoint: bad content type, bad JSON, repeated and missing parameters are invalid_request", async () => {
  await using t = await testApp();
  const post = (type: string, body: string) =>
    t.app.request(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: { "content-type": type, authorization: basic() },
      body,
    });
  await assertOAuthError(
    await post("text/plain", "grant_type=refresh_token"),
    "invalid_request",
  );
  await assertOAuthError(
    await post("application/json", "{not json"),
    "invalid_request",
  );
  await assertOAuthError(
    await post("application/json", "[1]"),
    "invalid_request",
  );
  await assertOAuthError(
    await post("application/json", '{"grant_type":1}'),
    "invalid_request",
  );
  await assertOAuthError(
    await post(
      "application/x-www-form-urlencoded",
      "grant_type=a&grant_type=b",
    ),
    "invalid_request",
  );
  await assertOAuthError(
    await post("application/x-www-form-urlencoded", ""),
    "invalid_request",
  );
  await assertOAuthError(
    await post("application/x-www-form-urlencoded", "grant_type=password"),
    "unsupported_grant_type",
  );
  await assertOAuthError(
    await post("application/x-www-form-urlencoded", "grant_type=refresh_token"),
    "invalid_request",
  );
  const big = await post(
    "application/x-www-form-urlencoded",
    "a=" + "x".repeat(20_000),
  );
  assert.equal(big.status, 413);
  const get = await t.app.request(`${ORIGIN}/oauth/token`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
});

Deno.test("token endpoint: a key repeated in a JSON body is invalid_request, as a repeated form parameter is, however the key is spelled", async () => {
  await using t = await testApp();
  const post = (path: string, body: string) =>
    t.app.request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basic() },
      body,
    });
  const code = (await signIn(t)).get("code")!;
  const grant = `"grant_type":"authorization_code","redirect_uri":${
    JSON.stringify(REDIRECT)
  }`;
  for (
    const body of [
      `{${grant},"code":"wwc_ac.forged","code":"${code}"}`,
      `{${grant},"code":"wwc_ac.forged","\u0063ode":"${code}"}`,
      `{${grant},"code":"${code}","\u0063\u006f\u0064\u0065":"${code}"}`,
    ]
  ) {
    const res = await post("/oauth/token", body);
    await assertOAuthError(res.clone(), "invalid_request");
    assert.match((await res.json()).error_description, /code is repeated/);
  }
  // Nothing was redeemed; an empty member counts as omitted, as in a form.
  const ok = await post(
    "/oauth/token",
    `{${grant},"code":"","code":"${code}"}`,
  );
  assert.equal(ok.status, 200, await ok.clone().text());
  const tokens: Tokens = await ok.json();

  // The revocation endpoint reads its body the same way.
  const revoke = await post(
    "/oauth/revoke",
    `{"token":"x","\u0074oken":${JSON.stringify(tokens.refresh_token)}}`,
  );
  await assertOAuthError(revoke, "invalid_request");
  assert.equal((await refresh(t, tokens.refresh_token)).status, 200);
});

// --- purposes ----------------------------------------------------------------

Deno.test("a refresh token is not an access token, and an access token is not a refresh token", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  const asAccess = await api(t, "/api/me", tokens.refresh_token);
  assert.equal(asAccess.status, 401);
  assert.match(
    asAccess.headers.get("www-authenticate")!,
    /error="invalid_token"/,
  );
  await assertOAuthError(
    await refresh(t, tokens.access_token),
    "invalid_grant",
  );
  const code = (await signIn(t)).get("code")!;
  assert.equal((await api(t, "/api/me", code)).status, 401, "nor is a code");
});

Deno.test("bearer guard: missing, malformed and expired tokens get 401 with WWW-Authenticate and no detail", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  const none = await api(t, "/api/me", undefined);
  assert.equal(none.status, 401);
  assert.match(
    none.headers.get("www-authenticate")!,
    /^Bearer realm="api", resource_metadata=/,
  );
  assert.doesNotMatch(none.headers.get("www-authenticate")!, /error=/);
  // Not bearer credentials at all (RFC 6750 §3.1: no error code): the body
  // says how to send them.
  for (
    const header of [
      `Basic ${tokens.access_token}`,
      tokens.access_token,
      "Bearer",
      "Bearer a b",
    ]
  ) {
    const res = await t.app.request(`${ORIGIN}/api/me`, {
      headers: { authorization: header },
    });
    assert.equal(res.status, 401);
    assert.doesNotMatch(res.headers.get("www-authenticate")!, /error=/);
    assert.match((await res.json()).message, /Bearer <access token>/);
  }
  // A bearer token that does not open: one answer, whatever the reason.
  const bodies = new Set<string>();
  for (
    const token of [
      "x".repeat(5000),
      tokens.refresh_token,
      tokens.access_token.slice(0, -2),
    ]
  ) {
    const res = await api(t, "/api/me", token);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate")!, /error="invalid_token"/);
    bodies.add(await res.text());
  }
  t.advance(3600);
  const expired = await api(t, "/api/me", tokens.access_token);
  assert.equal(expired.status, 401);
  assert.match(
    expired.headers.get("www-authenticate")!,
    /error="invalid_token"/,
  );
  bodies.add(await expired.text());
  assert.equal(bodies.size, 1, "every refusal looks the same on the wire");
});

// --- refresh rotation --------------------------------------------------------

Deno.test("refresh: reuse of the previous generation inside 30 seconds gets a valid successor", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  const first: Tokens = await (await refresh(t, tokens.refresh_token)).json();
  t.advance(29);
  const retry = await refresh(t, tokens.refresh_token);
  assert.equal(retry.status, 200);
  const successor: Tokens = await retry.json();
  assert.equal((await api(t, "/api/me", successor.access_token)).status, 200);
  t.advance(1);
  assert.equal(
    (await refresh(t, successor.refresh_token)).status,
    200,
    "the successor rotates",
  );
  assert.equal(
    (await api(t, "/api/me", first.access_token)).status,
    200,
    "family still alive",
  );
});

Deno.test("refresh: reuse after the 30-second window revokes the whole family", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  const next: Tokens = await (await refresh(t, tokens.refresh_token)).json();
  t.advance(31);
  await assertOAuthError(
    await refresh(t, tokens.refresh_token),
    "invalid_grant",
  );
  await assertOAuthError(await refresh(t, next.refresh_token), "invalid_grant");
  assert.equal((await api(t, "/api/me", next.access_token)).status, 401);
  assert.ok(t.logs.some((l) => l.msg.includes("reuse")));
});

Deno.test("refresh: a token two generations old is reuse even inside the window", async () => {
  await using t = await testApp();
  const g0 = await tokensFor(t);
  const g1: Tokens = await (await refresh(t, g0.refresh_token)).json();
  await refresh(t, g1.refresh_token);
  await assertOAuthError(await refresh(t, g0.refresh_token), "invalid_grant");
});

Deno.test("refresh: concurrent refreshes with the same token all succeed and leave one live family", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  const results = await Promise.all(
    Array.from({ length: 8 }, () => refresh(t, tokens.refresh_token)),
  );
  const bodies: Tokens[] = [];
  for (const res of results) {
    assert.equal(res.status, 200);
    bodies.push(await res.json());
  }
  for (const b of bodies) {
    assert.equal((await api(t, "/api/me", b.access_token)).status, 200);
  }
  t.advance(1);
  assert.equal((await refresh(t, bodies[0]!.refresh_token)).status, 200);
});

Deno.test("refresh: a revoked user cannot refresh", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  t.advance(1);
  await api(t, "/api/me/signout", tokens.access_token, { method: "POST" });
  await assertOAuthError(
    await refresh(t, tokens.refresh_token),
    "invalid_grant",
  );
});

Deno.test("revoke: unknown or malformed tokens answer 200 (RFC 7009 §2.2), missing token is invalid_request", async () => {
  await using t = await testApp();
  assert.equal(
    (await postForm(t, "/oauth/revoke", { token: "nonsense" })).status,
    200,
  );
  await assertOAuthError(
    await postForm(t, "/oauth/revoke", {}),
    "invalid_request",
  );
  await assertOAuthError(
    await postForm(t, "/oauth/revoke", { token: "x" }, "none"),
    "invalid_client",
    401,
  );
});
