/**
 * Where the guards apply (DESIGN.md §6, "Operating it" in the README):
 * the IP allowlist on machine endpoints, body limits, and rate limits on
 * the endpoints that write (the token endpoints count through
 * {@linkcode tokenLimit}, after client authentication).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { Config } from "../config.ts";
import {
  type AddressOf,
  allowlist,
  rateLimit,
  RateLimiter,
  refuseOverLimit,
} from "./_guards.ts";
import { isOAuthJsonPath } from "./_common.tsx";
import type { AccessClaims } from "../auth/tokens.ts";

interface LimitDeps {
  config: Config;
  limiter: RateLimiter;
}

/** What the per-address limits need besides. */
interface GuardDeps extends LimitDeps {
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
}

/** The rate-limit bucket of game moves; its windows are keyed by user. */
export const GAME_BUCKET = "game";
/** The rate-limit bucket of reads that cost KV calls; keyed by user too. */
export const READ_BUCKET = "read";
/** The reads counted in {@linkcode READ_BUCKET}. */
const READS = ["/api/leaderboard", "/api/score", "/api/me"];

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

/**
 * Applies the allowlist, body limits and the per-address rate limits. Must
 * run before the routes they protect are registered.
 */
export function applyGuards(
  app: Hono,
  { config, limiter, address }: GuardDeps,
): void {
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

  const { authorize } = config.rateLimits;
  if (authorize > 0) {
    // The sign-in leg is counted apart, at the same rate: each of its
    // callbacks makes a call to the provider with our client credentials.
    const signIn: [path: string, bucket: string][] = [
      ["/oauth/authorize", "authorize"],
      ["/login/*", "login"],
    ];
    for (const [path, bucket] of signIn) {
      app.use(
        path,
        rateLimit(limiter, {
          bucket,
          limit: authorize,
          windowSeconds: MINUTE,
          id: address,
          render: tooMany,
        }),
      );
    }
  }
}

/** Counts a token-endpoint request; answers the 429 when over the limit. */
export type TokenLimit = (
  c: Context,
  client: string | null,
) => Promise<void>;

/**
 * The limit of `/oauth/token` and `/oauth/revoke`, applied by those routes
 * once client authentication has run: per authenticated client and address,
 * and per address alone (`client` null) when authentication failed. Counting
 * a client only after its secret checked out means nobody can spend its
 * allowance by naming it, nor create buckets by inventing names; failed
 * attempts (guessing a secret) are limited per address.
 */
export function tokenLimit(
  { config, limiter, address }: GuardDeps,
): TokenLimit {
  const limit = config.rateLimits.token;
  return async function countToken(c, client) {
    if (limit <= 0) return;
    const refused = await refuseOverLimit(limiter, c, {
      bucket: "token",
      id: `${client ?? "?"}|${address(c)}`,
      limit,
      windowSeconds: MINUTE,
      render: tooMany,
    });
    if (refused) throw new HTTPException(429, { res: refused });
  };
}

/**
 * Rate-limits game moves, and apart from them the reads that cost KV calls
 * (leaderboard, score, player), per user; register after the bearer guard.
 */
export function applyGameLimit(
  app: Hono,
  { config, limiter }: LimitDeps,
): void {
  const perUser = (bucket: string, limit: number) =>
    rateLimit(limiter, {
      bucket,
      limit,
      windowSeconds: MINUTE,
      id: (c) => (c.get("user") as AccessClaims).sub,
      render: tooMany,
    });
  const { game, read } = config.rateLimits;
  if (game > 0) {
    // "/api/rounds/*" also matches "/api/rounds" itself: one registration, one count.
    app.use("/api/rounds/*", perUser(GAME_BUCKET, game));
  }
  if (read > 0) {
    // GET only: erasing one's data (DELETE /api/me) is never refused.
    const reads = perUser(READ_BUCKET, read);
    for (const path of READS) app.on("GET", path, reads);
  }
}
