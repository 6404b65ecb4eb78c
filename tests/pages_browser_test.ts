/**
 * The pages in a real browser (Debian's Chromium through playwright-core):
 * the playground's whole journey by clicking, the setup guide against the
 * configuration, consent and cancel, phone widths, and no console errors or
 * CSP violations anywhere. CI installs Chromium; without it (and outside CI)
 * these tests are skipped.
 */
import assert from "node:assert/strict";
import { Tokens } from "../auth/tokens.ts";
import { authorizeUrl } from "./_flow.ts";
import {
  type Browser,
  haveChromium,
  launch,
  type LiveApp,
  type Page,
  serveApp,
  watch,
} from "./_browser.ts";
import { wordOf } from "./_game.ts";
import { keyring } from "./_keys.ts";
import { LOGO_SVG_DATA_URL } from "./_brand.ts";

const REDIRECT = "https://chatgpt.com/aip/g-browser/oauth/callback";
const ignore = !haveChromium() && !Deno.env.get("CI");

const ENV = {
  GOOGLE_CLIENT_ID: "example.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "example-secret",
  OPERATOR_CONTACT: "privacy@words.example.com",
};

/** The newest entry of the playground's request log. */
async function lastLog(page: Page): Promise<{
  path: string;
  status: number;
  body: string;
}> {
  const li = page.locator("#log li").first();
  return {
    path: (await li.getAttribute("data-path"))!,
    status: Number(await li.getAttribute("data-status")),
    body: (await li.locator("pre").textContent())!,
  };
}

async function logCount(page: Page): Promise<number> {
  return await page.locator("#log li").count();
}

/** Clicks and waits for the playground to log `n` more requests. */
async function clickAndLog(page: Page, selector: string, n = 1) {
  const before = await logCount(page);
  await page.click(selector);
  // (No waitForFunction: the page's CSP rightly forbids eval.)
  await page.locator("#log li").nth(before + n - 1).waitFor();
  return await lastLog(page);
}

/** A test with the app on loopback and a fresh browser. */
function browserTest(
  name: string,
  fn: (live: LiveApp, browser: Browser) => Promise<void>,
  env: Record<string, string> = ENV,
  options: { devGeneratedSecret?: boolean; browserArgs?: string[] } = {},
): void {
  Deno.test({
    name: `browser: ${name}`,
    ignore,
    // Chromium's pipes and the server outlive a test's op accounting.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await using live = await serveApp(env, options);
      await using browser = await launch(options.browserArgs);
      await fn(live, browser);
    },
  });
}

