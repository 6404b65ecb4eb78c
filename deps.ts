/**
 * What the application receives from its composition root. Nothing below
 * `main.ts` reads the environment, opens KV, reads the real clock or calls the
 * global `fetch`: tests hand in `:memory:` KV, a fixed clock and fake upstreams.
 *
 * @module
 */
import type { Config } from "./config.ts";
import type { Keyring } from "./auth/seal.ts";
import type { Kv } from "./kv.ts";

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Writes one structured log line. Fields must never hold a token, code,
 * cookie, secret or upstream credential.
 */
export type Log = (
  level: LogLevel,
  msg: string,
  fields?: Record<string, unknown>,
) => void;

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

/** A log that writes JSON lines to standard output / error. */
export function jsonLog(
  write: (line: string, level: LogLevel) => void,
  now: () => number,
): Log {
  return function log(level, msg, fields) {
    write(
      JSON.stringify({
        time: new Date(now()).toISOString(),
        level,
        msg,
        ...fields,
      }),
      level,
    );
  };
}
