/**
 * The request path's layers, as `deno task bench` (in process, no sockets)
 * and `deno task loadtest:layers` (over HTTP, in one process) both measure
 * them: the service's application over KV in memory with its real log
 * (batched, the batches going nowhere), a player signed in through it, and
 * `GET /api/words` from a bare Hono route to the whole application.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { composeApp } from "../app/mod.ts";
import { buildServices, type Services } from "../app/services.ts";
import { type Config, loadConfig } from "../config.ts";
import { jsonLog, LineBuffer } from "../lib/log.ts";
import { commonMiddleware, securityHeaders } from "../routes/_common.ts";
import { bearerAuth } from "../routes/api/bearer.ts";
import { wordsRoute } from "./loadtest_bare.ts";

const CLIENT = {
  id: "layers",
  secret: "wNgyJck2WADT7189a2MJ5F8aHbZhwCGBStKBIdqbfS8",
};
const REDIRECT = "https://chatgpt.com/aip/g-layers/oauth/callback";

/** The application, what it was built from, and a signed-in player's token. */
export interface Measured {
  config: Config;
  kv: Deno.Kv;
  services: Services;
  app: Hono;
  /** An access token for the REST API, issued through the app's own grant. */
  token: string;
}

/** Builds the application at `publicUrl` and signs a player in through it. */
export async function measuredApp(publicUrl: string): Promise<Measured> {
  const config = loadConfig({
    PUBLIC_URL: publicUrl,
    SEAL_KEYS: "k1:ItBL5N1rkc1FJ5sdr7cEiYuLMpV3qm1czrBSdW9pE4Q",
    OAUTH_CLIENT_ID: CLIENT.id,
    OAUTH_CLIENT_SECRET: CLIENT.secret,
    DEV_LOGIN: "1",
    READ_RATE_LIMIT: "0",
  });
  const kv = await Deno.openKv(":memory:");
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
  const app = composeApp(services);
  // Signed in as a GPT signs in, so the sign-in's family is stored and the
  // revocation log has started, as on a running deployment.
  const query = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT.id,
    redirect_uri: REDIRECT,
    state: "layers",
    provider: "dev",
    login_hint: "layers",
  });
  const start = await app.request(`${publicUrl}/oauth/authorize?${query}`);
  const cookie = start.headers.getSetCookie()[0]!.split(";")[0]!;
  const back = await app.request(start.headers.get("location")!, {
    headers: { cookie },
  });
  const code = new URL(back.headers.get("location")!).searchParams.get("code")!;
  const answer = await app.request(`${publicUrl}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    }),
  });
  const tokens = await answer.json();
  if (!tokens.access_token) {
    throw new Error(`sign-in: ${JSON.stringify(tokens)}`);
  }
  return { config, kv, services, app, token: tokens.access_token };
}

/** One variant of `GET /api/words`; `auth`: it needs the bearer token. */
export interface Layer {
  name: string;
  app: Hono;
  auth: boolean;
}

/** `GET /api/words` from a bare Hono route, layer by layer, to the whole app. */
export function layers({ config, services, app }: Measured): Layer[] {
  const https = config.publicUrl.startsWith("https:");
  const requestLayer = commonMiddleware(services.log, { https });
  const bearer = bearerAuth(
    services.access,
    config,
    services.log,
  ) as unknown as MiddlewareHandler;
  const empty: MiddlewareHandler = async function empty(_, next) {
    await next();
  };
  return [
    { name: "bare Hono route", app: wordsRoute(), auth: false },
    { name: "+ an empty middleware", app: wordsRoute([empty]), auth: false },
    {
      name: "+ security headers and CSP (in place of it)",
      app: wordsRoute([securityHeaders({ https })]),
      auth: false,
    },
    {
      name: "+ request id and log line (the service's one layer)",
      app: wordsRoute([requestLayer]),
      auth: false,
    },
    {
      name: "+ bearer check",
      app: wordsRoute([requestLayer, bearer]),
      auth: true,
    },
    { name: "the whole application", app, auth: true },
  ];
}
