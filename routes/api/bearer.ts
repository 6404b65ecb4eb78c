/**
 * The bearer guard for `/api/*` (RFC 6750).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { countRefusal } from "../../lib/telemetry.ts";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import { OAuthError } from "../../auth/oauth_error.ts";
import { apiError } from "./errors.ts";
import type { AccessTokens } from "../../auth/access.ts";
import type { AccessClaims } from "../../auth/tokens.ts";

/** Hono variables set by the bearer guard. */
export interface ApiEnv {
  Variables: {
    user: AccessClaims;
    /** The `WWW-Authenticate` challenge, for a refusal after the guard. */
    challenge: string;
  };
}

/**
 * Refuses a token as revoked or invalid (RFC 6750 §3.1); the body never says
 * which check failed.
 */
export function refuseToken(c: Context, challenge: string) {
  c.header(
    "WWW-Authenticate",
    `${challenge}, error="invalid_token", error_description="The access token is invalid or expired"`,
  );
  return c.json({
    error: "invalid_token",
    message: "The access token is invalid or expired. Sign in again.",
  }, 401);
}

const BEARER = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i;

/**
 * The bearer guard (RFC 6750). A missing or non-Bearer Authorization header
 * gets 401 saying how to send the token; an invalid, expired, revoked or
 * wrong-purpose token gets 401 `invalid_token`, and the body never says which
 * check failed.
 */
export function bearerAuth(
  access: AccessTokens,
  config: Config,
  log: Log,
): MiddlewareHandler<ApiEnv> {
  const challenge =
    `Bearer realm="api", resource_metadata="${config.publicUrl}/.well-known/oauth-protected-resource"`;
  return async function bearer(c, next) {
    const header = c.req.header("authorization");
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) {
      // No bearer credentials at all (RFC 6750 §3.1: no error code). Say how
      // to send them; a present but mangled header is the likelier mistake.
      if (header !== undefined) {
        log("info", "bearer token refused", {
          reason: "Authorization header is not 'Bearer <token>'",
        });
      }
      countRefusal(
        "api",
        header === undefined ? "no_token" : "malformed_authorization",
      );
      c.header("WWW-Authenticate", challenge);
      return apiError(
        c,
        401,
        "unauthorized",
        header === undefined
          ? "Sign in first: send Authorization: Bearer <access token>."
          : "The Authorization header must be: Bearer <access token>.",
      );
    }
    try {
      c.set("user", await access.authenticate(match[1]!));
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      log("info", "bearer token refused", { reason: err.reason });
      countRefusal("api", err.code);
      return refuseToken(c, challenge);
    }
    c.set("challenge", challenge);
    return await next();
  };
}