browserTest(
  "the playground draws its round as the board above the log, and after a reload says it is signed in and shows the round again",
  async (live, browser) => {
    const page = await browser.newPage();
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/playground`);
    await page.click("#signin");
    await page.click("text=Continue with Development sign-in");
    await page.fill("#login", "bea");
    await page.click("button[type=submit]");
    await page.waitForSelector("#token:not([hidden])");
    await page.selectOption("#category", "places");
    await clickAndLog(page, "#start");
    await page.waitForSelector("#playground-board .board[data-status=open]");
    assert.equal(
      await page.textContent("#playground-board .board-category"),
      "Category: places",
    );
    // Above the log, and read-only: the playground's own buttons move.
    const [boardTop, logTop] = await Promise.all([
      page.locator("#round").boundingBox(),
      page.locator("#requests").boundingBox(),
    ]);
    assert.ok(boardTop!.y < logTop!.y);
    assert.equal(
      await page.locator("#playground-board button:visible").count(),
      0,
    );
    await page.fill("#guess", "nowhere-at-all");
    await clickAndLog(page, "#send-guess");
    await page.waitForSelector(
      "#playground-board .board-verdict:not([hidden])",
    );
    const clues = await page.locator("#playground-board .board-clues li")
      .count();

    await page.reload();
    assert.equal(await page.textContent("#status"), "Signed in.");
    await page.waitForSelector("#playground-board .board[data-status=open]");
    assert.equal(
      await page.locator("#playground-board .board-clues li").count(),
      clues,
    );
    assert.equal((await lastLog(page)).path, "/api/rounds/current");
    assert.deepEqual(problems, []);
  },
);

browserTest(
  "the playground's whole journey by clicking — sign in with the development provider, start a round, guess, score, refresh, sign out",
  async (live, browser) => {
    const page = await browser.newPage();
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/playground`);
    assert.equal(await page.textContent("#status"), "Not signed in.");
    assert.ok(await page.isDisabled("#start"));

    // Sign in: our consent page, then the development provider's form.
    await page.click("#signin");
    await page.waitForURL((url) => url.pathname === "/oauth/authorize");
    assert.ok(
      (await page.textContent("h1"))!.includes("the playground"),
      "the consent page names the client",
    );
    await page.click("text=Continue with Development sign-in");
    await page.fill("#login", "ada");
    await page.click("button[type=submit]");
    await page.waitForSelector("#token:not([hidden])");
    assert.equal(new URL(page.url()).search, "", "the code left the URL");
    assert.equal(await page.textContent("#status"), "Signed in.");
    const shown = await page.textContent("#token");
    assert.match(shown!, /"access_token": "wwc_at\.[^"]{6,}…[^"]+"/);
    assert.match(shown!, /"refresh_token": "wwc_rt\./);
    assert.ok(shown!.length < 400, "tokens are shortened");

    const me = await clickAndLog(page, "#me");
    assert.equal(me.status, 200);
    assert.equal(JSON.parse(me.body).id, "dev:ada");

    // A round: a wrong guess, then the right one.
    await page.selectOption("#category", "colors");
    const started = await clickAndLog(page, "#start");
    assert.equal(started.status, 201);
    assert.equal(JSON.parse(started.body).category, "colors");
    const handle = await page.evaluate(() =>
      JSON.parse(sessionStorage.getItem("pg.round")!) as string
    );
    const word = await wordOf(live.kv, new Tokens(keyring, Date.now), handle);
    await page.fill("#guess", word === "zzz" ? "yyy" : "zzz");
    const wrong = await clickAndLog(page, "#send-guess");
    assert.equal(wrong.status, 200);
    assert.equal(JSON.parse(wrong.body).correct, false);
    await page.fill("#guess", ` ${word.toUpperCase()} `);
    const right = await clickAndLog(page, "#send-guess");
    assert.equal(right.status, 200);
    const verdict = JSON.parse(right.body);
    assert.equal(verdict.correct, true);
    assert.ok(verdict.score > 0);
    assert.ok(await page.isDisabled("#send-guess"), "the round is over");

    const score = await clickAndLog(page, "#score");
    assert.equal(JSON.parse(score.body).score, verdict.score);

    // Refresh: a new pair, and the API still answers.
    const before = await page.evaluate(() =>
      JSON.parse(sessionStorage.getItem("pg.tokens")!)
    );
    const refreshed = await clickAndLog(page, "#refresh");
    assert.equal(refreshed.status, 200);
    assert.equal(await page.textContent("#status"), "Token refreshed.");
    const after = await page.evaluate(() =>
      JSON.parse(sessionStorage.getItem("pg.tokens")!)
    );
    assert.notEqual(after.refresh_token, before.refresh_token);
    assert.equal((await clickAndLog(page, "#board")).status, 200);

    // Sign out: the refresh token is dead at once.
    await clickAndLog(page, "#signout", 2);
    assert.equal(await page.textContent("#status"), "Signed out.");
    assert.ok(await page.isDisabled("#start"));
    assert.ok(await page.isEnabled("#signin"));
    const res = await fetch(`${live.origin}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: after.refresh_token,
        client_id: "playground",
      }),
    });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_grant");

    assert.deepEqual(problems, []);
  },
);

browserTest(
  "the setup guide shows the live configuration, copies values, and warns about what production needs",
  async (live, browser) => {
    const context = await browser.newContext();
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: live.origin,
    });
    const page = await context.newPage();
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/`);
    const value = async (field: string) =>
      (await page.textContent(`[data-field="${field}"]`))?.trim();
    assert.equal(
      await value("authorization-url"),
      `${live.origin}/oauth/authorize`,
    );
    assert.equal(await value("token-url"), `${live.origin}/oauth/token`);
    assert.equal(await value("openapi-url"), `${live.origin}/openapi.json`);
    assert.equal(await value("privacy-url"), `${live.origin}/privacy`);
    assert.equal(await value("client-id"), live.config.client.id);
    assert.equal(await value("scope"), "game");
    assert.equal(
      await value("token-exchange-method"),
      "Default (POST request)",
    );
    // A secret deno task dev generated is shown, to this machine only.
    assert.equal(await value("client-secret"), live.config.client.secret);
    assert.ok(
      await page.locator('[data-provider="google"]').textContent().then((t) =>
        t!.includes(`${live.origin}/login/google/callback`)
      ),
    );
    const warnings = await page.locator(".warn li").allTextContents();
    assert.ok(warnings.some((w) => w.includes("https")));
    assert.ok(warnings.some((w) => w.includes("DEV_LOGIN")));
    assert.ok(!warnings.some((w) => w.includes("No real sign-in provider")));

    await page.click('button[aria-label="Copy Token URL"]');
    await page.waitForSelector(
      'button[aria-label="Copy Token URL"]:text("Copied")',
    );
    assert.equal(
      await page.evaluate("navigator.clipboard.readText()"),
      `${live.origin}/oauth/token`,
    );
    assert.equal(await value("mcp-url"), `${live.origin}/mcp`);
    await page.click('button[aria-label="Copy MCP server URL"]');
    await page.waitForSelector(
      'button[aria-label="Copy MCP server URL"]:text("Copied")',
    );
    assert.equal(
      await page.evaluate("navigator.clipboard.readText()"),
      `${live.origin}/mcp`,
    );
    assert.deepEqual(problems, []);
  },
  ENV,
  { devGeneratedSecret: true },
);

