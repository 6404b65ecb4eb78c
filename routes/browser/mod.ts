/**
 * The browser sub-app: everything a person's browser opens. The sign-in
 * (`/oauth/authorize`, its cancel, the upstream leg under `/login/`) behind
 * the body limit and a per-address rate limit, the pages, and their assets.
 * Every refusal, 413 and 429 included, is an HTML page drawn by one
 * renderer ({@linkcode renderPageProblem}).
 *
 * A route added under `/oauth/authorize/` or `/login/` gets the sign-in's
 * guards and, like any route here, the error pages.
 *
 * @module
 */
import { RATE_WINDOW_SECONDS } from "../../lib/rate_limit.ts";
import { networkOf } from "../../lib/ip.ts";
import { Hono } from "hono";
import type { Services } from "../../app/services.ts";
import { refuseOtherMethods, renderErrors } from "../_common.ts";
import {
  type AddressOf,
  fromThisMachine,
  limitBody,
  rateLimit,
} from "../_guards.ts";
import { assetRoutes } from "./assets.ts";
import { authorizeRoutes } from "./authorize.tsx";
import { playSignInRoutes } from "./play.tsx";
import { adminRoutes } from "./admin.tsx";
import { renderPageProblem } from "./errors.tsx";
import { pageRoutes } from "./pages.tsx";

/** Where a browser signs in: the pages a sign-in goes through. */
const SIGN_IN = [
  "/oauth/authorize/*",
  "/login/*",
  "/play/login",
  "/play/callback",
  "/admin/login",
  "/admin/callback",
  "/admin/signout",
];

/** What the browser sub-app needs. */
export interface BrowserOptions {
  services: Services;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
}

/** Builds the browser sub-app; mount it with `app.route("/", …)`. */
export function browserApp({ services, address }: BrowserOptions): Hono {
  const { config, log, limiter } = services;
  const app = new Hono();
  app.onError(renderErrors(log, renderPageProblem));

  for (const path of SIGN_IN) app.use(path, limitBody());
  // The sign-in leg is counted apart, at the same rate: each of its
  // callbacks makes a call to the provider with our client credentials.
  const signIn: [path: string, bucket: string][] = [
    ["/oauth/authorize", "authorize"],
    ["/login/*", "login"],
    // The game page's own sign-in: its start, and its callback, which
    // exchanges a code.
    ["/play/login", "authorize"],
    ["/play/callback", "login"],
    // The members view's sign-in, the same way.
    ["/admin/login", "authorize"],
    ["/admin/callback", "login"],
  ];
  for (const [path, bucket] of signIn) {
    app.use(
      path,
      rateLimit(limiter, {
        bucket,
        limit: config.rateLimits.authorize,
        windowSeconds: RATE_WINDOW_SECONDS,
        id: (c) => networkOf(address(c)),
      }),
    );
  }

  app.route("/", assetRoutes());
  app.route("/", authorizeRoutes({ ...services, address }));
  app.route("/", playSignInRoutes(services));
  app.route("/", adminRoutes(services));
  app.route(
    "/",
    pageRoutes({
      config,
      providers: services.providers,
      game: services.game,
      localSecret: services.devGeneratedSecret
        ? fromThisMachine({
          publicUrl: config.publicUrl,
          trustedHeader: config.trustProxyHeader,
        })
        : null,
      revocationCacheMs: services.store.cacheMs,
    }),
  );
  refuseOtherMethods(app);
  return app;
}
