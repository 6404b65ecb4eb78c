import { Hono } from "hono";
import type { Log } from "../../lib/log.ts";
import { type Kv, RETRY_AFTER_SECONDS } from "../../lib/kv.ts";

/**
 * `GET /health`: 200 `{"status":"ok"}` when KV answers, else 503 — load
 * balancers and uptime checks read the status code.
 */
export function healthRoutes({ kv, log }: { kv: Kv; log: Log }): Hono {
  return new Hono().get("/health", async (c) => {
    try {
      await kv.get(["health"], { consistency: "eventual" });
      return c.json({ status: "ok" });
    } catch (err) {
      log("error", "health check: KV did not answer", { error: String(err) });
      c.header("Retry-After", String(RETRY_AFTER_SECONDS));
      return c.json({ status: "unavailable" }, 503);
    }
  });
}
