/**
 * The metadata documents: authorization server (RFC 8414) and protected
 * resource (RFC 9728). Public, and cacheable for an hour.
 *
 * @module
 */
import { Hono } from "hono";
import type { Config } from "../../config.ts";
import { SCOPES } from "../../auth/scope.ts";
import { GAME_SCOPE, MCP_PATH, mcpResource } from "../mcp/resource.ts";

/** The metadata documents' paths, which browser-based clients read (CORS). */
export const METADATA_PATHS = [
  "/.well-known/oauth-authorization-server",
  "/.well-known/oauth-protected-resource",
  `/.well-known/oauth-protected-resource${MCP_PATH}`,
] as const;

/** Builds the `/.well-known/` metadata routes. */
export function metadataRoutes(config: Config): Hono {
  const app = new Hono();
  const issuer = config.publicUrl;
  const authMethods = [
    "client_secret_post",
    "client_secret_basic",
    // Public clients: registered ones (RFC 7591), the development playground.
    "none",
  ];

  app.get("/.well-known/oauth-authorization-server", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      registration_endpoint: `${issuer}/oauth/register`,
      // A client_id may be the https URL of its metadata document.
      client_id_metadata_document_supported: true,
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      code_challenge_methods_supported: ["S256"],
      scopes_supported: Object.keys(SCOPES),
      authorization_response_iss_parameter_supported: true,
      service_documentation: `${issuer}/`,
    });
  });

  app.get("/.well-known/oauth-protected-resource", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json({
      resource: issuer,
      authorization_servers: [issuer],
      // A resource's scopes: `offline_access` is asked of the authorization
      // server, never needed by a resource.
      scopes_supported: [GAME_SCOPE],
      bearer_methods_supported: ["header"],
      resource_documentation: `${issuer}/`,
    });
  });

  // The MCP server's own document (RFC 9728 §3.1, path-aware), which its
  // 401 names; the root document keeps describing the REST API.
  app.get(`/.well-known/oauth-protected-resource${MCP_PATH}`, (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json({
      resource: mcpResource(issuer),
      authorization_servers: [issuer],
      scopes_supported: [GAME_SCOPE],
      bearer_methods_supported: ["header"],
      resource_name: `${config.brand.name} (MCP)`,
      resource_documentation: `${issuer}/`,
    });
  });

  return app;
}
