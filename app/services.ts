/**
 * What the application receives from its composition root. Nothing below
 * `main.ts` reads the environment, opens KV, reads the real clock or calls the
 * global `fetch`: tests hand in `:memory:` KV, a fixed clock and fake upstreams.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Keyring } from "../auth/seal.ts";
import type { Log } from "../lib/log.ts";

/** The application's dependencies. */
export interface Deps {
  config: Config;
  kv: Deno.Kv;
  /** Milliseconds since the epoch, like `Date.now`. */
  now: () => number;
  fetch: typeof fetch;
  log: Log;
  /**
   * The sealing keyring. Optional: built from `config.sealKeys` when absent;
   * tests pass one in so the PBKDF2 cost is paid once per run.
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
}
