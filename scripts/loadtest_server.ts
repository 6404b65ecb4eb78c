/**
 * The server side of `deno task loadtest`: the real app on `PORT`, and on
 * `OPEN_PORT` the same app over the same services, with a fixed user in
 * place of the bearer guard — the "same route without authentication" the
 * guard's cost is measured against.
 */
import { composeApp } from "../app/mod.ts";
import { buildServices } from "../app/services.ts";
import { loadConfig } from "../config.ts";
import { jsonLog } from "../lib/log.ts";
import { Keyring } from "../auth/seal.ts";

const env = Deno.env.toObject();
const config = loadConfig(env);
const kv = await Deno.openKv(config.kvPath);
const keyring = new Keyring(config.sealKeys);
const log = jsonLog((line) => void line, Date.now);
const services = buildServices({
  config,
  kv,
  now: Date.now,
  fetch,
  log,
  keyring,
});

const app = composeApp(services);
const open = composeApp(services, {
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
});

const quiet = () => {};
Deno.serve({ port: config.port, onListen: quiet }, app.fetch);
Deno.serve({ port: Number(env.OPEN_PORT), onListen: quiet }, open.fetch);
// deno-lint-ignore no-console
console.log("ready");
