/**
 * `/privacy` as a person reads it: the figures the running service keeps to,
 * taken from its configuration, in words about what a person does.
 */
import assert from "node:assert/strict";
import type { Env } from "../config.ts";
import { testApp } from "./_app.ts";
import { ORIGIN } from "./_flow.ts";

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
