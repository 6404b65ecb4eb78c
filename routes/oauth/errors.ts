/**
 * The one place OAuth errors are drawn: RFC 6749 §5.2 JSON
 * `{ error, error_description }`. The wire gets a generic description; the
 * detailed reason goes to the log only.
 *
 * @module
 */
import type { Context, ErrorHandler } from "hono";
import { countRefusal } from "../../lib/telemetry.ts";
import { OAuthError } from "../../auth/oauth_error.ts";
import type { Log } from "../../lib/log.ts";
import { RETRY_AFTER_SECONDS } from "../../lib/kv.ts";
import {
  type Problem,
  problemHeaders,
  problemOf,
  statusOf,
} from "../_common.ts";

/**
 * Renders an OAuth error as JSON (RFC 6749 §5.2). `status` overrides the
 * usual one where HTTP has a better code (413 for a body too large, 429 for
 * a rate limit). `invalid_client` carries `WWW-Authenticate: Basic` (§5.2:
 * the client may retry with HTTP Basic).
 */
export function oauthErrorResponse(
  c: Context,
  err: OAuthError,
  status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503 =
    err.status,
): Response {
  if (err.code === "invalid_client") {
    c.header("WWW-Authenticate", 'Basic realm="oauth", charset="UTF-8"');
  }
  if (err.code === "temporarily_unavailable" && status === 503) {
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  }
  return c.json(
    { error: err.code, error_description: err.description },
    status,
  );
}

/** A problem of the OAuth sub-app, as the OAuth error that says it. */
function oauthErrorOf(problem: Problem): OAuthError {
  switch (problem.kind) {
    case "forbidden":
      return new OAuthError(
        "access_denied",
        "This address may not call this endpoint.",
      );
    case "too_large":
      return new OAuthError(
        "invalid_request",
        "The request body is too large.",
      );
    case "too_many":
      return new OAuthError(
        "temporarily_unavailable",
        `Too many requests; retry in ${problem.retryAfter} seconds.`,
      );
    case "method_not_allowed":
      return new OAuthError(
        "invalid_request",
        `Use ${problem.allow.join(" or ")}.`,
      );
    case "not_found":
      return new OAuthError("invalid_request", "No such endpoint.");
    case "bad_request":
      return new OAuthError("invalid_request", problem.message);
    case "unavailable":
      return new OAuthError(
        "temporarily_unavailable",
        "The service is briefly unavailable; try again in a few seconds.",
      );
    case "server_error":
      return new OAuthError(
        "server_error",
        "Something went wrong on our side.",
      );
  }
}

/**
 * The OAuth sub-app's error handler: an `OAuthError` is logged with its
 * reason and drawn as is; every other problem as the OAuth error that says
 * it, with the status HTTP has for it.
 */
export function oauthErrors(log: Log): ErrorHandler {
  return function handleError(err, c) {
    if (err instanceof OAuthError) {
      // A wrong secret for our own client is how a misconfigured GPT shows
      // itself: worth an operator's attention, unlike random probes.
      const level = err.reason === "wrong client secret" ? "warn" : "info";
      log(level, "oauth request refused", {
        route: c.req.routePath,
        error: err.code,
        reason: err.reason,
      });
      countRefusal("oauth", err.code);
      return oauthErrorResponse(c, err);
    }
    const problem = problemOf(err, c, log);
    problemHeaders(c, problem);
    return oauthErrorResponse(c, oauthErrorOf(problem), statusOf(problem));
  };
}
