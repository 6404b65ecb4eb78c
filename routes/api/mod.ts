/**
 * The API sub-app: `/api/*`, the game a GPT plays, behind the IP allowlist,
 * the body limit and the bearer guard, with per-user rate limits; its public
 * documents (`/openapi.json`, `/gpt/instructions`); and `/health`. Every
 * answer is API JSON, and every error is drawn by one renderer,
 * {@linkcode renderApiProblem}.
 *
 * A route added under `/api/` gets the guards and the error shape from here.
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { networkOf } from "../../lib/ip.ts";
import type { Services } from "../../app/services.ts";
import {
  GAME_BUCKET,
  RATE_WINDOW_SECONDS,
  READ_BUCKET,
} from "../../lib/rate_limit.ts";
import { refuseOtherMethods, renderErrors } from "../_common.ts";
import { type AddressOf, allowlist, limitBody, rateLimit } from "../_guards.ts";
import { type ApiEnv, bearerAuth } from "./bearer.ts";
import { docsRoutes, openApiDocument } from "./docs.ts";
import { renderApiProblem } from "./errors.ts";
import { gameRoutes } from "./game.ts";
import { healthRoutes } from "./health.ts";
import { playSessionRoutes } from "./play_session.ts";

/** Every route of the API proper: guarded, personal, never cached. */
const API = "/api/*";
/** The game page's session endpoints: cookie in, access token out. */
const PLAY_SESSION = ["/play/session", "/play/signout"];
/** The reads that cost KV calls, limited apart from game moves. */
const READS = ["/api/leaderboard", "/api/score", "/api/me", "/api/plan"];

/** What the API sub-app needs. */
export interface ApiOptions {
  services: Services;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
  /**
   * Who is calling. Default: the bearer guard. The load test's baseline
   * passes a fixed user, to measure the guard's cost against the same routes.
   */
  authenticate?: MiddlewareHandler<ApiEnv>;
}

/** Builds the API sub-app; mount it with `app.route("/", …)`. */
export function apiApp(
  { services, address, authenticate }: ApiOptions,
): Hono<ApiEnv> {
  const { config, log, limiter } = services;
  const app = new Hono<ApiEnv>();
  app.onError(renderErrors(log, renderApiProblem));

  if (config.ipAllowlist) app.use(API, allowlist(config.ipAllowlist, address));
  app.use(
    API,
    limitBody(),
    authenticate ?? bearerAuth(services.access, config, log),
  );
  const perUser = (bucket: string, limit: number) =>
    rateLimit(limiter, {
      bucket,
      limit,
      windowSeconds: RATE_WINDOW_SECONDS,
      id: (c) => c.get("user").sub,
    });
  const { game, read } = config.rateLimits;
  if (game > 0) {
    // "/api/rounds/*" also matches "/api/rounds" itself: one registration, one count.
    app.use("/api/rounds/*", perUser(GAME_BUCKET, game));
  }
  if (read > 0) {
    // GET only: erasing one's data (DELETE /api/me) is never refused.
    app.on("GET", READS, perUser(READ_BUCKET, read));
  }

  // A session renewal is a refresh grant: limited per address like one.
  const perAddress = rateLimit(limiter, {
    bucket: "play",
    limit: config.rateLimits.token,
    windowSeconds: RATE_WINDOW_SECONDS,
    id: (c) => networkOf(address(c)),
  });
  for (const path of PLAY_SESSION) app.use(path, limitBody(), perAddress);
  app.route("/", playSessionRoutes(services));

  app.route("/", gameRoutes(services));
  app.route(
    "/",
    docsRoutes(config, async () => {
      const { documentedApi } = await import("./game_spec.ts");
      return openApiDocument(documentedApi(), config);
    }),
  );
  app.route("/", healthRoutes(services));
  refuseOtherMethods(app);
  return app;
}
