/**
 * The consent page's Content-Security-Policy names the redirect's origin in
 * `form-action` (the Cancel button redirects there). It must stay one
 * well-formed policy whatever a client registered, and must let Cancel reach
 * a native app's private-use scheme (RFC 8252 §7.1).
 */
import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import { testApp } from "./_app.ts";
import { authorizeUrl, browse, CookieJar } from "./_flow.ts";
import { register, VERIFIER } from "./_registration.ts";

Deno.test("registration: a redirect whose host holds CSP or list separators (; , ') is refused", async () => {
  await using t = await testApp();
  for (
    const uri of [
      "https://a;script-src;b.example/cb",
      "https://a,b.example/cb",
      "https://a'b.example/cb",
    ]
  ) {
    const res = await register(t, {
      client_name: "Odd",
      redirect_uris: [uri],
      token_endpoint_auth_method: "none",
    });
    assert.equal(res.status, 400, `${uri} was registered`);
    assert.equal((await res.json()).error, "invalid_redirect_uri");
  }
});

Deno.test("consent: for a private-use scheme redirect, form-action lets Cancel return to the app and the page names where it returns", async () => {
  await using t = await testApp();
  const redirect = "com.example.app:/oauth/callback";
  const res = await register(t, {
    client_name: "Native",
    redirect_uris: [redirect],
    token_endpoint_auth_method: "none",
  });
  assert.equal(res.status, 201);
  const clientId = (await res.json()).client_id;
  const consent = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id: clientId,
      redirect_uri: redirect,
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
    }),
  );
  assert.equal(consent.status, 200);
  const csp = consent.headers.get("content-security-policy") ?? "";
  const formAction = /form-action ([^;]*)/.exec(csp)?.[1] ?? "";
  assert.ok(
    formAction.split(" ").includes("com.example.app:"),
    `form-action: ${formAction}`,
  );
  const html = await consent.text();
  assert.ok(
    !html.includes("<strong></strong>"),
    "the page says where the person will return",
  );
});
