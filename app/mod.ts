/**
 * The application: the services built from `deps`, and one sub-app per
 * protocol mounted side by side. Each sub-app owns its guards and its one
 * error renderer (routes/oauth, routes/browser, routes/api, routes/mcp, and
 * with Stripe configured routes/billing);
 * what is left here is the layers around every response and the answer for
 * a path no sub-app serves.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { apiApp } from "../routes/api/mod.ts";
import type { ApiEnv } from "../routes/api/bearer.ts";
import { renderApiProblem } from "../routes/api/errors.ts";
import { browserApp } from "../routes/browser/mod.ts";
import { renderPageProblem } from "../routes/browser/errors.tsx";
import { mcpApp } from "../routes/mcp/mod.ts";
import { oauthApp } from "../routes/oauth/mod.ts";
import { billingPages, stripeWebhook } from "../routes/billing/mod.tsx";
import {
  commonMiddleware,
  prefersHtml,
  type Problem,
  problemOf,
} from "../routes/_common.ts";
import { clientAddress } from "../routes/_guards.ts";
import { buildServices, type Deps, type Services } from "./services.ts";
import { brandAssets } from "../views/brand.ts";

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
  return composeApp(buildServices(deps));
}

/** Options for {@linkcode composeApp}. */
export interface ComposeOptions {
  /**
   * Replaces the API's bearer guard: the load test's baseline serves the
   * same routes to a fixed user, to measure what the guard costs.
   */
  authenticate?: MiddlewareHandler<ApiEnv>;
}

/** Mounts the protocol sub-apps over already-built services. */
export function composeApp(
  services: Services,
  options: ComposeOptions = {},
): Hono {
  const { config, log } = services;
  // One per app: it warns once about a proxy header that holds no address.
  const address = clientAddress(config.trustProxyHeader, log);
  const app = new Hono();
  const https = config.publicUrl.startsWith("https:");
  // Built once: the stylesheet and logo every page links (views/brand.ts).
  const brand = brandAssets(config.brand);
  app.use(commonMiddleware(log, { https, brand }));
  app.route("/", oauthApp({ services, address }));
  app.route("/", browserApp({ services, address }));
  app.route(
    "/",
    apiApp({ services, address, authenticate: options.authenticate }),
  );
  app.route("/", mcpApp({ services, address, brand }));
  const { billing } = services;
  if (billing) {
    app.route("/", billingPages({ services, billing, address }));
    app.route("/", stripeWebhook({ services, billing }));
  }

  // No sub-app serves the path: a page for a person, JSON for a program.
  const render = (c: Context, problem: Problem) =>
    prefersHtml(c)
      ? renderPageProblem(c, problem)
      : renderApiProblem(c, problem);
  app.notFound((c) => render(c, { kind: "not_found" }));
  app.onError((err, c) => render(c, problemOf(err, c, log)));
  return app;
}
