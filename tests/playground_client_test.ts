/**
 * The development playground's built-in client: public (no secret), PKCE
 * required, one exact redirect URI, and only with the development sign-in.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ConfigError, loadConfig } from "../config.ts";
import { testApp, testEnv } from "./_app.ts";
import {
  authorizeUrl,
  browse,
  CookieJar,
  ORIGIN,
  postForm,
  redirectParams,
} from "./_flow.ts";

const PLAYGROUND = `${ORIGIN}/playground`;
const VERIFIER = "playground-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

/** A token-endpoint call from the public client: its id in the form, no secret. */
function token(
  t: Awaited<ReturnType<typeof testApp>>,
  form: Record<string, string>,
): Promise<Response> {
  return postForm(t, "/oauth/token", form, "none");
}

async function playgroundCode(
  t: Awaited<ReturnType<typeof testApp>>,
): Promise<string> {
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({
      client_id: "playground",
      redirect_uri: PLAYGROUND,
      provider: "dev",
      login_hint: "pat",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
    }),
  );
  const back = await browse(t, jar, start.headers.get("location")!);
  return redirectParams(back, PLAYGROUND).get("code")!;
}

Deno.test("playground client: PKCE code flow without a secret, then refresh and revoke with its client_id alone", async () => {
  await using t = await testApp();
  const code = await playgroundCode(t);
  const res = await token(t, {
    grant_type: "authorization_code",
    code,
    redirect_uri: PLAYGROUND,
    code_verifier: VERIFIER,
    client_id: "playground",
  });
  assert.equal(res.status, 200);
  const tokens = await res.json();
  const refreshed = await token(t, {
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: "playground",
  });
  assert.equal(refreshed.status, 200);
  const latest = (await refreshed.json()).refresh_token;
  const revoked = await postForm(t, "/oauth/revoke", {
    token: latest,
    client_id: "playground",
  }, "none");
  assert.equal(revoked.status, 200);
  const after = await token(t, {
    grant_type: "refresh_token",
    refresh_token: latest,
    client_id: "playground",
  });
  assert.equal((await after.json()).error, "invalid_grant");
  const meta = await (await t.app.request(
    `${ORIGIN}/.well-known/oauth-authorization-server`,
  )).json();
  assert.ok(meta.token_endpoint_auth_methods_supported.includes("none"));
});

Deno.test("playground client: no code_challenge is refused at authorize; a missing verifier is refused at the token endpoint", async () => {
  await using t = await testApp();
  const res = await t.app.request(
    `${ORIGIN}${
      authorizeUrl({ client_id: "playground", redirect_uri: PLAYGROUND })
    }`,
  );
  const params = redirectParams(res, PLAYGROUND);
  assert.equal(params.get("error"), "invalid_request");
  assert.match(params.get("error_description")!, /code_challenge/);

  const code = await playgroundCode(t);
  const noVerifier = await token(t, {
    grant_type: "authorization_code",
    code,
    redirect_uri: PLAYGROUND,
    client_id: "playground",
  });
  assert.equal(noVerifier.status, 400);
  assert.equal((await noVerifier.json()).error, "invalid_grant");
});

Deno.test("playground client: a secret, another client's code, or another redirect URI is refused", async () => {
  await using t = await testApp();
  const withSecret = await token(t, {
    grant_type: "refresh_token",
    refresh_token: "x",
    client_id: "playground",
    client_secret: "anything",
  });
  assert.equal(withSecret.status, 401);
  assert.equal((await withSecret.json()).error, "invalid_client");

  // The GPT client cannot redeem the playground's code, even with its secret.
  const code = await playgroundCode(t);
  const stolen = await token(t, {
    grant_type: "authorization_code",
    code,
    redirect_uri: PLAYGROUND,
    code_verifier: VERIFIER,
    client_id: t.config.client.id,
    client_secret: t.config.client.secret!,
  });
  assert.equal(stolen.status, 400);
  assert.equal((await stolen.json()).error, "invalid_grant");

  const elsewhere = await t.app.request(
    `${ORIGIN}${
      authorizeUrl({
        client_id: "playground",
        redirect_uri: "https://evil.example/playground",
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
      })
    }`,
  );
  assert.equal(elsewhere.status, 400, "an error page, never a redirect");
  assert.equal(elsewhere.headers.get("location"), null);
});

Deno.test("playground client: exists only with the development sign-in", async () => {
  await using t = await testApp({ env: { DEV_LOGIN: "0" } });
  const res = await t.app.request(
    `${ORIGIN}${
      authorizeUrl({
        client_id: "playground",
        redirect_uri: PLAYGROUND,
        code_challenge: CHALLENGE,
        code_challenge_method: "S256",
      })
    }`,
  );
  assert.equal(res.status, 400);
  assert.ok((await res.text()).includes("Unknown application"));
  const noAuth = await token(t, {
    grant_type: "refresh_token",
    refresh_token: "x",
    client_id: "playground",
  });
  assert.equal(noAuth.status, 401);
  assert.equal(
    (await (await t.app.request(`${ORIGIN}/playground`)).json()).error,
    "not_found",
  );
});

Deno.test("config: OAUTH_CLIENT_ID may not take the playground's id; OPERATOR_CONTACT must be an email or https URL", () => {
  assert.throws(
    () => loadConfig(testEnv({ OAUTH_CLIENT_ID: "playground" })),
    (err) => err instanceof ConfigError && err.variable === "OAUTH_CLIENT_ID",
  );
  assert.throws(
    () => loadConfig(testEnv({ OPERATOR_CONTACT: "javascript:alert(1)" })),
    (err) => err instanceof ConfigError && err.variable === "OPERATOR_CONTACT",
  );
  assert.deepEqual(
    loadConfig(testEnv({ OPERATOR_CONTACT: "dpo@example.com" })).contact,
    { href: "mailto:dpo@example.com", label: "dpo@example.com" },
  );
  assert.equal(
    loadConfig(testEnv({ OPERATOR_CONTACT: "https://example.com/contact" }))
      .contact?.href,
    "https://example.com/contact",
  );
});
