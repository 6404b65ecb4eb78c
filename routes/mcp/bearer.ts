/**
 * The bearer guard of the MCP endpoint, by the book for an MCP protected
 * resource (MCP authorization; RFC 6750 §3; RFC 9728 §5.1): every challenge
 * names the resource's metadata document and the scope the tools need, so a
 * client can discover the authorization server from its first 401.
 *
 * A verified token becomes the SDK's `AuthInfo`, whose scopes the tools'
 * scope challenges check (403 `insufficient_scope`, drawn by the SDK).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { countRefusal } from "../../lib/telemetry.ts";
import type { AuthInfo } from "@modelcontextprotocol/server";
import type { AccessTokens } from "../../auth/access.ts";
import { OAuthError } from "../../auth/oauth_error.ts";
import type { AccessClaims } from "../../auth/tokens.ts";
import type { Log } from "../../lib/log.ts";
import { GAME_SCOPE, mcpResource, mcpResourceMetadataUrl } from "./resource.ts";

/** Hono variables set by the MCP bearer guard. */
export interface McpEnv {
  Variables: {
    /** What the SDK and the tools know of the caller. */
    auth: AuthInfo;
  };
}

/** The claims behind each `AuthInfo` the guard made, for the tools. */
const claimsOf = new WeakMap<AuthInfo, AccessClaims>();

/** The verified claims of the caller an `AuthInfo` describes. */
export function callerOf(auth: AuthInfo | undefined): AccessClaims {
  const claims = auth && claimsOf.get(auth);
  // The guard runs before every request reaches the SDK: no caller is a bug.
  if (!claims) throw new Error("MCP request without a verified caller");
  return claims;
}

const BEARER = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i;

/** The challenge every refusal of the MCP endpoint carries. */
export function mcpChallenge(publicUrl: string): string {
  return `Bearer resource_metadata="${
    mcpResourceMetadataUrl(publicUrl)
  }", scope="${GAME_SCOPE}"`;
}

/**
 * The bearer guard. No `Authorization: Bearer` header: 401 with the
 * challenge alone (RFC 6750 §3.1: no error code). A token that is invalid,
 * expired, revoked or of another purpose: 401 `invalid_token`, and nothing
 * says which check failed.
 */
export function mcpBearer(
  access: AccessTokens,
  publicUrl: string,
  log: Log,
): MiddlewareHandler<McpEnv> {
  const challenge = mcpChallenge(publicUrl);
  const resourceMetadataUrl = mcpResourceMetadataUrl(publicUrl);
  const audience = mcpResource(publicUrl);
  const refuse = (error?: "invalid_token") => {
    const description = error
      ? "The access token is invalid or expired. Sign in again."
      : "Sign in first: send Authorization: Bearer <access token>.";
    return {
      header: error
        ? `${challenge}, error="${error}", error_description="The access token is invalid or expired"`
        : challenge,
      body: { error: error ?? "unauthorized", error_description: description },
    };
  };
  return async function bearer(c, next) {
    const header = c.req.header("authorization");
    const match = header === undefined ? null : BEARER.exec(header);
    let claims: AccessClaims | undefined;
    if (match) {
      try {
        // Only tokens issued for this resource (RFC 8707): a token for the
        // REST API, which carries no audience, is refused here.
        claims = await access.authenticate(match[1]!, { audience });
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err;
        log("info", "bearer token refused", { reason: err.reason });
      }
    } else if (header !== undefined) {
      log("info", "bearer token refused", {
        reason: "Authorization header is not 'Bearer <token>'",
      });
    }
    if (!claims) {
      countRefusal(
        "mcp",
        match
          ? "invalid_token"
          : header === undefined
          ? "no_token"
          : "malformed_authorization",
      );
      const { header: value, body } = refuse(
        match ? "invalid_token" : undefined,
      );
      c.header("WWW-Authenticate", value);
      return c.json(body, 401);
    }
    const auth: AuthInfo = {
      token: match![1]!,
      clientId: claims.client_id,
      scopes: claims.scope.split(" ").filter((s) => s !== ""),
      expiresAt: Math.floor(claims.exp / 1000),
      resource: new URL(audience),
      resourceMetadataUrl,
    };
    claimsOf.set(auth, claims);
    c.set("auth", auth);
    return await next();
  };
}
