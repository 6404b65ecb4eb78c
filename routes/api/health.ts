import { Hono } from "hono";
import type { Log } from "../../lib/log.ts";

/**
 * `GET /health`: 200 `{"status":"ok"}` when KV answers, else 503 — load
 * balancers and uptime checks read the status code.
 */
export function healthRoutes({ kv, log }: { kv: Deno.Kv; log: Log }): Hono {
  return new Hono().get("/health", async (c) => {
    try {
      await kv.get(["health"], { consistency: "eventual" });
      return c.json({ status: "ok" });
    } catch (err) {
      log("error", "health check: KV did not answer", { error: String(err) });
      c.header("Retry-After", "5");
      return c.json({ status: "unavailable" }, 503);
    }
  });
}
