/**
 * The server side of `deno task loadtest`: the real app on `PORT`, and on
 * `OPEN_PORT` the same API routes built from the same modules, with the same
 * layers (headers, log, body limits, guards, error handling) but a fixed
 * user in place of the bearer guard — the "same route without
 * authentication" the guard's cost is measured against.
 */
import { Hono } from "hono";
import { createApp } from "../app/mod.ts";
import { loadConfig } from "../config.ts";
import { jsonLog } from "../lib/log.ts";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { RevocationStore } from "../auth/revocation.ts";
import { AuthorizationServer } from "../auth/server.ts";
import { Game } from "../game/game.ts";
import { gameRoutes } from "../routes/api/game.ts";
import {
  commonMiddleware,
  notFoundOrMethod,
  onError,
} from "../routes/_common.tsx";
import { applyGuards } from "../routes/_limits.ts";
import { clientAddress, RateLimiter } from "../routes/_guards.ts";
import type { ApiEnv } from "../routes/api/bearer.ts";

const env = Deno.env.toObject();
const config = loadConfig(env);
const kv = await Deno.openKv(config.kvPath);
const keyring = new Keyring(config.sealKeys);
await keyring.ready();
const log = jsonLog((line) => void line, Date.now);
const deps = { config, kv, now: Date.now, fetch, log, keyring };

const app = createApp(deps);

const tokens = new Tokens(keyring, Date.now);
const server = new AuthorizationServer(
  tokens,
  new RevocationStore(kv, Date.now),
  log,
);
// The same layers as createApp, minus authentication.
const open = new Hono<ApiEnv>();
for (const middleware of commonMiddleware(log)) open.use(middleware);
applyGuards(open as unknown as Hono, {
  config,
  limiter: new RateLimiter(kv, Date.now),
  address: clientAddress(config.trustProxyHeader, log),
});
open.use("/api/*", async function fixedUser(c, next) {
  // What the bearer guard sets besides the user: API answers are personal.
  c.header("Cache-Control", "no-store");
  c.set("user", {
    sub: "dev:open",
    client_id: config.client.id,
    scope: "game",
    fid: "open",
    iat: 0,
    exp: Number.MAX_SAFE_INTEGER,
    jti: "open",
  });
  await next();
});
open.route(
  "/",
  gameRoutes({
    game: new Game(kv, tokens, Date.now, {
      dailyScoredRounds: config.dailyScoredRounds,
    }),
    server,
    eraseUser: () => Promise.resolve(),
  }),
);

open.notFound(notFoundOrMethod(open as unknown as Hono));
open.onError(onError(log));

const quiet = () => {};
Deno.serve({ port: config.port, onListen: quiet }, app.fetch);
Deno.serve({ port: Number(env.OPEN_PORT), onListen: quiet }, open.fetch);
// deno-lint-ignore no-console
console.log("ready");
