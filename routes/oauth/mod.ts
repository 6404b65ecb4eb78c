/**
 * The OAuth sub-app: the endpoints a client program calls (`/oauth/token`,
 * `/oauth/revoke`) behind the IP allowlist and the body limit, and the
 * metadata documents. Every error is RFC 6749 JSON, drawn by one renderer
 * ({@linkcode oauthErrors}); every endpoint answer is `no-store`.
 *
 * An endpoint added under `/oauth/` (other than `authorize`) gets the guards,
 * the error shape and CORS from here.
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import type { Services } from "../../app/services.ts";
import { refuseOtherMethods } from "../_common.ts";
import { type AddressOf, allowlist, limitBody } from "../_guards.ts";
import { oauthErrors } from "./errors.ts";
import { METADATA_PATHS, metadataRoutes } from "./metadata.ts";
import { registerRoutes } from "./register.ts";
import { tokenRoutes } from "./token.ts";

/**
 * Every `/oauth/` endpoint but `authorize` (and its `cancel`), which a
 * person's browser opens: those belong to the browser sub-app. The guards
 * are registered on `/oauth/*` and skip what {@linkcode isEndpoint} leaves
 * out, rather than on a pattern such as `/oauth/:endpoint{(?!authorize$)…}`:
 * a parameter beside static paths puts Hono's whole application on its
 * slower trie router.
 */
const OAUTH_PATHS = "/oauth/*";

/** Whether `path` is an endpoint of this sub-app: `/oauth/<name>`, not `authorize`. */
function isEndpoint(path: string): boolean {
  const name = path.slice("/oauth/".length);
  return path.startsWith("/oauth/") && name !== "" && name !== "authorize" &&
    !name.includes("/");
}

/** `guard`, on the sub-app's endpoints only. */
function onEndpoints(guard: MiddlewareHandler): MiddlewareHandler {
  return function endpointGuard(c, next) {
    return isEndpoint(c.req.path) ? guard(c, next) : next();
  };
}

/**
 * CORS for browser-based clients (the MCP Inspector, web apps): anyone may
 * read these answers, and no credentials ride along (no cookies, so `*`).
 * A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
 * is answered `204` here, before the guards: it carries no body and no
 * credentials, reaches no route and so counts against no rate limit (a
 * browser sends one before each new kind of request, and counting it would
 * halve a client's allowance). The actual request then meets every guard,
 * and its answer, a guard's refusal or an OAuth error included, carries
 * `Access-Control-Allow-Origin` so that the client can read why. Any other
 * `OPTIONS` keeps the 405 every path gives a method it does not serve.
 *
 * Never on `/oauth/authorize` or a page: those are a person's browser's,
 * and the cookies they set must stay out of other sites' reach.
 */
function cors(methods: string): MiddlewareHandler {
  const preflight = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": methods,
    // Authorization: client_secret_basic. MCP-Protocol-Version: MCP clients
    // send it on discovery too.
    "Access-Control-Allow-Headers":
      "Authorization, Content-Type, MCP-Protocol-Version",
    "Access-Control-Max-Age": "86400",
  };
  return async function cors(c, next) {
    const isPreflight = c.req.method === "OPTIONS" &&
      c.req.header("origin") !== undefined &&
      c.req.header("access-control-request-method") !== undefined;
    if (isPreflight) return c.body(null, 204, preflight);
    await next();
    c.res.headers.set("Access-Control-Allow-Origin", "*");
    return undefined;
  };
}

/**
 * RFC 6749 §5.1: tokens (and every answer about them) are never cached, by
 * HTTP/1.0 caches either.
 */
const noStore: MiddlewareHandler = async function noStore(c, next) {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
  c.res.headers.set("Pragma", "no-cache");
};

/** What the OAuth sub-app needs. */
export interface OAuthOptions {
  services: Services;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
}

/** Builds the OAuth sub-app; mount it with `app.route("/", …)`. */
export function oauthApp({ services, address }: OAuthOptions): Hono {
  const { config, server, log, limiter, tokens } = services;
  const app = new Hono();
  app.onError(oauthErrors(log));

  // First, so that its header lands on every answer the guards draw.
  const documents = cors("GET, HEAD");
  for (const path of METADATA_PATHS) app.use(path, documents);
  app.use(OAUTH_PATHS, onEndpoints(cors("POST")), onEndpoints(noStore));
  if (config.ipAllowlist) {
    // Never on /oauth/authorize: a person's browser calls it.
    app.use(
      OAUTH_PATHS,
      onEndpoints(allowlist(config.ipAllowlist, address)),
    );
  }
  app.use(OAUTH_PATHS, onEndpoints(limitBody()));

  app.route(
    "/",
    tokenRoutes({
      config,
      server,
      log,
      limiter,
      address,
      clients: services.clients,
    }),
  );
  app.route("/", registerRoutes({ config, tokens, log, limiter, address }));
  app.route("/", metadataRoutes(config));
  refuseOtherMethods(app);
  return app;
}
