/**
 * The floor `deno task loadtest` measures against: a bare Hono route on
 * Deno, `GET /api/words` with the same handler body as the service's, and
 * nothing else. Run alone (`PORT`), it is also the cold-start floor: how
 * soon a process that loads only Hono answers.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { CATEGORIES, WORDS } from "../game/words.ts";

/** A Hono app with `layers` in front of the service's `/api/words` handler. */
export function wordsRoute(layers: MiddlewareHandler[] = []): Hono {
  const app = new Hono();
  for (const layer of layers) app.use(layer);
  app.get("/api/words", (c) =>
    c.json({
      categories: CATEGORIES.map((name) => ({
        name,
        words: WORDS[name].length,
      })),
    }, 200));
  return app;
}

if (import.meta.main) {
  Deno.serve({
    hostname: "127.0.0.1",
    port: Number(Deno.env.get("PORT")),
    onListen: () => {},
  }, wordsRoute().fetch);
}
