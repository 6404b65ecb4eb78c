/**
 * How every page is sent: its CSP, its referrer policy.
 *
 * @module
 */
import type { Context } from "hono";
import type { HtmlEscapedString } from "hono/utils/html";
import { jsx } from "hono/jsx";
import { BrandContext, DEFAULT_BRAND } from "../../views/brand.ts";

/**
 * Renders a page with a strict Content-Security-Policy: scripts only from
 * our own `/assets/app.js` (and only on pages that ask for it, never
 * inline), styles only from our own stylesheet, never framed (clickjacking
 * on sign-in pages), no referrer. `formAction` adds origins a form may
 * reach, including through redirects (browsers apply form-action to them).
 */
export function renderPage(
  c: Context,
  page: HtmlEscapedString | Promise<HtmlEscapedString>,
  options: {
    status?: 200 | 400 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 502 | 503;
    formAction?: string[];
    /** The page's referrer policy; it must match the page's `<meta>`. */
    referrer?: ReferrerPolicy;
    /** The page loads `/assets/app.js` (and may call our own API). */
    script?: boolean;
  } = {},
): Response | Promise<Response> {
  const formAction = ["'self'", ...(options.formAction ?? [])].join(" ");
  const script = options.script
    ? "script-src 'self'; connect-src 'self'; "
    : "";
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; ${script}style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
  );
  if (options.referrer) c.header("Referrer-Policy", options.referrer);
  // The layout reads the brand from this context (views/brand.ts).
  // A node, rendered by c.html in its own render context (never the
  // process-wide one, which concurrent requests would share).
  const branded = jsx(BrandContext.Provider, {
    value: c.get("brand") ?? DEFAULT_BRAND,
    children: page,
  });
  return c.html(branded.toString(), options.status ?? 200);
}
