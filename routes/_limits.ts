/**
 * Where the guards apply (DESIGN.md §6, "Operating it" in the README):
 * the IP allowlist on machine endpoints, body limits, and rate limits on
 * the endpoints that write.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Config } from "../config.ts";
import { allowlist, clientAddress, rateLimit, RateLimiter } from "./_guards.ts";
import { isOAuthJsonPath } from "./_http.tsx";
import type { AccessClaims } from "../auth/tokens.ts";

interface LimitDeps {
  config: Config;
  limiter: RateLimiter;
}

/** The rate-limit bucket of game moves; its windows are keyed by user. */
export const GAME_BUCKET = "game";

/** Largest request body anywhere: OAuth forms and game moves are tiny. */
export const MAX_BODY_BYTES = 16 * 1024;
const MINUTE = 60;

function tooMany(c: Context, retryAfter: number): Response {
  c.header("Cache-Control", "no-store");
  const message = `Too many requests; retry in ${retryAfter} seconds.`;
  return c.req.path.startsWith("/oauth/")
    ? c.json(
      { error: "temporarily_unavailable", error_description: message },
      429,
    )
    : c.json({ error: "rate_limited", message }, 429);
}

/** The client named in an HTTP Basic header, if any (the body is not read here). */
function basicClient(c: Context): string {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,512})$/i.exec(
    c.req.header("authorization") ?? "",
  );
  if (!match) return "-";
  try {
    return atob(match[1]!).split(":")[0] ?? "-";
  } catch {
    return "-";
  }
}

/**
 * Applies the allowlist, body limits and the per-address rate limits. Must
 * run before the routes they protect are registered.
 */
export function applyGuards(app: Hono, { config, limiter }: LimitDeps): void {
  const address = clientAddress(config.trustProxyHeader);
  if (config.ipAllowlist) {
    // Never on /oauth/authorize: a person's browser calls it.
    const guard = allowlist(config.ipAllowlist, address, (c) => {
      c.header("Cache-Control", "no-store");
      return isOAuthJsonPath(c.req.path)
        ? c.json({
          error: "access_denied",
          error_description: "This address may not call this endpoint.",
        }, 403)
        : c.json({
          error: "forbidden",
          message: "This address may not call this service.",
        }, 403);
    });
    for (const path of ["/api/*", "/oauth/token", "/oauth/revoke"]) {
      app.use(path, guard);
    }
  }
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => {
      c.header("Cache-Control", "no-store");
      return isOAuthJsonPath(c.req.path)
        ? c.json({
          error: "invalid_request",
          error_description: "The request body is too large.",
        }, 413)
        : c.json({
          error: "payload_too_large",
          message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
        }, 413);
    },
  });
  for (const path of ["/api/*", "/oauth/*"]) app.use(path, limitBody);

  const { token, authorize } = config.rateLimits;
  if (authorize > 0) {
    app.use(
      "/oauth/authorize",
      rateLimit(limiter, {
        bucket: "authorize",
        limit: authorize,
        windowSeconds: MINUTE,
        id: address,
        render: tooMany,
      }),
    );
  }
  if (token > 0) {
    const limited = rateLimit(limiter, {
      bucket: "token",
      limit: token,
      windowSeconds: MINUTE,
      id: (c) => `${basicClient(c)}|${address(c)}`,
      render: tooMany,
    });
    app.use("/oauth/token", limited);
    app.use("/oauth/revoke", limited);
  }
}

/** Rate-limits game moves per user; register after the bearer guard. */
export function applyGameLimit(
  app: Hono,
  { config, limiter }: LimitDeps,
): void {
  if (config.rateLimits.game <= 0) return;
  const limited = rateLimit(limiter, {
    bucket: GAME_BUCKET,
    limit: config.rateLimits.game,
    windowSeconds: MINUTE,
    id: (c) => (c.get("user") as AccessClaims).sub,
    render: tooMany,
  });
  // "/api/rounds/*" also matches "/api/rounds" itself: one registration, one count.
  app.use("/api/rounds/*", limited);
}
