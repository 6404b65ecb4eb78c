/**
 * The token endpoint's peer in `deno task loadtest`: `oidc-provider` (the
 * version the tests pin, `tests/_deps/oidc_provider.ts`, a dev-only
 * dependency locked in `tests/deno.lock`) under Deno on loopback, with its
 * storage in this process's memory (`MapAdapter`, one `Map`).
 *
 * One confidential client, configured as the service's `loadtest` client is:
 * `client_secret_post`, the grant types `authorization_code` and
 * `refresh_token`, one redirect URI; refresh tokens rotate on every use
 * (`rotateRefreshToken: true`), and tokens are opaque (its default).
 *
 * Codes are minted here, in process, through its model API (a `Grant` and
 * an `AuthorizationCode` for each, as its authorization endpoint would save
 * them), so that the load test measures only the token endpoint. They are
 * handed to the load script over a dev-only channel: `GET /codes?n=N` on
 * `MINT_PORT` answers a JSON array of `N` fresh codes. `PORT` serves the
 * provider. Prints "ready" on standard error once both listen.
 *
 * The scope is `game offline_access`, without `openid`: no ID token is
 * signed (the service issues none), and `offline_access` is what makes
 * oidc-provider issue a refresh token.
 */
import { createServer } from "node:http";
import Provider from "../tests/_deps/oidc_provider.ts";

const env = Deno.env.toObject();
const port = Number(env.PORT);
const mintPort = Number(env.MINT_PORT);
const clientId = env.CLIENT_ID!;
const clientSecret = env.CLIENT_SECRET!;
const redirectUri = env.REDIRECT_URI!;
const issuer = `http://127.0.0.1:${port}`;
const SCOPE = "game offline_access";

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
};

/**
 * oidc-provider's adapter interface over one in-process `Map`, with each
 * entry's expiry kept beside it and a per-grant index (for
 * `revokeByGrantId`, which a reused refresh token calls).
 */
class MapAdapter {
  static readonly entries = new Map<
    string,
    { payload: Payload; expiresAt: number | undefined }
  >();
  static readonly grants = new Map<string, Set<string>>();

  constructor(readonly name: string) {}

  #key(id: string): string {
    return `${this.name}:${id}`;
  }

  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    MapAdapter.entries.set(key, {
      payload,
      expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
    });
    if (payload.grantId) {
      let keys = MapAdapter.grants.get(payload.grantId);
      if (!keys) MapAdapter.grants.set(payload.grantId, keys = new Set());
      keys.add(key);
    }
    return Promise.resolve();
  }

  #get(key: string): Payload | undefined {
    const entry = MapAdapter.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      MapAdapter.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  find(id: string): Promise<Payload | undefined> {
    return Promise.resolve(this.#get(this.#key(id)));
  }

  findByUid(uid: string): Promise<Payload | undefined> {
    for (const [key, { payload }] of MapAdapter.entries) {
      if (key.startsWith(`${this.name}:`) && payload.uid === uid) {
        return Promise.resolve(this.#get(key));
      }
    }
    return Promise.resolve(undefined);
  }

  findByUserCode(userCode: string): Promise<Payload | undefined> {
    for (const [key, { payload }] of MapAdapter.entries) {
      if (key.startsWith(`${this.name}:`) && payload.userCode === userCode) {
        return Promise.resolve(this.#get(key));
      }
    }
    return Promise.resolve(undefined);
  }

  consume(id: string): Promise<void> {
    const payload = this.#get(this.#key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    MapAdapter.entries.delete(this.#key(id));
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const key of MapAdapter.grants.get(grantId) ?? []) {
      MapAdapter.entries.delete(key);
    }
    MapAdapter.grants.delete(grantId);
    return Promise.resolve();
  }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
  }],
  scopes: ["openid", "offline_access", "game"],
  rotateRefreshToken: true,
  // The service's lifetimes: code 5 minutes, access 1 hour, refresh 30 days.
  ttl: {
    AuthorizationCode: 300,
    AccessToken: 3600,
    RefreshToken: 30 * 86400,
    Grant: 30 * 86400,
  },
  cookies: { keys: ["cookie-signing-key-for-the-loopback-peer"] },
  findAccount: (_ctx: unknown, sub: string) =>
    Promise.resolve({ accountId: sub, claims: () => ({ sub }) }),
});
// Its token endpoint's refusals, if any, go to standard error.
provider.on("grant.error", (_ctx: unknown, err: Error) => {
  // deno-lint-ignore no-console
  console.error(`grant.error: ${err.message}`);
});

const client = await provider.Client.find(clientId);
if (!client) throw new Error("the client did not load");
let minted = 0;

/** One code, saved as the authorization endpoint saves it. */
async function mint(): Promise<string> {
  const accountId = `load${minted++ % 64}`;
  const grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(SCOPE);
  const grantId = await grant.save();
  return await new provider.AuthorizationCode({
    accountId,
    client,
    grantId,
    scope: SCOPE,
    redirectUri,
  }).save();
}

const server = createServer(provider.callback());
await new Promise<void>((resolve) =>
  server.listen(port, "127.0.0.1", () => resolve())
);
Deno.serve(
  { hostname: "127.0.0.1", port: mintPort, onListen: () => {} },
  async (req) => {
    const n = Number(new URL(req.url).searchParams.get("n") ?? "1");
    const codes = [];
    for (let i = 0; i < n; i++) codes.push(await mint());
    return Response.json(codes);
  },
);
// deno-lint-ignore no-console
console.error("ready");
