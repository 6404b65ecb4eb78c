/**
 * Dynamic Client Registration (RFC 7591): a registered client is a sealed
 * id carrying its metadata, works through the whole sign-in with PKCE, and
 * always meets the consent page.
 */
import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import { testApp } from "./_app.ts";
import {
  authorizeUrl,
  browse,
  CookieJar,
  ORIGIN,
  redirectParams,
} from "./_flow.ts";
import {
  CALLBACK,
  register,
  registered,
  signInRegistered,
  tokenRequest,
  VERIFIER,
} from "./_registration.ts";

Deno.test("registration answers 201 with a wwc_cl. client id and the metadata echoed", async () => {
  await using t = await testApp();
  const res = await register(t, {
    client_name: "Claude",
    redirect_uris: [CALLBACK],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const body = await res.json();
  assert.match(body.client_id, /^wwc_cl\./);
  assert.equal(body.client_id_issued_at, Math.floor(t.now() / 1000));
  assert.equal(body.client_name, "Claude");
  assert.deepEqual(body.redirect_uris, [CALLBACK]);
  assert.equal(body.token_endpoint_auth_method, "none");
  assert.equal(body.client_secret, undefined);
  assert.equal(body.client_secret_expires_at, undefined);
});

Deno.test("a registered client signs in with PKCE through the consent page, exchanges the code and refreshes", async () => {
  await using t = await testApp();
  const clientId = await registered(t);
  const params = await signInRegistered(t, clientId);
  assert.equal(params.get("iss"), ORIGIN);
  const exchanged = await tokenRequest(t, {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: CALLBACK,
    client_id: clientId,
    code_verifier: VERIFIER,
  });
  assert.equal(exchanged.status, 200, await exchanged.clone().text());
  const tokens = await exchanged.json();
  const me = await t.app.request(`${ORIGIN}/api/me`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  assert.equal(me.status, 200);
  const refreshed = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  assert.equal(refreshed.status, 200, await refreshed.clone().text());
});

Deno.test("a registered client's code without the right PKCE verifier gets no token", async () => {
  await using t = await testApp();
  const clientId = await registered(t);
  const params = await signInRegistered(t, clientId);
  const res = await tokenRequest(t, {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: CALLBACK,
    client_id: clientId,
    code_verifier: VERIFIER + "x",
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
});

Deno.test("a registered client without a PKCE challenge is sent back with invalid_request", async () => {
  await using t = await testApp();
  const clientId = await registered(t);
  const res = await browse(
    t,
    new CookieJar(),
    authorizeUrl({ client_id: clientId, redirect_uri: CALLBACK }),
  );
  assert.equal(redirectParams(res, CALLBACK).get("error"), "invalid_request");
});

Deno.test("a registered loopback redirect without a port matches any port", async () => {
  await using t = await testApp();
  const clientId = await registered(t);
  const params = await signInRegistered(
    t,
    clientId,
    "http://127.0.0.1:49152/callback",
  );
  assert.ok(params.get("code"));
});

Deno.test("a redirect the client did not register is refused as a page, never redirected", async () => {
  await using t = await testApp();
  const clientId = await registered(t);
  const res = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id: clientId,
      redirect_uri: "https://evil.example/callback",
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
    }),
  );
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("location"), null);
  assert.match(await res.text(), /Unexpected return address/);
});

Deno.test("a crafted link naming a provider still shows a registered client's consent page, its name marked as unverified and escaped", async () => {
  await using t = await testApp();
  const clientId = await registered(t, { client_name: "<b>Claude</b>" });
  const res = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id: clientId,
      redirect_uri: CALLBACK,
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
      provider: "dev",
      login_hint: "alice",
    }),
  );
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.ok(html.includes("&lt;b&gt;Claude&lt;/b&gt;"));
  assert.ok(!html.includes("<b>Claude</b>"));
  assert.match(html, /has not verified/);
  assert.ok(html.includes("claude.ai"));
});

Deno.test("a tampered registered client id is refused at authorize (as a page) and at the token endpoint", async () => {
  await using t = await testApp();
  const clientId = await registered(t);
  const last = clientId.at(-2) === "A" ? "B" : "A";
  const tampered = clientId.slice(0, -2) + last + clientId.slice(-1);
  const res = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id: tampered,
      redirect_uri: CALLBACK,
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
    }),
  );
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("location"), null);
  assert.match(await res.text(), /Unknown application/);
  const token = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: "wwc_rt.x",
    client_id: tampered,
  });
  assert.equal(token.status, 401);
  assert.equal((await token.json()).error, "invalid_client");
});

Deno.test("a client id registered on one instance works on another sharing only the keyring", async () => {
  await using first = await testApp();
  await using second = await testApp();
  const clientId = await registered(first);
  const params = await signInRegistered(second, clientId);
  const res = await tokenRequest(second, {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: CALLBACK,
    client_id: clientId,
    code_verifier: VERIFIER,
  });
  assert.equal(res.status, 200, await res.clone().text());
});

const BAD: [string, unknown, string][] = [
  ["no redirect_uris", { client_name: "x" }, "invalid_redirect_uri"],
  ["an empty redirect_uris", { redirect_uris: [] }, "invalid_redirect_uri"],
  [
    "eleven redirect_uris",
    {
      redirect_uris: Array.from(
        { length: 11 },
        (_, i) => `https://a.example/${i}`,
      ),
    },
    "invalid_redirect_uri",
  ],
  [
    "a plain http redirect",
    { redirect_uris: ["http://app.example/cb"] },
    "invalid_redirect_uri",
  ],
  [
    "a javascript: redirect",
    { redirect_uris: ["javascript:alert(1)"] },
    "invalid_redirect_uri",
  ],
  [
    "a redirect with a fragment",
    { redirect_uris: ["https://app.example/cb#x"] },
    "invalid_redirect_uri",
  ],
  [
    "token_endpoint_auth_method private_key_jwt",
    {
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: "private_key_jwt",
    },
    "invalid_client_metadata",
  ],
  [
    "a token_endpoint_auth_method that is not a string",
    { redirect_uris: [CALLBACK], token_endpoint_auth_method: ["none"] },
    "invalid_client_metadata",
  ],
  [
    "the implicit grant",
    { redirect_uris: [CALLBACK], grant_types: ["implicit"] },
    "invalid_client_metadata",
  ],
  [
    "response_type token",
    { redirect_uris: [CALLBACK], response_types: ["token"] },
    "invalid_client_metadata",
  ],
  [
    "a name with a right-to-left override",
    { redirect_uris: [CALLBACK], client_name: "evil\u202Egpt" },
    "invalid_client_metadata",
  ],
  [
    "a name that is not a string",
    { redirect_uris: [CALLBACK], client_name: 5 },
    "invalid_client_metadata",
  ],
  ["an array body", [CALLBACK], "invalid_client_metadata"],
];

for (const [what, body, error] of BAD) {
  Deno.test(`registration refuses ${what} with 400 ${error}`, async () => {
    await using t = await testApp();
    const res = await register(t, body);
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, error);
  });
}

Deno.test("registration refuses a body that is not JSON with 400 invalid_client_metadata", async () => {
  await using t = await testApp();
  const res = await t.app.request(`${ORIGIN}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_client_metadata");
});

Deno.test("registration is limited per address (REGISTER_RATE_LIMIT)", async () => {
  await using t = await testApp({ env: { REGISTER_RATE_LIMIT: "2" } });
  await registered(t);
  await registered(t);
  const res = await register(t, { redirect_uris: [CALLBACK] });
  assert.equal(res.status, 429);
});
