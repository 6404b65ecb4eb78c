/**
 * The two static assets and their versioned URLs. The version is a hash of
 * the content, so a page always names the exact file it was rendered with and
 * browsers may cache it for a year; a deploy changes the URL, not the cache.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { APP_JS } from "./app_js.ts";
import { STYLESHEET } from "./style.ts";

/** A static asset: its path, content type, body and versioned URL. */
export interface Asset {
  path: string;
  type: string;
  body: string;
  /** `path?v=<hash of body>`: what pages link to. */
  href: string;
  version: string;
}

function asset(path: string, type: string, body: string): Asset {
  const version = createHash("sha256").update(body).digest("base64url").slice(
    0,
    12,
  );
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
