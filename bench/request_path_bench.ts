/**
 * The request path's layers in process, each as `app.fetch` of
 * `GET /api/words`: a bare Hono route, then the service's own layers added
 * one by one, then the whole application. No sockets: this is the
 * JavaScript each layer costs; `deno task loadtest` measures the same
 * layers over HTTP, where the headers also cost Deno's serialisation.
 */
import type { MiddlewareHandler } from "hono";
import { composeApp } from "../app/mod.ts";
import { buildServices } from "../app/services.ts";
import { loadConfig } from "../config.ts";
import { jsonLog, LineBuffer } from "../lib/log.ts";
import { commonMiddleware, securityHeaders } from "../routes/_common.ts";
import { bearerAuth } from "../routes/api/bearer.ts";
import { type Family, keys } from "../auth/revocation.ts";
import { wordsRoute } from "../scripts/loadtest_bare.ts";

const config = loadConfig({
  PUBLIC_URL: "https://words.example.com",
  SEAL_KEYS: "k1:ItBL5N1rkc1FJ5sdr7cEiYuLMpV3qm1czrBSdW9pE4Q",
  OAUTH_CLIENT_ID: "bench",
  OAUTH_CLIENT_SECRET: "wNgyJck2WADT7189a2MJ5F8aHbZhwCGBStKBIdqbfS8",
  READ_RATE_LIMIT: "0",
});
const kv = await Deno.openKv(":memory:");
// The real log and its batching; the batches go nowhere.
const lines = new LineBuffer({
  write: (bytes) => Promise.resolve(bytes.length),
  writeSync: (bytes) => bytes.length,
});
const services = buildServices({
  config,
  kv,
  now: Date.now,
  fetch,
  log: jsonLog((line) => lines.push(line), Date.now),
});
// A signed-in player: a real token, its family stored as a sign-in stores it.
const { token } = await services.tokens.seal("access", {
  sub: "dev:bench",
  client_id: "bench",
  scope: "game",
  fid: "bench-family",
});
await kv.set(
  keys.family("dev:bench", "bench-family"),
  {
    sub: "dev:bench",
    client_id: "bench",
    gen: 0,
    rotated_at: Date.now(),
    revoked: false,
  } satisfies Family,
);

const https = true;
const bearer = bearerAuth(
  services.access,
  config,
  services.log,
) as unknown as MiddlewareHandler;
const apps = {
  "bare Hono route": wordsRoute(),
  "+ security headers and CSP": wordsRoute([securityHeaders({ https })]),
  "+ request id and log line (the service's one layer)": wordsRoute([
    commonMiddleware(services.log, { https }),
  ]),
  "+ bearer check": wordsRoute([
    commonMiddleware(services.log, { https }),
    bearer,
  ]),
  "the whole application": composeApp(services),
};
const authorization = `Bearer ${token}`;
for (const [name, app] of Object.entries(apps)) {
  const auth = name.startsWith("+ bearer") || name.startsWith("the whole");
  const init = auth ? { headers: { authorization } } : {};
  const first = await app.request("https://words.example.com/api/words", init);
  if (first.status !== 200) throw new Error(`${name}: ${first.status}`);
  Deno.bench(name, {
    group: "GET /api/words",
    baseline: name === "bare Hono route",
  }, async () => {
    const res = await app.fetch(
      new Request("https://words.example.com/api/words", init),
    );
    await res.arrayBuffer();
  });
}
