/**
 * The board as an MCP Apps resource (SEP-1865): one `ui://` HTML document,
 * `text/html;profile=mcp-app`, that hosts which draw views (ChatGPT, Claude,
 * VS Code and other MCP Apps hosts) frame beside the results of the play
 * tools, which name it in `_meta.ui.resourceUri`.
 *
 * The document is self-contained: the board's script (views/board/, bundled
 * by `deno task board` into views/board/dist/mcp_board.js) and its stylesheet
 * are inlined, with no font, image or script from anywhere else, so its
 * content-security policy declares no domain at all: no `connectDomains`
 * (the board reaches the game only through the host's `tools/call`), no
 * `resourceDomains`, no `frameDomains`. Both files are text modules: read
 * once with the code, never per request. The operator's brand is inlined
 * too: its colour rules in the `<style>`, its logo as a `data:` URL (which
 * hosts' default policy, `img-src 'self' data:`, allows without a domain).
 *
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/server";
import BOARD_SCRIPT from "../../views/board/dist/mcp_board.js" with {
  type: "text",
};
import BOARD_STYLE from "../../views/board/board.css" with { type: "text" };
import { type BrandAssets, DEFAULT_BRAND } from "../../views/brand.ts";

/** The board's resource URI, named by the play tools. */
export const BOARD_URI = "ui://words-with-chat/board.html";
/** The MCP Apps HTML profile. */
export const BOARD_MIME = "text/html;profile=mcp-app";

/**
 * The resource's `_meta.ui`: a policy that allows no origin beyond the
 * document itself, and a visible frame around the board.
 */
export const BOARD_UI_META = {
  csp: { connectDomains: [], resourceDomains: [], frameDomains: [] },
  prefersBorder: true,
} as const;

/**
 * What the play tools carry in their `_meta`: the MCP Apps key, and the
 * Apps SDK's older `openai/outputTemplate` for ChatGPT clients that read
 * only that one (ChatGPT reads `ui.resourceUri` first), with
 * `openai/widgetAccessible` so the board may call tools there too.
 */
export const BOARD_TOOL_META = {
  ui: { resourceUri: BOARD_URI },
  "openai/outputTemplate": BOARD_URI,
  "openai/widgetAccessible": true,
} as const;

/** `text` fit to sit inside an HTML raw-text element named `tag`. */
function rawText(text: string, tag: "script" | "style"): string {
  // The one sequence that would end the element early; the sources never
  // hold it, and a build that put it there must fail loudly, not ship.
  if (text.toLowerCase().includes(`</${tag}`)) {
    throw new Error(`the board's ${tag} contains "</${tag}"`);
  }
  return text;
}

/** `text` with HTML's special characters escaped, for text and attributes. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The brand's heading above the board: the logo (if any) and the name. */
const BRAND_HEAD_STYLE = `.board-brand {
  display: flex;
  align-items: center;
  gap: 0.5rem;
  margin: 0 0 0.5rem;
  padding: 0.4rem 0.6rem;
  border-radius: 0.4rem;
  font-weight: 600;
  color: var(--ink);
}
.board-brand img {
  height: 1.5rem;
  width: auto;
  max-width: 6rem;
}
.board-brand.brand-bar {
  background: var(--brand);
  color: var(--brand-fg);
}
`;

/**
 * The board's HTML document for a brand; built once per app, never per
 * request.
 */
export function boardHtml(brand: BrandAssets): string {
  const name = escapeHtml(brand.brand.name);
  const logo = brand.logoDataUrl
    ? `<img src="${escapeHtml(brand.logoDataUrl)}" alt="">`
    : "";
  const bar = brand.brand.color ? " brand-bar" : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
<style>
${rawText(BOARD_STYLE, "style")}${BRAND_HEAD_STYLE}${
    rawText(brand.css, "style")
  }</style>
</head>
<body>
<header class="board-brand${bar}">${logo}<span>${name}</span></header>
<main id="board"></main>
<script type="module">
${rawText(BOARD_SCRIPT, "script")}</script>
</body>
</html>
`;
}

/** The board with the service's own brand. */
export const BOARD_HTML: string = boardHtml(DEFAULT_BRAND);

/**
 * Registers the board resource on one request's server; `html` is the
 * branded document (see {@linkcode boardHtml}).
 */
export function registerBoard(
  server: McpServer,
  html = BOARD_HTML,
  name = "Words with Chat",
): void {
  server.registerResource(
    "board",
    BOARD_URI,
    {
      title: `${name} board`,
      description:
        "The game board: the category, a slot per letter, the clues so far, attempts left and points; the word, points and score once the round is over; the player's leaderboard place.",
      mimeType: BOARD_MIME,
      _meta: { ui: BOARD_UI_META },
    },
    (uri) => ({
      contents: [{
        uri: uri.href,
        mimeType: BOARD_MIME,
        text: html,
        _meta: { ui: BOARD_UI_META },
      }],
    }),
  );
}
