/**
 * `/play` in a real browser: a player signs in, plays a whole round by
 * keyboard alone, reloads in the middle and is still signed in and in the
 * round, sees their own row on the leaderboard, and signs out and erases
 * their data behind a confirmation; on a desktop and on a 390 px phone,
 * with no console errors, CSP violations or sideways scrolling.
 */
import assert from "node:assert/strict";
import { openWord } from "./_game.ts";
import {
  haveChromium,
  launch,
  type Page,
  serveApp,
  watch,
} from "./_browser.ts";

const ignore = !haveChromium() && !Deno.env.get("CI");

/** Answers the page expects, and requests a navigation may cut short. */
const EXPECTED = /\/(play\/session|api\/rounds\/current)( net::ERR_ABORTED)?$/;

/** Whether the page scrolls sideways. */
async function scrollsSideways(page: Page): Promise<boolean> {
  return await page.evaluate(
    "document.documentElement.scrollWidth > document.documentElement.clientWidth",
  ) as boolean;
}

/** The element that has the keyboard focus, as `tag#id.class`. */
async function focused(page: Page): Promise<string> {
  return await page.evaluate(
    "(() => { const el = document.activeElement; return el ? `${el.tagName.toLowerCase()}#${el.id}.${el.className}` : ''; })()",
  ) as string;
}

for (
  const [label, viewport] of [
    ["1280 px", { width: 1280, height: 800 }],
    ["390 px phone", { width: 390, height: 844 }],
  ] as const
) {
  Deno.test({
    name:
      `browser: /play at ${label} — sign in, a whole round by keyboard with a reload in the middle, the leaderboard, sign out and erase with a confirmation`,
    ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await using live = await serveApp();
      await using browser = await launch();
      const page = await browser.newPage({ viewport });
      const problems = watch(page, live.origin);

      await page.goto(`${live.origin}/play`);
      await page.waitForSelector("#play-signin:not([hidden])");
      assert.equal(await scrollsSideways(page), false, "signed out");
      await page.keyboard.press("Tab"); // from the address bar into the page
      await page.click("text=Continue with Development sign-in");
      await page.waitForSelector("#login");
      await page.keyboard.type("Ada");
      await page.keyboard.press("Enter");
      await page.waitForURL(`${live.origin}/play`);
      await page.waitForSelector("#play-game:not([hidden])");
      assert.equal(await page.textContent("#play-who"), "Signed in as dev:ada");
      assert.equal(await scrollsSideways(page), false, "signed in");

      // Keyboard only: focus is on the first category; Enter starts a round.
      assert.match(await focused(page), /^button#\./, "a category button");
      await page.keyboard.press("Enter");
      await page.waitForSelector(".board[data-status=open]");
      assert.equal(await focused(page), "input#board-guess.board-input");
      const word = await openWord(live.kv, "dev:ada");
      await page.keyboard.type(word === "zebra" ? "tiger" : "zebra");
      await page.keyboard.press("Enter");
      await page.waitForSelector(".board-verdict:not([hidden])");
      const clues = await page.locator(".board-clues li").count();

      // A reload in the middle: still signed in, still in the round.
      await page.reload();
      await page.waitForSelector(".board[data-status=open]");
      assert.equal(await page.locator(".board-clues li").count(), clues);
      assert.equal(await focused(page), "input#board-guess.board-input");
      assert.equal(await scrollsSideways(page), false, "in a round");

      await page.keyboard.type(word);
      await page.keyboard.press("Enter");
      await page.waitForSelector(".board[data-status=solved]");
      assert.match(
        (await page.textContent(".board-status"))!,
        new RegExp(word, "i"),
      );
      await page.waitForSelector("#play-leaderboard li.you");
      assert.match(
        (await page.textContent("#play-leaderboard li.you"))!,
        /^#1.+\(you\)\d+$/s,
      );
      assert.equal(await scrollsSideways(page), false, "after the round");

      // Sign out: asked first; "Cancel" keeps the session.
      await page.click("#play-signout");
      await page.click("#play-confirm-no");
      assert.equal(await page.isHidden("#play-game"), false);
      await page.click("#play-signout");
      await page.click("#play-confirm-yes");
      await page.waitForSelector("#play-signin:not([hidden])");
      await page.reload();
      await page.waitForSelector("#play-signin:not([hidden])");

      // Sign in again and erase everything.
      await page.click("text=Continue with Development sign-in");
      await page.fill("#login", "ada");
      await page.keyboard.press("Enter");
      await page.waitForSelector("#play-game:not([hidden])");
      await page.click("#play-erase");
      assert.match(
        (await page.textContent("#play-confirm-text"))!,
        /cannot be undone/,
      );
      await page.click("#play-confirm-yes");
      await page.waitForSelector("#play-signin:not([hidden])");
      assert.equal(
        await page.textContent("#play-notice"),
        "Your data has been erased.",
      );
      const rows = await Array.fromAsync(
        live.kv.list({ prefix: ["round", "dev:ada"] }),
      );
      assert.equal(rows.length, 0, "the rounds are gone");
      // Signed out, the page is told so with a 401, and a player without a
      // round gets a 404 for the current one (a reload or a sign-in may cut
      // either short): expected answers, not problems.
      assert.deepEqual(
        problems.filter((p) => !EXPECTED.test(p)),
        [],
      );
    },
  });
}

Deno.test({
  name:
    "browser: /play with billing on shows the free rounds left, and the way to upgrade once they are used up",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using live = await serveApp({
      STRIPE_SECRET_KEY: "sk_test_51PlayPageTests0001",
      STRIPE_PRICE_ID: "price_proMonthly",
      STRIPE_WEBHOOK_SECRET: "whsec_playPageTestsSigningSecret",
      STRIPE_API_BASE: "http://127.0.0.1:9",
      FREE_ROUNDS_PER_DAY: "1",
    });
    await using browser = await launch();
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
    });
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/play`);
    await page.click("text=Continue with Development sign-in");
    await page.fill("#login", "cy");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#play-plan:not([hidden])");
    assert.match(
      (await page.textContent("#play-plan"))!,
      /^Free plan: 1 of 1 rounds left today · Upgrade$/,
    );
    await page.keyboard.press("Enter");
    await page.waitForSelector(".board[data-status=open]");
    await page.waitForSelector("#play-plan:has-text('0 of 1')");
    await page.click(".board-give-up");
    await page.waitForSelector(".board[data-status=given_up]");
    await page.click("#play-categories button[data-category=colors]");
    await page.waitForSelector(".board-error:not(:empty)");
    assert.match(
      (await page.textContent(".board-error"))!,
      /free rounds/i,
    );
    const upgrade = await page.getAttribute("#play-plan a", "href");
    assert.match(upgrade!, /\/billing\/upgrade\?t=wwc_upgrade\./);
    assert.equal(await scrollsSideways(page), false);
    assert.deepEqual(
      problems.filter((p) =>
        !EXPECTED.test(p) &&
        !/\/api\/rounds 402|402 for .*\/api\/rounds$/.test(p)
      ),
      [],
    );
  },
});
