/**
 * The OAuth sub-app: the endpoints a client program calls (`/oauth/token`,
 * `/oauth/revoke`) behind the IP allowlist and the body limit, and the
 * metadata documents. Every error is RFC 6749 JSON, drawn by one renderer
 * ({@linkcode oauthErrors}); every endpoint answer is `no-store`.
 *
 * An endpoint added under `/oauth/` (other than `authorize`) gets the guards
 * and the error shape from here.
 *
 * @module
 */
import { Hono } from "hono";
import type { Services } from "../../app/services.ts";
import { refuseOtherMethods } from "../_common.ts";
import { type AddressOf, allowlist, limitBody } from "../_guards.ts";
import { oauthErrors } from "./errors.ts";
import { metadataRoutes } from "./metadata.ts";
import { tokenRoutes } from "./token.ts";

/**
 * Every `/oauth/` endpoint but `authorize` (and its `cancel`), which a
 * person's browser opens: those belong to the browser sub-app.
 */
export const OAUTH_ENDPOINTS = "/oauth/:endpoint{(?!authorize$)[^/]+}";

/** What the OAuth sub-app needs. */
export interface OAuthOptions {
  services: Services;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
}

/** Builds the OAuth sub-app; mount it with `app.route("/", …)`. */
export function oauthApp({ services, address }: OAuthOptions): Hono {
  const { config, server, log, limiter } = services;
  const app = new Hono();
  app.onError(oauthErrors(log));

  app.use(OAUTH_ENDPOINTS, async function noStore(c, next) {
    await next();
    // RFC 6749 §5.1: tokens (and every answer about them) are never cached,
    // by HTTP/1.0 caches either.
    c.res.headers.set("Cache-Control", "no-store");
    c.res.headers.set("Pragma", "no-cache");
  });
  if (config.ipAllowlist) {
    // Never on /oauth/authorize: a person's browser calls it.
    app.use(OAUTH_ENDPOINTS, allowlist(config.ipAllowlist, address));
  }
  app.use(OAUTH_ENDPOINTS, limitBody());

  app.route("/", tokenRoutes({ config, server, log, limiter, address }));
  app.route("/", metadataRoutes(config));
  refuseOtherMethods(app);
  return app;
}
