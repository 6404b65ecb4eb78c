/**
 * A page from elsewhere cannot walk a person's browser past the consent page
 * of a dynamic client: opening the authorization URL (which shows consent
 * and sets the pending cookie) and then navigating the same window to the
 * provider's start address must not start the upstream sign-in.
 */
import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import { testApp } from "./_app.ts";
import { authorizeUrl, CookieJar, ORIGIN } from "./_flow.ts";
import { CALLBACK, registered, VERIFIER } from "./_registration.ts";

Deno.test("consent: a cross-site navigation to /login/<provider>/start after the consent page does not start the sign-in", async () => {
  await using t = await testApp({
    env: { GITHUB_CLIENT_ID: "gh", GITHUB_CLIENT_SECRET: "ghs" },
  });
  const clientId = await registered(t);
  const jar = new CookieJar();
  // The attacker's page opens a window on the authorization URL of a client
  // it registered (its own redirect, its own PKCE verifier)...
  const consent = await t.app.request(
    new URL(
      authorizeUrl({
        client_id: clientId,
        redirect_uri: CALLBACK,
        code_challenge: s256(VERIFIER),
        code_challenge_method: "S256",
      }),
      ORIGIN,
    ).href,
    {
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" },
    },
  );
  jar.store(consent);
  assert.equal(consent.status, 200, "the consent page is shown");
  // ...and then navigates that window on, without the person clicking
  // anything. SameSite=Lax cookies ride on top-level navigations.
  // GitHub sends a person who authorized this service before straight back
  // with a code, which would then go to the attacker's redirect.
  const start = await t.app.request(`${ORIGIN}/login/github/start`, {
    headers: {
      cookie: jar.header(),
      "sec-fetch-site": "cross-site",
      "sec-fetch-mode": "navigate",
      "sec-fetch-user": "?0",
    },
  });
  const location = start.headers.get("location") ?? "";
  assert.ok(
    !(start.status === 302 && new URL(location, ORIGIN).host === "github.com"),
    `the upstream sign-in started without consent: ${start.status} ${location}`,
  );
});
