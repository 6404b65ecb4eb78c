/**
 * The one place MCP errors are drawn: a JSON-RPC 2.0 error object with no
 * `id` (the request could not be read as one), for every problem the MCP
 * sub-app meets ({@linkcode renderMcpProblem}) and its guards' own refusals
 * ({@linkcode rpcError}).
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

/** JSON-RPC 2.0 error codes (§5.1), and the server-defined range for the rest. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  internalError: -32603,
  /** Server-defined: refused before any method ran (origin, address, rate). */
  refused: -32000,
} as const;

/** Renders a JSON-RPC error response with HTTP status `status`. */
export function rpcError(
  c: Context,
  status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503,
  code: number,
  message: string,
): Response {
  return c.json({ jsonrpc: "2.0", id: null, error: { code, message } }, status);
}

/** Draws a problem of the MCP sub-app as a JSON-RPC error. */
export function renderMcpProblem(c: Context, problem: Problem): Response {
  problemHeaders(c, problem);
  const status = statusOf(problem);
  switch (problem.kind) {
    case "forbidden":
      return rpcError(
        c,
        status,
        RPC.refused,
        "This address may not call this service.",
      );
    case "too_large":
      return rpcError(
        c,
        status,
        RPC.invalidRequest,
        `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`,
      );
    case "too_many":
      return rpcError(
        c,
        status,
        RPC.refused,
        `Too many requests; retry in ${problem.retryAfter} seconds.`,
      );
    case "method_not_allowed":
      return rpcError(
        c,
        status,
        RPC.invalidRequest,
        `Use ${problem.allow.join(" or ")}.`,
      );
    case "not_found":
      return rpcError(c, status, RPC.invalidRequest, "No such endpoint.");
    case "bad_request":
      return rpcError(c, status, RPC.invalidRequest, problem.message);
    case "unavailable":
      return rpcError(
        c,
        status,
        RPC.internalError,
        "The service is briefly unavailable; try again in a few seconds.",
      );
    case "server_error":
      return rpcError(
        c,
        status,
        RPC.internalError,
        "Something went wrong on our side.",
      );
  }
}
