/**
 * `/admin` in a real browser: an operator signs in through the providers'
 * page, sees a member with their plan, and the 30-day chart drawn by the
 * server; the CSV downloads; someone not in ADMIN_USERS gets the 403 page.
 * No console errors or CSP violations.
 */
import assert from "node:assert/strict";
import { haveChromium, launch, serveApp, watch } from "./_browser.ts";

const ignore = !haveChromium() && !Deno.env.get("CI");

Deno.test({
  name:
    "browser: /admin — an operator signs in and sees the member with plan and the chart, the CSV downloads; someone else gets 403",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using live = await serveApp({ ADMIN_USERS: "dev:root" });
    await using browser = await launch();

    // A player signs in at /play first, so there is a member to see.
    const player = await browser.newPage();
    await player.goto(`${live.origin}/play`);
    await player.click("text=Continue with Development sign-in");
    await player.waitForSelector("#login");
    await player.fill("#login", "Ada");
    await player.keyboard.press("Enter");
    await player.waitForURL(`${live.origin}/play`);
    await player.waitForSelector("#play-game:not([hidden])");
    await player.close();

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/admin`);
    await page.click("text=Continue with Development sign-in");
    await page.waitForSelector("#login");
    await page.fill("#login", "root");
    await page.keyboard.press("Enter");
    await page.click("#admin-continue");
    await page.waitForSelector("#members");
    const row = await page.textContent("#members tr:has(code:text('dev:ada'))");
    assert.ok(row, "Ada's row");
    assert.match(row, /dev:ada\s*dev/);
    assert.match(row, /free/, "the plan");
    assert.equal(await page.textContent("#total-members"), "2");
    // The chart: 30 days of bars, today's with one new player besides root.
    assert.equal(await page.locator("#members-chart rect.bar-new").count(), 30);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(
      await page.locator(
        `#members-chart rect.bar-new:has(title:text("${today}: 2 new"))`,
      ).count(),
      1,
    );
    const box = await page.locator("#members-chart").boundingBox();
    assert.ok(box && box.width > 300 && box.height > 50, "drawn");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("text=Export all members (CSV)"),
    ]);
    assert.match(download.suggestedFilename(), /^members-.*\.csv$/);
    const csv = await Deno.readTextFile((await download.path())!);
    assert.match(csv, /^user_id,provider,nickname,/);
    assert.match(csv, /\r\ndev:ada,dev,/);

    await page.click("text=Sign out");
    await page.waitForSelector("text=Sign in as an operator");
    assert.deepEqual(problems, []);

    // Someone who is not an operator.
    const other = await browser.newPage();
    const otherProblems = watch(other, live.origin);
    await other.goto(`${live.origin}/admin`);
    await other.click("text=Continue with Development sign-in");
    await other.waitForSelector("#login");
    await other.fill("#login", "mallory");
    const [response] = await Promise.all([
      other.waitForResponse((r) => r.url().includes("/admin/callback")),
      other.keyboard.press("Enter"),
    ]);
    assert.equal(response.status(), 403);
    await other.waitForSelector("text=Not an operator");
    assert.deepEqual(otherProblems, []);
  },
});
