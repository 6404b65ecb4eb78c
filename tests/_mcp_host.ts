/**
 * A stand-in MCP Apps host for the board, as chat clients frame it: a page
 * at https://host.test/ (answered by Playwright's routing; no server) that
 * puts the board's `ui://` document in a sandboxed iframe (`allow-scripts`
 * only, an opaque origin) under the CSP its `_meta.ui.csp` asks for, and
 * speaks the host side of the bridge with the MCP Apps SDK's own
 * `AppBridge` (bundled for the page from tests/_deps/ext_apps.ts). The
 * board's `tools/call` goes from the page to the official MCP client on the
 * Deno side, which calls the real `/mcp` with a token; the model's tool
 * calls are made the same way and handed to the board as
 * `ui/notifications/tool-input` and `tool-result`. Every message the page
 * sends the board is kept, to search for the word.
 */
import { fileURLToPath } from "node:url";
import type { Client } from "./_deps/mcp.ts";
import type { Browser, Page } from "./_browser.ts";
import { BOARD_URI } from "../routes/mcp/board.ts";

export const HOST_ORIGIN = "https://host.test";
const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The SDK's `AppBridge` and `PostMessageTransport`, bundled for a page. */
async function bundleAppBridge(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--lock=tests/deno.lock",
      "--frozen",
      "--platform",
      "browser",
      "tests/_deps/ext_apps.ts",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/** The resource's `_meta.ui.csp`. */
export interface UiCsp {
  connectDomains?: string[];
  resourceDomains?: string[];
  frameDomains?: string[];
  baseUriDomains?: string[];
}

/**
 * The policy a host puts on a view from its declared domains, as the MCP
 * Apps reference host does: inline script and style (the document is the
 * bundle), and from elsewhere only what is declared; nothing declared,
 * nothing reachable.
 */
export function cspFor(csp: UiCsp): string {
  const from = (domains: string[] | undefined, base: string) =>
    [base, ...(domains ?? [])].join(" ");
  const only = (domains: string[] | undefined) =>
    domains?.length ? domains.join(" ") : "'none'";
  return [
    "default-src 'none'",
    from(csp.resourceDomains, "script-src 'unsafe-inline'"),
    from(csp.resourceDomains, "style-src 'unsafe-inline'"),
    from(csp.resourceDomains, "img-src data:"),
    `font-src ${only(csp.resourceDomains)}`,
    `media-src ${only(csp.resourceDomains)}`,
    `connect-src ${only(csp.connectDomains)}`,
    `frame-src ${only(csp.frameDomains)}`,
    `base-uri ${only(csp.baseUriDomains)}`,
    "form-action 'none'",
  ].join("; ");
}

const HOST_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Test host</title>
<style>
  body { margin: 0; padding: 16px; background: #eef1f5; font-family: system-ui, sans-serif; }
  iframe { display: block; border: 1px solid #c8ced6; border-radius: 12px; background: #fff; height: 560px; }
</style>
</head>
<body data-capabilities="CAPABILITIES">
<iframe sandbox="allow-scripts" title="Words with Chat board"></iframe>
<script type="module" src="/host.js"></script>
</body>
</html>
`;

const HOST_JS = `
import { AppBridge, PostMessageTransport } from "./bridge.js";
const frame = document.querySelector("iframe");
const sent = [];
const contexts = [];
const target = {
  postMessage(message, origin) {
    sent.push(JSON.stringify(message));
    frame.contentWindow.postMessage(message, origin);
  },
};
const bridge = new AppBridge(
  null,
  { name: "test-host", version: "1.0.0" },
  JSON.parse(document.body.dataset.capabilities),
  { hostContext: { theme: "light", platform: "web", displayMode: "inline" } },
);
bridge.oncalltool = (params) => globalThis.mcpCallTool(params);
bridge.onupdatemodelcontext = async (params) => {
  contexts.push(params);
  return {};
};
bridge.onsizechange = ({ height }) => {
  if (height) frame.style.height = height + 2 + "px";
};
const initialized = new Promise((resolve) => {
  bridge.oninitialized = resolve;
});
globalThis.host = {
  sent,
  contexts,
  async load(html, width) {
    frame.style.width = width + "px";
    await bridge.connect(new PostMessageTransport(target, frame.contentWindow));
    frame.srcdoc = html;
    await initialized;
  },
  async show(args, result) {
    await bridge.sendToolInput({ arguments: args });
    await bridge.sendToolResult(result);
  },
};
`;

/** What a test holds of the host page. */
export interface BoardHost {
  page: Page;
  /** Hands the board a tool call the model made and its result. */
  show(args: Record<string, unknown>, result: unknown): Promise<void>;
  /** Every message the host has sent the board so far, as JSON. */
  sent(): Promise<string[]>;
  /** What the board told the model (`ui/update-model-context`). */
  contexts(): Promise<{ content?: { text?: string }[] }[]>;
}

/**
 * Opens the host page in a new page of `browser`, with the board read
 * through `client` (`resources/read`) framed `width` pixels wide.
 */
export async function openBoardHost(
  browser: Browser,
  client: Client,
  {
    width = 390,
    viewport = { width: 1280, height: 900 },
    capabilities = { serverTools: {}, updateModelContext: { text: {} } },
  }: {
    width?: number;
    viewport?: { width: number; height: number };
    /** The host's `hostCapabilities`: without `serverTools`, no tools/call. */
    capabilities?: Record<string, unknown>;
  } = {},
): Promise<BoardHost> {
  const bridge = await bundleAppBridge();
  const page = await browser.newPage({ viewport, colorScheme: "light" });
  const files: Record<string, [string, string]> = {
    "/": [
      "text/html; charset=utf-8",
      HOST_HTML.replace(
        "CAPABILITIES",
        JSON.stringify(capabilities).replaceAll('"', "&quot;"),
      ),
    ],
    "/host.js": ["text/javascript", HOST_JS],
    "/bridge.js": ["text/javascript", bridge],
  };
  await page.route(`${HOST_ORIGIN}/**`, (route) => {
    const file = files[new URL(route.request().url()).pathname];
    return file
      ? route.fulfill({ status: 200, contentType: file[0], body: file[1] })
      : route.fulfill({ status: 404, body: "" });
  });
  await page.exposeFunction(
    "mcpCallTool",
    (params: { name: string; arguments?: Record<string, unknown> }) =>
      client.callTool(params),
  );
  await page.goto(`${HOST_ORIGIN}/`);
  const read = await client.readResource({ uri: BOARD_URI });
  const content = read.contents[0] as {
    text: string;
    _meta?: { ui?: { csp?: UiCsp } };
  };
  const policy = cspFor(content._meta?.ui?.csp ?? {});
  const html = content.text.replace(
    "<head>",
    `<head>\n<meta http-equiv="Content-Security-Policy" content="${policy}">`,
  );
  await page.evaluate(
    ([html, width]) =>
      (globalThis as unknown as {
        host: { load(h: string, w: number): Promise<void> };
      }).host.load(html, width),
    [html, width] as const,
  );
  type Host = {
    host: {
      sent: string[];
      contexts: unknown[];
      show(a: unknown, r: unknown): Promise<void>;
    };
  };
  return {
    page,
    async show(args, result) {
      await page.evaluate(
        ([a, r]) => (globalThis as unknown as Host).host.show(a, r),
        [args, result] as const,
      );
    },
    sent: () =>
      page.evaluate(() => [...(globalThis as unknown as Host).host.sent]),
    contexts: () =>
      page.evaluate(() =>
        [...(globalThis as unknown as Host).host.contexts] as {
          content?: { text?: string }[];
        }[]
      ),
  };
}
