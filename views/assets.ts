/**
 * The two static assets, `static/app.js` and `static/style.css`, and their
 * versioned URLs. The version is a hash of the bytes served, so a page always
 * names the exact file it was rendered with and browsers may cache it for a
 * year; a deploy changes the URL, not the cache.
 *
 * The files are imported as text modules (`with { type: "text" }`, stable
 * since Deno 2.8): they join the module graph like any source file, so they
 * are read once when the app loads, need no `--allow-read`, and travel with
 * the code to Deno Deploy. No request reads a file.
 *
 * @module
 */
import { createHash } from "node:crypto";
import APP_JS from "./static/app.js" with { type: "text" };
import STYLESHEET from "./static/style.css" with { type: "text" };
import BOARD_STYLESHEET from "./board/board.css" with { type: "text" };
import PLAY_JS from "./board/dist/play.js" with { type: "text" };
import PLAYGROUND_BOARD_JS from "./board/dist/playground.js" with {
  type: "text",
};

/** A static asset: its path, content type, body and versioned URL. */
export interface Asset {
  path: string;
  type: string;
  /** The file's bytes, exactly as served and hashed. */
  body: Uint8Array<ArrayBuffer>;
  /** `path?v=<version>`: what pages link to. */
  href: string;
  /** The first 12 base64url characters of the SHA-256 of `body`. */
  version: string;
}

/**
 * Describes an asset served at `path`, versioned by a hash of its content.
 *
 * @example
 * ```ts
 * const css = asset("/assets/x.css", "text/css; charset=utf-8", "p {}");
 * css.href; // "/assets/x.css?v=…" — another content, another href
 * ```
 */
export function asset(
  path: string,
  type: string,
  content: string | Uint8Array<ArrayBuffer>,
): Asset {
  const body = typeof content === "string"
    ? new TextEncoder().encode(content)
    : content;
  const version = createHash("sha256").update(body).digest("base64url")
    .slice(0, 12);
  return { path, type, body, version, href: `${path}?v=${version}` };
}

export const STYLE = asset(
  "/assets/style.css",
  "text/css; charset=utf-8",
  STYLESHEET,
);
export const SCRIPT = asset(
  "/assets/app.js",
  "text/javascript; charset=utf-8",
  APP_JS,
);

/** The board's stylesheet, for `/play` (the chat's board inlines it). */
export const BOARD_STYLE = asset(
  "/assets/board.css",
  "text/css; charset=utf-8",
  BOARD_STYLESHEET,
);

/** `/play`'s script: the board and its REST transport, bundled. */
export const PLAY_SCRIPT = asset(
  "/assets/play.js",
  "text/javascript; charset=utf-8",
  PLAY_JS,
);

/** The playground's board, drawing what the playground's requests answer. */
export const PLAYGROUND_BOARD_SCRIPT = asset(
  "/assets/playground-board.js",
  "text/javascript; charset=utf-8",
  PLAYGROUND_BOARD_JS,
);
