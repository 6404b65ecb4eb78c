import { Hono } from "hono";
import type { Deps } from "../app/services.ts";

/**
 * `GET /health`: 200 `{"status":"ok"}` when KV answers, else 503 — load
 * balancers and uptime checks read the status code.
 */
export function healthRoutes({ kv, log }: Pick<Deps, "kv" | "log">): Hono {
  return new Hono().get("/health", async (c) => {
    c.header("Cache-Control", "no-store");
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
