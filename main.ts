/**
 * Composition root: reads the environment, opens KV, and serves
 * {@linkcode createApp}. Only this file (and the `scripts/` entry points that
 * call {@linkcode start}) touches `Deno.env`, `Deno.openKv`, the real clock and
 * the global `fetch`.
 *
 * @module
 */
import { Hono } from "hono";
import { type Config, ConfigError, type Env, loadConfig } from "./config.ts";
import { type Deps, jsonLog, type Log } from "./deps.ts";
import { Keyring } from "./auth/seal.ts";
import { Tokens } from "./auth/tokens.ts";
import { RevocationStore } from "./auth/revocation.ts";
import { AuthorizationServer } from "./auth/server.ts";
import { buildProviders } from "./auth/providers/mod.ts";
import { UpstreamTokens } from "./auth/upstream.ts";
import { healthRoutes } from "./routes/health.ts";
import { authorizeRoutes } from "./routes/authorize.tsx";
import { tokenRoutes } from "./routes/token.ts";
import { bearerAuth } from "./routes/api.ts";
import { gameRoutes } from "./routes/game.ts";
import { docsRoutes, openApiDocument } from "./routes/docs.ts";
import { pageRoutes, productionWarnings } from "./routes/pages.tsx";
import { Game } from "./game/game.ts";
import { SCRIPT, STYLE } from "./views/assets.ts";
import { guardKv } from "./kv.ts";
import {
  commonMiddleware,
  notFoundOrMethod,
  onError,
  withRequestId,
} from "./routes/_http.tsx";
import {
  applyGameLimit,
  applyGuards,
  GAME_BUCKET,
  READ_BUCKET,
  tokenLimit,
} from "./routes/_limits.ts";
import {
  clientAddress,
  fromThisMachine,
  RateLimiter,
} from "./routes/_guards.ts";

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
  const { config } = deps;
  const log = withRequestId(deps.log);
  const keyring = deps.keyring ?? new Keyring(config.sealKeys);
  const tokens = new Tokens(keyring, deps.now);
  // Every KV failure becomes StorageUnavailable: 503, never a 500.
  const kv = guardKv(deps.kv);
  const store = new RevocationStore(kv, deps.now);
  const providers = buildProviders(config, {
    fetch: deps.fetch,
    now: deps.now,
  });
  const upstream = new UpstreamTokens(
    kv,
    tokens,
    providers,
    store,
    config.upstream,
    log,
  );
  const server = new AuthorizationServer(tokens, store, log, upstream);

  const app = new Hono();
  for (const middleware of commonMiddleware(log)) app.use(middleware);
  const limiter = new RateLimiter(kv, deps.now);
  const address = clientAddress(config.trustProxyHeader, log);
  applyGuards(app, { config, limiter, address });

  app.route("/", healthRoutes({ kv, log }));
  for (const { path, type, body, version } of [STYLE, SCRIPT]) {
    app.get(path, (c) => {
      // Pages link to `?v=<content hash>`: that URL never changes meaning.
      c.header(
        "Cache-Control",
        c.req.query("v") === version
          ? "public, max-age=31536000, immutable"
          : "public, max-age=300",
      );
      c.header("Content-Type", type);
      return c.body(body);
    });
  }
  app.route(
    "/",
    authorizeRoutes({ config, tokens, server, providers, upstream, log }),
  );
  app.route(
    "/",
    tokenRoutes({
      config,
      server,
      log,
      count: tokenLimit({ config, limiter, address }),
    }),
  );

  const game = new Game(kv, tokens, deps.now, {
    dailyScoredRounds: config.dailyScoredRounds,
  });
  // The most sensitive data first, the user's tokens last: if a step fails
  // (503), the token still works and the same call can simply be retried.
  const eraseUser = async (sub: string) => {
    await upstream.erase(sub);
    await game.erase(sub);
    await limiter.forget(GAME_BUCKET, sub);
    await limiter.forget(READ_BUCKET, sub);
    await store.eraseUser(sub);
    // A round or nickname written meanwhile (here, or on an instance still
    // trusting the token from its cache) was checked against the sign-in
    // that is now gone: one more sweep removes those that landed before.
    await game.erase(sub);
  };
  app.route(
    "/",
    pageRoutes({
      config,
      providers,
      game,
      localSecret: deps.devGeneratedSecret
        ? fromThisMachine({
          publicUrl: config.publicUrl,
          trustedHeader: config.trustProxyHeader,
        })
        : null,
    }),
  );
  const api = gameRoutes({ game, server, eraseUser });
  app.route("/", docsRoutes(config, openApiDocument(api, config)));
  app.use("/api/*", bearerAuth(server, config, log));
  applyGameLimit(app, { config, limiter });
  app.route("/", api);

  app.notFound(notFoundOrMethod(app));
  app.onError(onError(log));
  return app;
}