browserTest(
  "the setup guide on a 390 px phone: the first screen shows the heading and the start of the guide, the warnings folded; a provider's callback URI copies",
  async (live, browser) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: live.origin,
    });
    const page = await context.newPage();
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/`);
    const box = async (selector: string) =>
      (await page.locator(selector).first().boundingBox())!;
    const heading = await box("h1");
    assert.ok(heading.y + heading.height <= 844, "the heading is on screen");
    const warnings = page.locator("details.warn");
    assert.equal(await warnings.getAttribute("open"), null, "folded");
    assert.ok((await warnings.locator("li").count()) >= 2, "with warnings");
    const first = await box("section.card h2");
    assert.equal(
      await page.locator("section.card h2").first().textContent(),
      "1. Add the action",
    );
    assert.ok(first.y + first.height <= 844, `the guide starts on screen`);
    // Unfolded on demand.
    await page.click("details.warn summary");
    assert.ok(await page.locator("details.warn li").first().isVisible());

    const uri = `${live.origin}/login/google/callback`;
    await page.click('button[aria-label="Copy the Google callback URI"]');
    await page.waitForSelector(
      'button[aria-label="Copy the Google callback URI"]:text("Copied")',
    );
    assert.equal(await page.evaluate("navigator.clipboard.readText()"), uri);
    assert.deepEqual(problems, []);
  },
);

const REBIND = "rebind.attacker.example";

browserTest(
  "DNS rebinding: a foreign name resolving to 127.0.0.1 is not shown the secret deno task dev generated; localhost is",
  async (live, browser) => {
    const secret = live.config.client.secret!;
    const page = await browser.newPage();
    const port = new URL(live.origin).port;
    // The attacker's page, same-origin with whatever this name now serves.
    await page.goto(`http://${REBIND}:${port}/`);
    const html = await page.content();
    assert.ok(!html.includes(secret), "secret served to a rebound name");
    assert.match(
      (await page.textContent('[data-field="client-secret"]'))!,
      /\.local\/dev\.json/,
    );
    await page.goto(`http://localhost:${port}/`);
    assert.ok((await page.content()).includes(secret), "shown at localhost");
  },
  ENV,
  {
    devGeneratedSecret: true,
    browserArgs: [`--host-resolver-rules=MAP ${REBIND} 127.0.0.1`],
  },
);

