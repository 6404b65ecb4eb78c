/**
 * The pages' stylesheets and scripts, under `/assets/`.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import {
  type Asset,
  BOARD_STYLE,
  PLAY_SCRIPT,
  PLAYGROUND_BOARD_SCRIPT,
  SCRIPT,
  STYLE,
} from "../../views/assets.ts";
import { DEFAULT_BRAND } from "../../views/brand.ts";

/**
 * Serves the stylesheets and the scripts, and the brand's stylesheet and
 * logo (built once by `composeApp`, found on the request's context).
 */
export function assetRoutes(): Hono {
  const app = new Hono();
  const fixed = (asset: Asset) => () => asset;
  const routes: [path: string, assetOf: (c: Context) => Asset | null][] = [
    ...[STYLE, SCRIPT, BOARD_STYLE, PLAY_SCRIPT, PLAYGROUND_BOARD_SCRIPT].map((
      a,
    ) => [a.path, fixed(a)] as [string, () => Asset]),
    [DEFAULT_BRAND.style.path, (c) => (c.get("brand") ?? DEFAULT_BRAND).style],
    ["/assets/logo", (c) => (c.get("brand") ?? DEFAULT_BRAND).logo],
  ];
  for (const [path, assetOf] of routes) {
    app.get(path, (c) => {
      const asset = assetOf(c);
      if (asset === null) return c.notFound();
      const { type, body, version } = asset;
      // Pages link to `?v=<content hash>`: that URL never changes meaning.
      c.header(
        "Cache-Control",
        c.req.query("v") === version
          ? "public, max-age=31536000, immutable"
          : "public, max-age=300",
      );
      c.header("Content-Type", type);
      return c.body(body);
    });
  }
  return app;
}
