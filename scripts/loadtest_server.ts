/**
 * The peers `deno task loadtest` measures the service against, in one
 * process of their own (the service itself is `main.ts`, started as
 * deployed). `LAYER_PORTS` names a port for each:
 *
 * - `bare`: a bare Hono route on Deno, the floor: `GET /api/words` with the
 *   same handler body as the service's.
 * - `headers`: the same, plus the security headers and CSP
 *   (`securityHeaders`).
 * - `log`: plus the request id and the request log line, written through
 *   the process's batched log (`stdioLog`, as `main.ts`): the service's one
 *   layer around every response (`commonMiddleware`).
 * - `auth`: plus the API's bearer guard (`bearerAuth`) over the services
 *   `main.ts` builds.
 * - `app`: the whole application (`composeApp`), as `main.ts` serves it,
 *   in this process: what the rest of the application costs beyond the
 *   layers above, apart from what differs between processes.
 * - `open`: the whole application (`composeApp`) with a fixed user in place
 *   of the bearer guard: the "same route without authentication" of the
 *   design's 75% target.
 *
 * Each layer is the service's own module, not a copy. Prints "ready" on
 * standard error once every port listens.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { composeApp } from "../app/mod.ts";
import { buildServices } from "../app/services.ts";
import { loadConfig } from "../config.ts";
import { stdioLog } from "../lib/log.ts";
import { commonMiddleware, securityHeaders } from "../routes/_common.ts";
import { bearerAuth } from "../routes/api/bearer.ts";
import { wordsRoute as route } from "./loadtest_bare.ts";

const env = Deno.env.toObject();
const config = loadConfig(env);
const kv = await Deno.openKv(":memory:");
const output = stdioLog(Date.now);
const services = buildServices({
  config,
  kv,
  now: Date.now,
  fetch,
  log: output.log,
});
const https = config.publicUrl.startsWith("https:");

const headers = securityHeaders({ https });
// The service's one layer: headers, request id and log line together.
const log = commonMiddleware(services.log, { https });
const bearer = bearerAuth(
  services.access,
  config,
  services.log,
) as unknown as MiddlewareHandler;
const apps: Record<string, Hono> = {
  bare: route([]),
  headers: route([headers]),
  log: route([log]),
  auth: route([log, bearer]),
  app: composeApp(services),
  open: composeApp(services, {
    authenticate: async function fixedUser(c, next) {
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
    },
  }),
};

const ports = Object.fromEntries(
  (env.LAYER_PORTS ?? "").split(",").map((entry) => entry.split(":")),
);
for (const [name, app] of Object.entries(apps)) {
  const port = Number(ports[name]);
  if (!port) throw new Error(`LAYER_PORTS names no port for ${name}`);
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    app.fetch,
  );
}
// deno-lint-ignore no-console
console.error("ready");
