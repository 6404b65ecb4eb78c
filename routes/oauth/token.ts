/**
 * The token endpoint (RFC 6749 §3.2) and the revocation endpoint (RFC 7009).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { networkOf } from "../../lib/ip.ts";
import { counters } from "../../lib/telemetry.ts";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import {
  authenticateClient,
  type ClientConfig,
  presentedClientId,
} from "../../auth/clients.ts";
import type { ClientDirectory } from "../../auth/client_directory.ts";
import { OAuthError } from "../../auth/oauth_error.ts";
import type { AuthorizationServer } from "../../auth/grants.ts";
import { RATE_WINDOW_SECONDS, type RateLimiter } from "../../lib/rate_limit.ts";
import { type AddressOf, countRequest } from "../_guards.ts";
import { jsonMembers } from "./_json_members.ts";
import { audienceOf, resolveResource, resources } from "../../auth/resource.ts";

/** What the token routes need. */
export interface TokenDeps {
  config: Config;
  server: AuthorizationServer;
  log: Log;
  limiter: RateLimiter;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
  /** Who a `client_id` names (configured, registered, documents). */
  clients: ClientDirectory;
}

type Params = ReadonlyMap<string, string>;

/**
 * A repeated parameter. RFC 8707 allows several `resource` values; we bind a
 * grant to one, which is `invalid_target` (§2) rather than a malformed request.
 */
function repeated(name: string): OAuthError {
  return name === "resource"
    ? new OAuthError("invalid_target", "Send one resource at most.")
    : new OAuthError("invalid_request", `${name} is repeated.`);
}

/**
 * The audience a token request names (RFC 8707 §2.2): `undefined` when it
 * sent no resource, `null` when it named the REST API (tokens without an
 * audience), else the resource; anything unknown is `invalid_target`.
 */
function targetOf(
  params: Params,
  known: readonly string[],
): string | null | undefined {
  const value = params.get("resource");
  const target = resolveResource(value === undefined ? [] : [value], known);
  switch (target.kind) {
    case "none":
      return undefined;
    case "known":
      return audienceOf(target.resource) ?? null;
    case "refused":
      throw new OAuthError(
        "invalid_target",
        target.description,
        "unknown or malformed resource",
      );
  }
}

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
      if (params.has(k)) throw repeated(k);
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
      if (params.has(key)) throw repeated(key);
      params.set(key, value);
    }
    return params;
  }
  throw new OAuthError(
    "invalid_request",
    "Send the parameters as application/x-www-form-urlencoded (a JSON object is accepted too).",
  );
}

/**
 * Builds `/oauth/token` and `/oauth/revoke`. Their refusals are thrown
 * (`OAuthError`) and drawn by the OAuth sub-app's renderer.
 */
export function tokenRoutes(
  { config, server, log, limiter, address, clients }: TokenDeps,
): Hono {
  const app = new Hono();
  const known = resources(config);

  /**
   * The limit of `/oauth/token` and `/oauth/revoke`, counted once client
   * authentication has run: per authenticated client and address, and per
   * address alone when authentication failed. Counting a client only after
   * its secret checked out means nobody can spend its allowance by naming
   * it, nor create buckets by inventing names; failed attempts (guessing a
   * secret) are limited per address.
   */
  const count = (c: Context, client: string | null) =>
    countRequest(limiter, {
      bucket: "token",
      id: `${client ?? "?"}|${networkOf(address(c))}`,
      limit: config.rateLimits.token,
      windowSeconds: RATE_WINDOW_SECONDS,
    });

  /** Authenticates the client; the request counts against the limit either way. */
  async function authenticate(
    c: Context,
    params: Params,
  ): Promise<ClientConfig> {
    let client: ClientConfig;
    try {
      const presented = {
        authorization: c.req.header("authorization"),
        bodyId: params.get("client_id"),
        bodySecret: params.get("client_secret"),
      };
      const authenticated = authenticateClient(
        await clients.forTokenEndpoint(presentedClientId(presented)),
        presented,
      );
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
    // Anyone can name a document client (any well-formed URL): counted by
    // address under one label, so invented names create no buckets.
    await count(c, client.publishedBy !== undefined ? "document" : client.id);
    return client;
  }

  app.post("/oauth/token", async function token(c) {
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
          resource: targetOf(params, known),
        }, { pkceRequired: client.secret === null });
        counters.codeExchanges.add(1);
        break;
      case "refresh_token":
        response = await server.refresh(
          clientId,
          params.get("refresh_token"),
          targetOf(params, known),
        );
        counters.refreshes.add(1);
        break;
      case undefined:
        throw new OAuthError("invalid_request", "grant_type is required.");
      default:
        throw new OAuthError(
          "unsupported_grant_type",
          "Use authorization_code or refresh_token.",
        );
    }
    return c.json(response);
  });

  app.post("/oauth/revoke", async function revoke(c) {
    const params = await readParams(c);
    const client = await authenticate(c, params);
    await server.revoke(client.id, params.get("token"));
    return c.body(null, 200);
  });

  return app;
}