/** Options for {@linkcode start}. */
export interface StartOptions {
  /** Printed once the server listens (the dev script prints its setup here). */
  onListen?: (origin: string) => void;
  /** See {@linkcode Deps.devGeneratedSecret}; only scripts/dev.ts sets it. */
  devGeneratedSecret?: boolean;
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
  let config: Config;
  try {
    env = await withAllowlistFile(env);
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.all) {
      // deno-lint-ignore no-console
      console.error(`configuration error: ${problem.message}`);
    }
    Deno.exit(1);
  }
  // Local development on localhost expects these; anywhere else they matter.
  if (!config.devLogin || config.publicUrl.startsWith("https://")) {
    for (const warning of productionWarnings(config)) {
      log("warn", "configuration", { warning });
    }
  }
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(config.kvPath);
  } catch (err) {
    // deno-lint-ignore no-console
    console.error(
      `configuration error: KV_PATH: ${
        config.kvPath
          ? `"${config.kvPath}" cannot be opened`
          : "KV cannot be opened"
      } (${
        err instanceof Error ? err.message : String(err)
      }); use a writable file path, or unset it for the default`,
    );
    Deno.exit(1);
  }
  const keyring = new Keyring(config.sealKeys);
  await keyring.ready();
  let app: Hono | undefined;
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    // Runs once bound, before any request is read.
    onListen({ hostname, port }) {
      // PORT=0 takes any free port; the default PUBLIC_URL names the one taken.
      if (config.port === 0) {
        config = loadConfig({ ...env, PORT: String(port) });
      }
      app = createApp({
        config,
        kv,
        now: Date.now,
        fetch: globalThis.fetch.bind(globalThis),
        log,
        keyring,
        devGeneratedSecret: options.devGeneratedSecret,
      });
      log("info", "listening", {
        address: `${hostname}:${port}`,
        publicUrl: config.publicUrl,
      });
      options.onListen?.(config.publicUrl);
    },
  }, (request, info) => app!.fetch(request, info));

  // Graceful shutdown: stop accepting, let in-flight requests finish, exit.
  let stopping = false;
  const stop = (signal: Deno.Signal) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { signal });
    server.shutdown().finally(() => {
      kv.close();
      log("info", "stopped");
      Deno.exit(0);
    });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => stop(signal));
  }
  return server;
}

/**
 * Reads `IP_ALLOWLIST_FILE` (CIDR lines, or the JSON OpenAI publishes) into
 * `IP_ALLOWLIST`, so configuration itself stays a pure function of strings.
 */
async function withAllowlistFile(env: Env): Promise<Env> {
  const path = env.IP_ALLOWLIST_FILE?.trim();
  if (!path) return env;
  if (env.IP_ALLOWLIST?.trim()) {
    throw new ConfigError(
      "IP_ALLOWLIST_FILE",
      "set either IP_ALLOWLIST or IP_ALLOWLIST_FILE, not both",
    );
  }
  try {
    return { ...env, IP_ALLOWLIST: await Deno.readTextFile(path) };
  } catch (err) {
    throw new ConfigError(
      "IP_ALLOWLIST_FILE",
      `cannot read "${path}" (${
        err instanceof Error ? err.name : "error"
      }); give a readable file of CIDR ranges or OpenAI's published JSON`,
    );
  }
}

if (import.meta.main) {
  await start(Deno.env.toObject());
}
