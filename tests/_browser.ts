/**
 * Real HTTP and a real browser: the whole app served on loopback over an
 * in-memory KV, and Debian's Chromium driven by `playwright-core`.
 */
import { type Browser, chromium, type Page } from "./_deps/playwright.ts";

export type { Browser, Page };
import { createApp } from "../app/mod.ts";
import { type Config, type Env, loadConfig } from "../config.ts";
import { testEnv } from "./_app.ts";
import { keyring } from "./_keys.ts";

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Whether a browser is installed; CI installs it, so there it must be. */
export function haveChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

export interface LiveApp {
  origin: string;
  config: Config;
  kv: Deno.Kv;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves the whole app on 127.0.0.1 with `PUBLIC_URL` set to its own origin. */
export async function serveApp(
  env: Env = {},
  options: { devGeneratedSecret?: boolean } = {},
): Promise<LiveApp> {
  const kv = await Deno.openKv(":memory:");
  let handler: Deno.ServeHandler = () => new Response(null, { status: 503 });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req, info) => handler(req, info),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const config = loadConfig(testEnv({ PUBLIC_URL: origin, ...env }));
  const app = createApp({
    config,
    kv,
    now: Date.now,
    fetch: () =>
      Promise.reject(new TypeError("no upstream from the browser tests")),
    log: () => {},
    keyring,
    devGeneratedSecret: options.devGeneratedSecret,
  });
  handler = (req, info) => app.fetch(req, info);
  return {
    origin,
    config,
    kv,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      kv.close();
    },
  };
}

/**
 * Launches headless Chromium the way this machine allows it, with `args`
 * added (`--host-resolver-rules=…` to point a name at loopback).
 */
export async function launch(args: string[] = []): Promise<
  Browser & { [Symbol.asyncDispose](): Promise<void> }
> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
  });
  return Object.assign(browser, {
    [Symbol.asyncDispose]: () => browser.close(),
  });
}

/**
 * Records what a page complains about: console errors and warnings
 * (Chromium reports every CSP violation there), uncaught exceptions, and
 * subresources of our own origin that fail or answer 4xx/5xx.
 */
export function watch(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    // A page that is itself an error (a 400 sign-in page) logs "Failed to
    // load resource"; failing subresources are caught below instead.
    if (m.text().startsWith("Failed to load resource")) return;
    if (m.type() === "error" || m.type() === "warning") {
      problems.push(`console ${m.type()}: ${m.text()}`);
    }
  });
  page.on("response", (r) => {
    if (
      r.url().startsWith(origin) && r.status() >= 400 &&
      r.request().resourceType() !== "document"
    ) {
      problems.push(`${r.status()} for ${r.url()}`);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (r.url().startsWith(origin)) {
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    }
  });
  return problems;
}