browserTest(
  "the production setup guide never shows the secret and warns when no real provider is configured",
  async (live, browser) => {
    const page = await browser.newPage();
    await page.goto(`${live.origin}/`);
    const html = await page.content();
    assert.ok(!html.includes(live.config.client.secret!));
    const warnings = await page.locator(".warn li").allTextContents();
    assert.ok(warnings.some((w) => w.includes("No real sign-in provider")));
    assert.ok(warnings.some((w) => w.includes("OPERATOR_CONTACT")));
    assert.ok(!warnings.some((w) => w.includes("DEV_LOGIN")));
    const playground = await page.goto(`${live.origin}/playground`);
    assert.equal(playground!.status(), 404, "no playground in production");
  },
  { DEV_LOGIN: "0" },
);

browserTest(
  "consent names the client and lists the providers; cancel (a POST carrying our origin) returns access_denied with the state",
  async (live, browser) => {
    const page = await browser.newPage();
    const problems = watch(page, live.origin);
    const res = await page.goto(
      `${live.origin}${
        authorizeUrl({ redirect_uri: REDIRECT, state: "st-42", scope: "game" })
      }`,
    );
    // Same-origin: the Cancel form then carries our Origin, which the
    // server checks; other sites still get no referrer.
    assert.equal(res!.headers()["referrer-policy"], "same-origin");
    assert.match(
      res!.headers()["content-security-policy"]!,
      /frame-ancestors 'none'/,
    );
    assert.ok((await page.textContent("h1"))!.includes("ChatGPT"));
    const buttons = await page.locator(".buttons a, .buttons button")
      .allTextContents();
    assert.deepEqual(buttons.map((b) => b.trim()), [
      "Continue with Google",
      "Continue with Development sign-in",
      "Cancel",
    ]);
    // ChatGPT is not reachable from here: catch the navigation to it.
    let landed = "";
    await page.route("https://chatgpt.com/**", (route) => {
      landed = route.request().url();
      return route.fulfill({ status: 200, body: "ChatGPT" });
    });
    // Cancel is a form POST; what the server saw is checked through the result.
    const sent = page.waitForRequest((r) =>
      r.url() === `${live.origin}/oauth/authorize/cancel`
    );
    await page.click("text=Cancel");
    const request = await sent;
    assert.equal(request.method(), "POST");
    assert.equal(await request.headerValue("origin"), live.origin);
    await page.waitForURL((u) => u.hostname === "chatgpt.com");
    const back = new URL(landed);
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get("error"), "access_denied");
    assert.equal(back.searchParams.get("state"), "st-42");
    assert.equal(back.searchParams.get("iss"), live.origin);
    assert.deepEqual(problems, []);
  },
);

browserTest(
  "every page fits a 390 px phone without horizontal scrolling, with no console errors or CSP violations",
  async (live, browser) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const problems = watch(page, live.origin);
    const pages = [
      "/",
      "/privacy",
      "/leaderboard",
      "/playground",
      authorizeUrl({ redirect_uri: REDIRECT, state: "phone" }),
      "/login/dev/form?state=phone",
      `/oauth/authorize?client_id=unknown&redirect_uri=${REDIRECT}`,
    ];
    for (const path of pages) {
      const res = await page.goto(`${live.origin}${path}`);
      const csp = res!.headers()["content-security-policy"] ?? "";
      assert.ok(csp.includes("default-src 'none'"), `${path}: ${csp}`);
      assert.ok(!csp.includes("unsafe-inline"), `${path}: ${csp}`);
      const width = await page.evaluate<number>(
        "document.documentElement.scrollWidth",
      );
      assert.ok(width <= 390, `${path} is ${width} px wide`);
    }
    assert.deepEqual(problems, []);
  },
);

/** The first `selector` element's computed background and text colours. */
const colours = (selector: string) =>
  `(() => { const s = getComputedStyle(document.querySelector(${
    JSON.stringify(selector)
  })); return [s.backgroundColor, s.color]; })()`;

