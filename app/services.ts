/**
 * What the application receives from its composition root, and the services
 * built from it once per process. Nothing below `main.ts` reads the
 * environment, opens KV, reads the real clock or calls the global `fetch`:
 * tests hand in `:memory:` KV, a fixed clock and fake upstreams.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { Account } from "../account/account.ts";
import { Members } from "../account/members.ts";
import { buildProviders } from "../auth/providers/mod.ts";
import type { UpstreamProvider } from "../auth/providers/types.ts";
import { RevocationStore } from "../auth/revocation.ts";
import { Keyring } from "../auth/seal.ts";
import { AccessTokens } from "../auth/access.ts";
import { AuthorizationServer } from "../auth/grants.ts";
import { Tokens } from "../auth/tokens.ts";
import { UpstreamTokens } from "../auth/upstream_tokens.ts";
import { Game } from "../game/game.ts";
import { guardKv, type Kv } from "../lib/kv.ts";
import { type Log, withRequestId } from "../lib/log.ts";
import { RateLimiter } from "../lib/rate_limit.ts";
import { pinnedFetch } from "../lib/pinned_fetch.ts";
import {
  type AddressedFetch,
  type Resolver,
  resolveWithDns,
} from "../lib/safe_fetch.ts";
import { ClientDirectory } from "../auth/client_directory.ts";
import { PlayClient } from "../auth/play_client.ts";
import { ClientMetadataStore } from "../auth/client_metadata_fetch.ts";
import { Billing } from "../billing/billing.ts";
import { Plans } from "../billing/plans.ts";

/** The application's dependencies. */
export interface Deps {
  config: Config;
  kv: Kv;
  /** Milliseconds since the epoch, like `Date.now`. */
  now: () => number;
  fetch: typeof fetch;
  log: Log;
  /**
   * The sealing keyring. Optional: built from `config.sealKeys` when absent;
   * tests pass one in to seal and open tokens beside the app.
   */
  keyring?: Keyring;
  /**
   * Set only by `deno task dev` (scripts/dev.ts), when the GPT client's
   * secret is one it generated for this machine: the setup guide then shows
   * it, only to this machine asking for itself directly (a loopback
   * connection, a local `Host`, no forwarding header). Not configurable from the
   * environment, so `deno task start` never shows a secret.
   */
  devGeneratedSecret?: boolean;
  /**
   * How Client ID Metadata Documents are fetched: by default over TLS to
   * the address checked after a DNS lookup (`pinnedFetch`,
   * `resolveWithDns`); tests point both at servers of their own.
   */
  documents?: { fetch: AddressedFetch; resolve: Resolver };
}

/** The services the protocol sub-apps call. */
export interface Services {
  config: Config;
  /** The log, with the id of the request being handled on every line. */
  log: Log;
  /** KV behind `guardKv`: every failure is `StorageUnavailable` (503). */
  kv: Kv;
  tokens: Tokens;
  store: RevocationStore;
  server: AuthorizationServer;
  access: AccessTokens;
  providers: ReadonlyMap<string, UpstreamProvider>;
  upstream: UpstreamTokens;
  game: Game;
  limiter: RateLimiter;
  account: Account;
  /** Players' plans, changed by Stripe's events. */
  plans: Plans;
  /** Stripe Checkout, portal and webhooks; `null` when billing is off. */
  billing: Billing | null;
  /** Every client a `client_id` may name: configured, registered, documents. */
  clients: ClientDirectory;
  /** `/play` as a client of this server: its sign-in and session. */
  play: PlayClient;
  /** First seen, last active and email of each member (`/admin`). */
  members: Members;
  /** See {@linkcode Deps.devGeneratedSecret}. */
  devGeneratedSecret: boolean;
}

/**
 * Builds every service from `deps`, once per process.
 *
 * @example
 * ```ts
 * const services = buildServices({ config, kv, now: Date.now, fetch, log });
 * await services.account.signOut("dev:alice");
 * ```
 */
export function buildServices(deps: Deps): Services {
  const { config, now } = deps;
  const log = withRequestId(deps.log);
  const keyring = deps.keyring ?? new Keyring(config.sealKeys);
  const tokens = new Tokens(keyring, now);
  // Every KV failure becomes StorageUnavailable: 503, never a 500.
  const kv = guardKv(deps.kv);
  const store = new RevocationStore(kv, now);
  const providers = buildProviders(config, { fetch: deps.fetch, now });
  const upstream = new UpstreamTokens(
    kv,
    tokens,
    providers,
    store,
    config.upstream,
    now,
    log,
  );
  const server = new AuthorizationServer(tokens, store, now, log, upstream);
  const members = new Members(kv, now, log);
  const access = new AccessTokens(
    tokens,
    store,
    now,
    (sub, session) => members.seen(sub, session),
    config.tokenCacheSize,
  );
  const game = new Game(kv, tokens, now, {
    dailyScoredRounds: config.dailyScoredRounds,
    freeRoundsPerDay: config.freeRoundsPerDay,
  });
  const limiter = new RateLimiter(kv, now);
  const plans = new Plans(kv, now);
  const billing = config.billing
    ? new Billing({
      config: config.billing,
      publicUrl: config.publicUrl,
      plans,
      tokens,
      store,
      kv,
      fetch: deps.fetch,
      now,
      log,
    })
    : null;
  const account = new Account({
    store,
    upstream,
    game,
    limiter,
    plans,
    members,
  });
  const documents = new ClientMetadataStore({
    fetch: deps.documents?.fetch ?? pinnedFetch(),
    resolve: deps.documents?.resolve ?? resolveWithDns,
    now,
    // Development: documents served on this machine (loopback https).
    dev: config.devLogin,
  });
  const clients = new ClientDirectory(config.clients, tokens, documents);
  return {
    config,
    log,
    kv,
    tokens,
    store,
    server,
    access,
    providers,
    upstream,
    game,
    limiter,
    account,
    plans,
    billing,
    clients,
    play: new PlayClient(config.publicUrl, server),
    members,
    devGeneratedSecret: deps.devGeneratedSecret ?? false,
  };
}
