/**
 * The consent page reads well whatever the client calls itself, and draws
 * the providers' buttons as their branding guidance asks.
 */
import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import { testApp } from "./_app.ts";
import { authorizeUrl, browse, CookieJar, ORIGIN } from "./_flow.ts";

const ENV = {
  GOOGLE_CLIENT_ID: "g.apps",
  GOOGLE_CLIENT_SECRET: "g-secret",
  GITHUB_CLIENT_ID: "gh",
  GITHUB_CLIENT_SECRET: "ghs",
};

/** The text of each paragraph and heading of `html`, tags stripped. */
function sentences(html: string): string[] {
  return [...html.matchAll(/<(h1|p)[^>]*>([\s\S]*?)<\/\1>/g)].map((m) =>
    m[2]!.replace(/<[^>]+>/g, "").replace(/\s+/g, " ").trim()
  );
}

Deno.test("consent: every sentence starts with a capital, even for a client named in lower case", async () => {
  await using t = await testApp({ env: ENV });
  const registered = await t.app.request(`${ORIGIN}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "claude code",
      redirect_uris: ["http://127.0.0.1/callback"],
      token_endpoint_auth_method: "none",
    }),
  });
  const clientId = (await registered.json()).client_id;
  const res = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id: clientId,
      redirect_uri: "http://127.0.0.1:5555/callback",
      code_challenge: s256("v".repeat(43)),
      code_challenge_method: "S256",
    }),
  );
  assert.equal(res.status, 200);
  const html = await res.text();
  const texts = sentences(html);
  assert.ok(texts.some((s) => s.includes("claude code")), texts.join("\n"));
  for (const text of texts) {
    assert.match(text, /^[A-Z0-9]/, text);
  }
});

Deno.test("consent: Google's and GitHub's buttons carry their marks and words; others are plain", async () => {
  await using t = await testApp({ env: ENV });
  const res = await browse(t, new CookieJar(), authorizeUrl());
  const html = await res.text();
  const google = /<a class="button provider google"[^>]*>([\s\S]*?)<\/a>/
    .exec(html)?.[1] ?? "";
  assert.match(google, /<svg[^>]*aria-hidden="true"/);
  assert.match(google, /#4285F4/, "the G in Google's colours");
  assert.match(google, /Continue with Google/);
  const github = /<a class="button provider github"[^>]*>([\s\S]*?)<\/a>/
    .exec(html)?.[1] ?? "";
  assert.match(github, /<svg/);
  assert.match(github, /Continue with GitHub/);
  assert.match(
    html,
    /<a class="button" href="\/login\/dev\/start\?consent=[\w-]+">Continue with Development sign-in<\/a>/,
  );
  // Inline SVG needs no CSP change: the header stays as strict as before.
  const csp = res.headers.get("content-security-policy")!;
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /style-src 'self';/);
  assert.match(csp, /img-src 'self' data:;/);
});
