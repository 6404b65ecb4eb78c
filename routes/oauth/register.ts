/**
 * `POST /oauth/register`: Dynamic Client Registration (RFC 7591), open but
 * counted per address. The client id is sealed metadata
 * (`auth/registration.ts`); nothing is stored, and a confidential client's
 * secret appears only in this answer.
 *
 * @module
 */
import { Hono } from "hono";
import { networkOf } from "../../lib/ip.ts";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import { OAuthError } from "../../auth/oauth_error.ts";
import {
  register as registerClient,
  validateRegistration,
} from "../../auth/registration.ts";
import type { Tokens } from "../../auth/tokens.ts";
import { RATE_WINDOW_SECONDS, type RateLimiter } from "../../lib/rate_limit.ts";
import { type AddressOf, countRequest } from "../_guards.ts";

/** What the registration endpoint needs. */
export interface RegisterOptions {
  config: Config;
  tokens: Tokens;
  log: Log;
  limiter: RateLimiter;
  address: AddressOf;
}

/** The registration endpoint's routes. */
export function registerRoutes(
  { config, tokens, log, limiter, address }: RegisterOptions,
): Hono {
  const app = new Hono();
  app.post("/oauth/register", async function register(c) {
    await countRequest(limiter, {
      bucket: "register",
      id: networkOf(address(c)),
      limit: config.rateLimits.register,
      windowSeconds: RATE_WINDOW_SECONDS,
    });
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim()
      .toLowerCase();
    if (type !== "application/json") {
      throw new OAuthError(
        "invalid_client_metadata",
        "Send the client metadata as application/json.",
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new OAuthError(
        "invalid_client_metadata",
        "The body is not valid JSON.",
      );
    }
    const registration = validateRegistration(body);
    const registered = await registerClient(tokens, registration);
    log("info", "client registered", {
      redirects: registration.redirect_uris.length,
      method: registration.token_endpoint_auth_method,
    });
    return c.json({
      client_id: registered.clientId,
      client_id_issued_at: registered.issuedAt,
      // The secret lives as long as the id that keeps its hash: register
      // again before then (RFC 7591 §3.2.1).
      ...(registered.clientSecret !== undefined
        ? {
          client_secret: registered.clientSecret,
          client_secret_expires_at: registered.expiresAt,
        }
        : {}),
      ...(registration.client_name !== undefined
        ? { client_name: registration.client_name }
        : {}),
      redirect_uris: registration.redirect_uris,
      token_endpoint_auth_method: registration.token_endpoint_auth_method,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    }, 201);
  });
  return app;
}
