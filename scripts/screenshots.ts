/**
 * `deno task screenshots`: renders the setup guide, the consent page, `/play`
 * (in a round, after a guess) and the playground (after a round) at desktop
 * and phone widths into `docs/`.
 * Needs Chromium (`apt-get install chromium`, or set CHROMIUM_PATH).
 */
import { launch, type Page, serveApp } from "../tests/_browser.ts";
import { authorizeUrl } from "../tests/_flow.ts";

const OUT = new URL("../docs/", import.meta.url);
const SIZES = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

await using live = await serveApp({
  GOOGLE_CLIENT_ID: "example.apps.googleusercontent.com",
  GOOGLE_CLIENT_SECRET: "example-secret",
  OPERATOR_CONTACT: "privacy@words.example.com",
});
await using browser = await launch();
await Deno.mkdir(OUT, { recursive: true });

async function shoot(page: Page, name: string) {
  const path = new URL(name, OUT).pathname;
  await page.screenshot({ path, fullPage: !name.startsWith("setup-desktop") });
  // deno-lint-ignore no-console
  console.log(`wrote docs/${name}`);
}

for (const [size, viewport] of Object.entries(SIZES)) {
  const context = await browser.newContext({
    viewport,
    colorScheme: "light",
    deviceScaleFactor: size === "phone" ? 2 : 1,
  });
  const page = await context.newPage();

  await page.goto(`${live.origin}/`);
  await shoot(page, `setup-${size}.png`);

  await page.goto(
    `${live.origin}${authorizeUrl({ state: "screenshot", scope: "game" })}`,
  );
  await shoot(page, `consent-${size}.png`);

  await page.goto(`${live.origin}/play`);
  await page.click("text=Continue with Development sign-in");
  await page.fill("#login", `ada-${size}`);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#play-game:not([hidden])");
  await page.click("#play-categories button[data-category=animals]");
  await page.waitForSelector(".board[data-status=open]");
  await page.click(".board-clue");
  await page.waitForSelector(".board-clues li:nth-child(2)");
  await page.keyboard.type("zebra");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".board-verdict:not([hidden])");
  await shoot(page, `play-${size}.png`);

  await page.goto(`${live.origin}/playground`);
  await page.click("#signin");
  await page.click("text=Continue with Development sign-in");
  await page.fill("#login", "ada");
  await page.click("button[type=submit]");
  await page.waitForSelector("#token:not([hidden])");
  await page.click("#start");
  await page.waitForSelector("#clue:not([disabled])");
  await page.click("#clue");
  await page.waitForSelector("#log li:nth-child(3)");
  await page.fill("#guess", "zebra");
  await page.click("#send-guess");
  await page.waitForSelector("#log li:nth-child(4)");
  await shoot(page, `playground-${size}.png`);
  await context.close();
}
