/**
 * The application: the services built from `deps`, and the protocol
 * sub-apps mounted on one Hono app.
 *
 * @module
 */
import { Hono } from "hono";
import type { Deps } from "./services.ts";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { RevocationStore } from "../auth/revocation.ts";
import { AuthorizationServer } from "../auth/server.ts";
import { buildProviders } from "../auth/providers/mod.ts";
import { UpstreamTokens } from "../auth/upstream.ts";
import { healthRoutes } from "../routes/health.ts";
import { authorizeRoutes } from "../routes/browser/authorize.tsx";
import { tokenRoutes } from "../routes/oauth/token.ts";
import { bearerAuth } from "../routes/api/bearer.ts";
import { gameRoutes } from "../routes/api/game.ts";
import { docsRoutes, openApiDocument } from "../routes/api/docs.ts";
import { pageRoutes } from "../routes/browser/pages.tsx";
import { Game } from "../game/game.ts";
import { SCRIPT, STYLE } from "../views/assets.ts";
import { guardKv } from "../lib/kv.ts";
import {
  commonMiddleware,
  notFoundOrMethod,
  onError,
  withRequestId,
} from "../routes/_common.tsx";
import {
  applyGameLimit,
  applyGuards,
  GAME_BUCKET,
  READ_BUCKET,
  tokenLimit,
} from "../routes/_limits.ts";
import {
  clientAddress,
  fromThisMachine,
  RateLimiter,
} from "../routes/_guards.ts";

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
