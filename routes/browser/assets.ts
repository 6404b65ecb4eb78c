/**
 * The pages' stylesheets and scripts, under `/assets/`.
 *
 * @module
 */
import { Hono } from "hono";
import {
  BOARD_STYLE,
  PLAY_SCRIPT,
  PLAYGROUND_BOARD_SCRIPT,
  SCRIPT,
  STYLE,
} from "../../views/assets.ts";

/** Serves the stylesheet and the script. */
export function assetRoutes(): Hono {
  const app = new Hono();
  for (
    const { path, type, body, version } of [
      STYLE,
      SCRIPT,
      BOARD_STYLE,
      PLAY_SCRIPT,
      PLAYGROUND_BOARD_SCRIPT,
    ]
  ) {
    app.get(path, (c) => {
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
