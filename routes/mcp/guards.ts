/**
 * The MCP endpoint's own guards: the `Origin` check the Streamable HTTP
 * transport requires against DNS rebinding, and the refusal of access
 * tokens in the URL (RFC 6750 §2.3 is not offered: URLs end up in logs,
 * histories and `Referer`).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { PREFIX } from "../../auth/seal.ts";
import { RPC, rpcError } from "./errors.ts";

/**
 * Refuses a request whose `Origin` is present and not the service's own:
 * 403. Programs send no `Origin`; a browser always does, so a page on a
 * rebound or foreign name cannot drive the endpoint.
 */
export function checkOrigin(publicUrl: string): MiddlewareHandler {
  const ours = new URL(publicUrl).origin;
  return async function origin(c, next) {
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== ours) {
      return rpcError(
        c,
        403,
        RPC.refused,
        "Requests from this origin are not allowed.",
      );
    }
    return await next();
  };
}

/**
 * Refuses a query string that carries an access token: the
 * `access_token` parameter, or any value that is one. 400
 * `invalid_request`, with the challenge saying where the token goes.
 */
export function refuseQueryToken(challenge: string): MiddlewareHandler {
  return async function queryToken(c, next) {
    if (!c.req.url.includes("?")) return await next();
    const query = new URL(c.req.url).searchParams;
    const carries = [...query].some(([name, value]) =>
      name.toLowerCase() === "access_token" || value.startsWith(PREFIX.access)
    );
    if (carries) {
      c.header(
        "WWW-Authenticate",
        `${challenge}, error="invalid_request", error_description="Send the access token in the Authorization header"`,
      );
      return c.json({
        error: "invalid_request",
        error_description:
          "Access tokens are accepted only in the Authorization header, never in the URL.",
      }, 400);
    }
    return await next();
  };
}
