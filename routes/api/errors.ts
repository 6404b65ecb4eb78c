/**
 * The one place API errors are drawn: JSON `{ error, message }`, for the
 * routes' own answers ({@linkcode apiError}) and for every problem the API
 * sub-app meets ({@linkcode renderApiProblem}).
 *
 * @module
 */
import type { Context } from "hono";
import {
  MAX_BODY_BYTES,
  type Problem,
  problemHeaders,
  statusOf,
} from "../_common.ts";

/** Renders an API error: JSON `{ error, message }` and any `extra` members. */
export function apiError(
  c: Context,
  status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): Response {
  return c.json({ error, message, ...extra }, status);
}

/** Draws a problem of the API sub-app (or of a program's request nowhere). */
export function renderApiProblem(c: Context, problem: Problem): Response {
  problemHeaders(c, problem);
  const status = statusOf(problem);
  switch (problem.kind) {
    case "forbidden":
      return apiError(
        c,
        status,
        "forbidden",
        "This address may not call this service.",
      );
    case "too_large":
      return apiError(
        c,
        status,
        "payload_too_large",
        `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
      );
    case "too_many":
      return apiError(
        c,
        status,
        "rate_limited",
        `Too many requests; retry in ${problem.retryAfter} seconds.`,
      );
    case "method_not_allowed":
      return apiError(
        c,
        status,
        "method_not_allowed",
        `Use ${problem.allow.join(" or ")}.`,
      );
    case "not_found":
      return apiError(c, status, "not_found", "No such route.");
    case "bad_request":
      return apiError(
        c,
        status,
        "invalid_request",
        problem.message,
        problem.field ? { field: problem.field } : {},
      );
    case "unavailable":
      return apiError(
        c,
        status,
        "temporarily_unavailable",
        "The service is briefly unavailable; try again in a few seconds.",
      );
    case "server_error":
      return apiError(
        c,
        status,
        "server_error",
        "Something went wrong on our side.",
      );
  }
}
