/**
 * Composition root: reads the environment, opens KV, and serves
 * {@linkcode createApp}. Only this file (and the `scripts/` entry points that
 * call {@linkcode start}) touches `Deno.env`, `Deno.openKv`, the real clock and
 * the global `fetch`.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { ConfigError, type Env, loadConfig } from "./config.ts";
import { type Deps, jsonLog, type Log } from "./deps.ts";
import { Keyring } from "./auth/seal.ts";
import { Tokens } from "./auth/tokens.ts";
import { OAuthError, oauthErrorResponse } from "./auth/errors.ts";
import { RevocationStore } from "./auth/revocation.ts";
import { AuthorizationServer } from "./auth/server.ts";
import { buildProviders } from "./auth/providers/mod.ts";
import { healthRoutes } from "./routes/health.ts";
import { authorizeRoutes } from "./routes/authorize.tsx";
import { tokenRoutes } from "./routes/token.ts";
import { apiError, bearerAuth } from "./routes/api.ts";
import { gameRoutes } from "./routes/game.ts";
import { docsRoutes, openApiDocument } from "./routes/docs.ts";
import { Game } from "./game/game.ts";
import { STYLESHEET } from "./views/style.ts";
import { ErrorPage } from "./views/layout.tsx";
import { renderPage } from "./routes/_page.ts";
import { guardKv, StorageUnavailable } from "./kv.ts";

/**
 * Builds the whole application from its dependencies.
 *
 * @example
 * ```ts
 * const app = createApp({ config, kv: await Deno.openKv(":memory:"), now: Date.now, fetch, log });
 * const res = await app.request("/health");
 * ```
 */
export function createApp(deps: Deps): Hono {
  const { config, log } = deps;
  const keyring = deps.keyring ?? new Keyring(config.sealKeys);
  const tokens = new Tokens(keyring, deps.now);
  // Every KV failure becomes StorageUnavailable: 503, never a 500.
  const kv = guardKv(deps.kv);
  const store = new RevocationStore(kv, deps.now);
  const server = new AuthorizationServer(tokens, store, log);
  const providers = buildProviders(config);

  const app = new Hono();
  app.use(secureHeaders({ xFrameOptions: "DENY" }));
  app.use(async function defaultPolicy(c, next) {
    await next();
    // Pages set their own policy; everything else may load nothing at all.
    if (!c.res.headers.has("Content-Security-Policy")) {
      c.res.headers.set(
        "Content-Security-Policy",
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
      );
    }
  });
  app.use(async function requestLog(c, next) {
    const started = performance.now();
    const id = crypto.randomUUID();
    c.header("X-Request-Id", id);
    await next();
    // routePath is the matched pattern, so no token or code in a path ends
    // up in the log; the query string is never logged.
    log("info", "request", {
      id,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
  });

  app.route("/", healthRoutes({ kv, log }));
  app.get("/assets/style.css", (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    c.header("Content-Type", "text/css; charset=utf-8");
    return c.body(STYLESHEET);
  });
  app.route("/", authorizeRoutes({ config, tokens, server, providers, log }));
  app.route("/", tokenRoutes({ config, server, log }));

  const game = new Game(kv, tokens, deps.now);
  const eraseUser = async (sub: string) => {
    await store.eraseUser(sub);
  };
  const api = gameRoutes({ game, server, eraseUser });
  app.route("/", docsRoutes(config, openApiDocument(api, config)));
  app.use("/api/*", bearerAuth(server, config, log));
  app.route("/", api);
  app.all(
    "/api/*",
    (c) => apiError(c, 404, "not_found", "No such API operation."),
  );

  app.notFound((c) =>
    c.json({ error: "not_found", message: "No such route." }, 404)
  );
  app.onError((err, c) => {
    if (err instanceof OAuthError) return oauthErrorResponse(err);
    if (err instanceof StorageUnavailable) {
      log("error", "storage unavailable", {
        route: c.req.routePath,
        error: err.message,
      });
      return unavailable(c);
    }
    if (err instanceof HTTPException) {
      // Framework-raised errors (malformed JSON, …) speak JSON like the rest.
      if (err.res) return err.getResponse();
      c.header("Cache-Control", "no-store");
      return c.json(
        { error: "bad_request", message: err.message || "Bad request." },
        err.status,
      );
    }
    log("error", "unhandled error", {
      route: c.req.routePath,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
    return c.json(
      { error: "server_error", message: "Something went wrong on our side." },
      500,
    );
  });
  return app;
}

/** 503 with `Retry-After`, in the shape the route speaks. */
function unavailable(c: Context): Response | Promise<Response> {
  c.header("Retry-After", "5");
  c.header("Cache-Control", "no-store");
  const path = c.req.path;
  if (path === "/oauth/token" || path === "/oauth/revoke") {
    return oauthErrorResponse(
      new OAuthError(
        "temporarily_unavailable",
        "The service is briefly unavailable; try again in a few seconds.",
      ),
    );
  }
  if (path.startsWith("/oauth/") || path.startsWith("/login/")) {
    return renderPage(
      c,
      ErrorPage({
        title: "Briefly unavailable",
        message: "We could not complete the sign-in just now.",
        next: "Wait a few seconds, then go back to ChatGPT and try again.",
      }),
      { status: 503 },
    );
  }
  return c.json({
    error: "temporarily_unavailable",
    message: "The service is briefly unavailable; try again in a few seconds.",
  }, 503);
}

/** Options for {@linkcode start}. */
export interface StartOptions {
  /** Printed once the server listens (the dev script prints its setup here). */
  onListen?: (origin: string) => void;
}

/**
 * Parses `env`, opens KV, derives the keys and serves until the process ends.
 * A configuration problem prints one line and exits with status 1.
 */
export async function start(
  env: Env,
  options: StartOptions = {},
): Promise<Deno.HttpServer> {
  const log: Log = jsonLog((line, level) => {
    // deno-lint-ignore no-console
    (level === "error" || level === "warn" ? console.error : console.log)(
      line,
    );
  }, Date.now);
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // deno-lint-ignore no-console
    console.error(`configuration error: ${err.message}`);
    Deno.exit(1);
  }
  const kv = await Deno.openKv(config.kvPath);
  const keyring = new Keyring(config.sealKeys);
  await keyring.ready();
  const app = createApp({
    config,
    kv,
    now: Date.now,
    fetch: globalThis.fetch.bind(globalThis),
    log,
    keyring,
  });
  return Deno.serve({
    port: config.port,
    onListen({ hostname, port }) {
      log("info", "listening", {
        address: `${hostname}:${port}`,
        publicUrl: config.publicUrl,
      });
      options.onListen?.(config.publicUrl);
    },
  }, app.fetch);
}

if (import.meta.main) {
  await start(Deno.env.toObject());
}
