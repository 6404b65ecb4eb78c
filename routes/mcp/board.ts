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
 * once with the code, never per request.
 *
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/server";
import BOARD_SCRIPT from "../../views/board/dist/mcp_board.js" with {
  type: "text",
};
import BOARD_STYLE from "../../views/board/board.css" with { type: "text" };

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

/** The board's HTML document, built once. */
export const BOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Words with Chat</title>
<style>
${rawText(BOARD_STYLE, "style")}</style>
</head>
<body>
<main id="board"></main>
<script type="module">
${rawText(BOARD_SCRIPT, "script")}</script>
</body>
</html>
`;

/** Registers the board resource on one request's server. */
export function registerBoard(server: McpServer): void {
  server.registerResource(
    "board",
    BOARD_URI,
    {
      title: "Words with Chat board",
      description:
        "The game board: the category, a slot per letter, the clues so far, attempts left and points; the word, points and score once the round is over; the player's leaderboard place.",
      mimeType: BOARD_MIME,
      _meta: { ui: BOARD_UI_META },
    },
    (uri) => ({
      contents: [{
        uri: uri.href,
        mimeType: BOARD_MIME,
        text: BOARD_HTML,
        _meta: { ui: BOARD_UI_META },
      }],
    }),
  );
}