browserTest(
  "with a brand set, every page draws its name, loaded logo and colour (black text on yellow), with no console errors or CSP violations",
  async (live, browser) => {
    const page = await browser.newPage();
    const problems = watch(page, live.origin);
    // The colour: on the brand bar, and behind primary buttons, with the
    // text colour derived for contrast.
    await page.goto(`${live.origin}/privacy`);
    const bar = await page.evaluate<string[]>(colours(".brand-bar"));
    assert.deepEqual(bar, ["rgb(255, 212, 0)", "rgb(0, 0, 0)"]);
    await page.goto(`${live.origin}/playground`);
    const button = await page.evaluate<string[]>(colours("button.primary"));
    assert.deepEqual(button, ["rgb(255, 212, 0)", "rgb(0, 0, 0)"]);
    // /play last: leaving it while its session answer streams in would
    // count as a failed request.
    const pages = [
      "/",
      "/privacy",
      "/leaderboard",
      "/playground",
      authorizeUrl({ redirect_uri: REDIRECT, state: "brand" }),
      "/login/dev/form?state=brand",
      "/play",
    ];
    for (const path of pages) {
      await page.goto(`${live.origin}${path}`);
      const mark = page.locator(".brand-name").first();
      assert.equal(await mark.textContent(), "Acme Quiz", path);
      const logo = page.locator("img.brand-logo").first();
      await logo.waitFor();
      assert.ok(
        await page.evaluate<boolean>(
          `[...document.querySelectorAll("img.brand-logo")].every((img) => img.complete && img.naturalWidth > 0)`,
        ),
        `${path}: the logo loaded`,
      );
      assert.match(await page.title(), / · Acme Quiz$/, path);
      if (path === "/play") {
        await page.waitForSelector("#play-signin:not([hidden])");
      }
    }
    // Signed out, /play's session answer is a 401 by design.
    assert.deepEqual(
      problems.filter((p) => !/^401 for \S+\/play\/session$/.test(p)),
      [],
    );
  },
  {
    ...ENV,
    BRAND_NAME: "Acme Quiz",
    BRAND_COLOR: "#ffd400",
    BRAND_LOGO: LOGO_SVG_DATA_URL,
  },
);

/**
 * Words in the privacy table's cells that the browser broke across two
 * lines (a hyphen or slash is a fair place to wrap, so parts between them
 * count as words), with the viewport's width.
 */
const BROKEN_WORDS = `(() => {
  const broken = [];
  for (const cell of document.querySelectorAll(".prose td, .prose th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s\\-\\/–—]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return { broken, cells: document.querySelectorAll(".prose td").length };
})()`;

browserTest(
  "the privacy policy reads on a 390 px phone: no word in its table is broken across lines",
  async (live, browser) => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const problems = watch(page, live.origin);
    await page.goto(`${live.origin}/privacy`);
    const { broken, cells } = await page.evaluate<{
      broken: string[];
      cells: number;
    }>(BROKEN_WORDS);
    assert.ok(cells >= 18, `the table is there (${cells} cells)`);
    assert.deepEqual(broken, []);
    const width = await page.evaluate<number>(
      "document.documentElement.scrollWidth",
    );
    assert.ok(width <= 390, `${width} px wide`);
    assert.deepEqual(problems, []);
  },
);

browserTest(
  "the privacy policy and the leaderboard say what the code stores and show nicknames only",
  async (live, browser) => {
    const page = await browser.newPage();
    await page.goto(`${live.origin}/privacy`);
    const contact = page.locator('[data-field="contact"]');
    assert.equal(
      await contact.getAttribute("href"),
      "mailto:privacy@words.example.com",
    );
    const text = (await page.textContent("main"))!;
    for (
      const needle of [
        "Ask the GPT to delete your data",
        "30 days",
        "1 hour",
        "sealed",
        "Google",
        "email address",
      ]
    ) {
      assert.ok(text.includes(needle), `privacy policy mentions ${needle}`);
    }

    // Two players with points; the board shows nicknames, not user ids.
    await live.kv.set(["leaderboard", -30, 1, "dev:secret-id"], {
      name: "Word Wizard",
    });
    await live.kv.set(["leaderboard", -10, 2, "google:1234567"], {
      name: "player-7f3a",
    });
    await page.goto(`${live.origin}/leaderboard`);
    const rows = await page.locator("table.board tbody tr")
      .allTextContents();
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.includes("Word Wizard") && rows[0]!.includes("30"));
    const board = (await page.textContent("main"))!;
    assert.ok(!board.includes("dev:") && !board.includes("1234567"));
  },
);
