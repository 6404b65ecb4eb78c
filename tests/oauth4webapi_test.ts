/**
 * The flow driven by an independent, strict OAuth client: `oauth4webapi`
 * with its default checks (RFC 9207 `iss` on the callback, PKCE S256,
 * RFC 8414 discovery, token response shape), talking to the app in memory.
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { CLIENT_ID, CLIENT_SECRET, type TestApp, testApp } from "./_app.ts";
import { browse, CookieJar, ORIGIN, REDIRECT } from "./_flow.ts";

const client: oauth.Client = { client_id: CLIENT_ID };

function options(t: TestApp) {
  return {
    // Every request goes to the app in memory; nothing touches the network.
    [oauth.customFetch]: (
      url: string,
      init: oauth.CustomFetchOptions<string, unknown>,
    ) => Promise.resolve(t.app.request(url, init as RequestInit)),
  };
}

async function discover(t: TestApp): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(ORIGIN);
  const res = await oauth.discoveryRequest(issuer, {
    algorithm: "oauth2",
    ...options(t),
  });
  return await oauth.processDiscoveryResponse(issuer, res);
}

/** Authorizes through the dev provider and returns the callback URL. */
async function authorize(
  t: TestApp,
  as: oauth.AuthorizationServer,
  state: string,
  challenge: string,
  login: string,
): Promise<URL> {
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: "game",
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
    provider: "dev",
    login_hint: login,
  }).toString();
  const jar = new CookieJar();
  const start = await browse(t, jar, url.href);
  const back = await browse(t, jar, start.headers.get("location")!);
  return new URL(back.headers.get("location")!);
}

for (
  const [name, auth] of [
    ["client_secret_post", oauth.ClientSecretPost(CLIENT_SECRET)],
    ["client_secret_basic", oauth.ClientSecretBasic(CLIENT_SECRET)],
  ] as const
) {
  Deno.test(`oauth4webapi: discovery, PKCE S256 code flow with iss validation, /api/me, refresh and revocation (${name})`, async () => {
    await using t = await testApp();
    const as = await discover(t);
    assert.equal(as.issuer, ORIGIN);

    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const state = oauth.generateRandomState();
    const callback = await authorize(t, as, state, challenge, "strict");

    // Checks state and that iss equals the discovered issuer (RFC 9207).
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const codeResponse = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      REDIRECT,
      verifier,
      options(t),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      codeResponse,
    );
    assert.equal(tokens.token_type, "bearer");
    assert.equal(tokens.scope, "game");
    assert.ok(tokens.refresh_token);

    const me = await oauth.protectedResourceRequest(
      tokens.access_token,
      "GET",
      new URL(`${ORIGIN}/api/me`),
      undefined,
      undefined,
      options(t),
    );
    assert.equal(me.status, 200);
    assert.equal((await me.json()).id, "dev:strict");

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        auth,
        tokens.refresh_token!,
        options(t),
      ),
    );
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(
        as,
        client,
        auth,
        refreshed.refresh_token!,
        options(t),
      ),
    );
    const after = await t.app.request(`${ORIGIN}/api/me`, {
      headers: { authorization: `Bearer ${refreshed.access_token}` },
    });
    assert.equal(after.status, 401);
  });
}

Deno.test("oauth4webapi: a wrong PKCE verifier is refused by the server with invalid_grant", async () => {
  await using t = await testApp();
  const as = await discover(t);
  const state = oauth.generateRandomState();
  const callback = await authorize(
    t,
    as,
    state,
    await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
    "pkce",
  );
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const res = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.ClientSecretPost(CLIENT_SECRET),
    params,
    REDIRECT,
    oauth.generateRandomCodeVerifier(),
    options(t),
  );
  await assert.rejects(
    () => oauth.processAuthorizationCodeResponse(as, client, res),
    (err: unknown) =>
      err instanceof oauth.ResponseBodyError && err.error === "invalid_grant",
  );
});
