/**
 * `/privacy` as a person reads it: the figures the running service keeps to,
 * taken from its configuration, in words about what a person does.
 */
import assert from "node:assert/strict";
import type { Env } from "../config.ts";
import { hashSecret } from "../auth/clients.ts";
import { kvDump, testApp } from "./_app.ts";
import { basic, ORIGIN } from "./_flow.ts";
import {
  CALLBACK,
  registeredClient,
  signInRegistered,
  tokenRequest,
  VERIFIER,
} from "./_registration.ts";

const GOOGLE: Env = {
  GOOGLE_CLIENT_ID: "g.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "g-secret",
};

/** The page's text, tags dropped and entities read, spaces collapsed. */
async function privacyText(env: Env): Promise<string> {
  await using t = await testApp({ env });
  const html = await (await t.app.request(`${ORIGIN}/privacy`)).text();
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"').replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

Deno.test("privacy: the page states the figures the service runs with — daily cap, upstream checks, sign-out delay, lifetimes — from its configuration", async () => {
  const tuned = await privacyText({
    ...GOOGLE,
    DAILY_SCORED_ROUNDS: "7",
    UPSTREAM_CHECK_MINUTES: "90",
  });
  for (
    const said of [
      "The daily cap: at most 7 scored rounds a day",
      "at most every 90 minutes, that you have not removed this app",
      // Renewals come hourly; the first one 90 minutes after a check asks.
      "the GPT's access ends within about 2 hours",
      "every server refuses your old sign-in within 5 seconds",
      "30 days after the last renewal; codes 5 minutes",
      "Request counters per user, client and network address",
    ]
  ) {
    assert.ok(tuned.includes(said), `"${said}" in:\n${tuned}`);
  }
  const defaults = await privacyText(GOOGLE);
  assert.ok(defaults.includes("at most 50 scored rounds a day"));
  assert.ok(defaults.includes("at most every 15 minutes"));
  assert.ok(defaults.includes("the GPT's access ends within about 1 hour"));

  // No cap and no rate limits: nothing of either is stored, nor said.
  const off = await privacyText({
    DAILY_SCORED_ROUNDS: "0",
    TOKEN_RATE_LIMIT: "0",
    AUTHORIZE_RATE_LIMIT: "0",
    GAME_RATE_LIMIT: "0",
    READ_RATE_LIMIT: "0",
    REGISTER_RATE_LIMIT: "0",
    CLIENT_DOCUMENT_RATE_LIMIT: "0",
  });
  assert.ok(!off.includes("daily cap"), off);
  assert.ok(!off.includes("Request counters"), off);
  assert.ok(!off.includes("refresh token, we check"), "no provider to check");
});

Deno.test("privacy: the page speaks of what a person does, not of routes", async () => {
  const text = await privacyText(GOOGLE);
  assert.doesNotMatch(text, /\/api\/|\b(GET|POST|PUT|DELETE) \//);
  assert.ok(text.includes("Ask the GPT to delete your data"));
  assert.ok(text.includes("ask the GPT to sign you out"));
});

Deno.test("privacy: the page says what is kept of an app that registers itself — its details sealed in its own client id, a secret's hash only, cached documents a day at most", async () => {
  const text = await privacyText(GOOGLE);
  for (
    const said of [
      "Apps that connect themselves (ChatGPT apps, Claude, other MCP clients)",
      "only a hash of its secret, sealed inside the client id the app itself keeps",
      "the app's name on the consent page (as the app declares it: we do not verify it)",
      "No record of its own: the client id carries it for 365 days",
      "published details stay in one server's memory for at most 1 day",
      "An app's client secret: it is handed to the app once, and only its hash is kept",
    ]
  ) {
    assert.ok(text.includes(said), `"${said}" in:\n${text}`);
  }
});

Deno.test("privacy: registering apps and signing in with one stores none of an app's name, addresses, secret or secret hash in KV", async () => {
  await using t = await testApp();
  const name = "A Registered Example App";
  const redirect = "https://registered.example/oauth/callback";
  const apps = [];
  for (const method of ["none", "client_secret_basic"]) {
    apps.push(
      await registeredClient(t, {
        client_name: name,
        redirect_uris: [CALLBACK, redirect],
        token_endpoint_auth_method: method,
      }),
    );
  }
  const confidential = apps[1]!;
  const params = await signInRegistered(t, confidential.client_id);
  const res = await tokenRequest(t, {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: CALLBACK,
    code_verifier: VERIFIER,
  }, {
    authorization: basic(confidential.client_id, confidential.client_secret),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const dump = await kvDump(t.kv);
  assert.ok(dump.includes("family"), "the sign-in was stored");
  for (
    const secret of [
      name,
      "registered.example",
      confidential.client_secret!,
      hashSecret(confidential.client_secret!),
    ]
  ) {
    assert.ok(!dump.includes(secret), `${secret} in KV:\n${dump}`);
  }
});

Deno.test("privacy: the page says that first sign-in and last activity are kept (at most hourly), the daily counts carry no user id, and email only when collected", async () => {
  const text = await privacyText(GOOGLE);
  for (
    const said of [
      "When you first signed in and when you were last active, and which provider you signed in with",
      "activity is noted when you sign in and at most once an hour while you play",
      "How many players were new and how many were active on each UTC day, as two numbers a day with no user id",
      "Your email address, name or picture: we never store them.",
    ]
  ) {
    assert.ok(text.includes(said), `"${said}" in:\n${text}`);
  }
  assert.ok(!text.includes("can reach them by email"));
  const collecting = await privacyText({ ...GOOGLE, COLLECT_EMAIL: "1" });
  assert.ok(
    collecting.includes(
      "and your email address, only when your provider says it is verified",
    ),
    collecting,
  );
  assert.ok(!collecting.includes("Your email address, name or picture"));
});
