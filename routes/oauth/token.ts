/**
 * The machine-facing OAuth endpoints: `/oauth/token` (RFC 6749 §3.2),
 * `/oauth/revoke` (RFC 7009) and the metadata documents (RFC 8414, RFC 9728).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ClientConfig, Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import { authenticateClient } from "../../auth/clients.ts";
import { OAuthError, oauthErrorResponse } from "../../auth/errors.ts";
import { SCOPES } from "../../auth/scope.ts";
import type { AuthorizationServer } from "../../auth/server.ts";
import type { TokenLimit } from "../_limits.ts";
import { jsonMembers } from "./_json_members.ts";

/** What the token routes need. */
export interface TokenDeps {
  config: Config;
  server: AuthorizationServer;
  log: Log;
  /** The rate limit, counted once the client is known (or known to be wrong). */
  count: TokenLimit;
}

const MAX_BODY = 16 * 1024;

type Params = ReadonlyMap<string, string>;

/**
 * Reads a form-urlencoded (or JSON) body into single-valued parameters.
 * Repeated parameters are refused, in JSON as in a form, and empty ones
 * count as omitted (RFC 6749 §3.1, §3.2).
 */
async function readParams(c: Context): Promise<Params> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim()
    .toLowerCase();
  const params = new Map<string, string>();
  if (type === "application/x-www-form-urlencoded") {
    for (const [k, v] of new URLSearchParams(await c.req.text())) {
      if (v === "") continue;
      if (params.has(k)) {
        throw new OAuthError("invalid_request", `${k} is repeated.`);
      }
      params.set(k, v);
    }
    return params;
  }
  if (type === "application/json") {
    const text = await c.req.text();
    try {
      JSON.parse(text);
    } catch {
      throw new OAuthError("invalid_request", "The JSON body is malformed.");
    }
    // Members as written: JSON.parse would keep the last of a repeated key.
    const members = jsonMembers(text);
    if (members === null) {
      throw new OAuthError(
        "invalid_request",
        "The body must be a JSON object.",
      );
    }
    for (const { key, raw } of members) {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== "string") {
        throw new OAuthError("invalid_request", `${key} must be a string.`);
      }
      if (value === "") continue;
      if (params.has(key)) {
        throw new OAuthError("invalid_request", `${key} is repeated.`);
      }
      params.set(key, value);
    }
    return params;
  }
  throw new OAuthError(
    "invalid_request",
    "Send the parameters as application/x-www-form-urlencoded (a JSON object is accepted too).",
  );
}

/** Builds the token, revocation and metadata routes. */
export function tokenRoutes(
  { config, server, log, count }: TokenDeps,
): Hono {
  const app = new Hono();
  const issuer = config.publicUrl;
  const authMethods = [
    "client_secret_post",
    "client_secret_basic",
    // The development playground's public client.
    ...(config.clients.some((c) => c.secret === null) ? ["none"] : []),
  ];

  const limit = bodyLimit({
    maxSize: MAX_BODY,
    onError: () =>
      oauthErrorResponse(
        new OAuthError("invalid_request", "The request body is too large."),
        413,
      ),
  });

  /** Authenticates the client; the request counts against the limit either way. */
  async function authenticate(
    c: Context,
    params: Params,
  ): Promise<ClientConfig> {
    let client: ClientConfig;
    try {
      const authenticated = authenticateClient(config.clients, {
        authorization: c.req.header("authorization"),
        bodyId: params.get("client_id"),
        bodySecret: params.get("client_secret"),
      });
      client = authenticated.client;
      if (authenticated.previousSecret) {
        log("warn", "client used OAUTH_CLIENT_SECRET_PREVIOUS", {
          client: client.id,
          hint:
            "paste the new secret into the GPT builder, then unset OAUTH_CLIENT_SECRET_PREVIOUS",
        });
      }
    } catch (err) {
      await count(c, null);
      throw err;
    }
    await count(c, client.id);
    return client;
  }

  function fail(c: Context, err: unknown): Response {
    if (!(err instanceof OAuthError)) throw err;
    // A wrong secret for our own client is how a misconfigured GPT shows
    // itself: worth an operator's attention, unlike random probes.
    const level = err.reason === "wrong client secret" ? "warn" : "info";
    log(level, "oauth request refused", {
      route: c.req.routePath,
      error: err.code,
      reason: err.reason,
    });
    return oauthErrorResponse(err);
  }

  app.post("/oauth/token", limit, async function token(c) {
    try {
      const params = await readParams(c);
      const client = await authenticate(c, params);
      const clientId = client.id;
      const grantType = params.get("grant_type");
      let response;
      switch (grantType) {
        case "authorization_code":
          response = await server.exchangeCode(clientId, {
            code: params.get("code"),
            redirect_uri: params.get("redirect_uri"),
            code_verifier: params.get("code_verifier"),
          }, { pkceRequired: client.secret === null });
          break;
        case "refresh_token":
          response = await server.refresh(
            clientId,
            params.get("refresh_token"),
          );
          break;
        case undefined:
          throw new OAuthError("invalid_request", "grant_type is required.");
        default:
          throw new OAuthError(
            "unsupported_grant_type",
            "Use authorization_code or refresh_token.",
          );
      }
      c.header("Cache-Control", "no-store");
      c.header("Pragma", "no-cache");
      return c.json(response);
    } catch (err) {
      return fail(c, err);
    }
  });

  app.post("/oauth/revoke", limit, async function revoke(c) {
    try {
      const params = await readParams(c);
      const client = await authenticate(c, params);
      await server.revoke(client.id, params.get("token"));
      c.header("Cache-Control", "no-store");
      return c.body(null, 200);
    } catch (err) {
      return fail(c, err);
    }
  });

  app.get("/.well-known/oauth-authorization-server", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
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
      scopes_supported: Object.keys(SCOPES),
      bearer_methods_supported: ["header"],
      resource_documentation: `${issuer}/`,
    });
  });

  return app;
}
