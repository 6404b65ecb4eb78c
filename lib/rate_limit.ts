/**
 * Rate-limit windows in KV, shared by the HTTP guards that count requests and
 * the account service that forgets a user's windows.
 *
 * | key                            | value                      |
 * | ------------------------------ | -------------------------- |
 * | `["rate", bucket, id, window]` | requests counted (number)  |
 *
 * @module
 */
import { deleteAll, keysUnder, type Kv } from "./kv.ts";

/** The rate-limit bucket of game moves; its windows are keyed by user. */
export const GAME_BUCKET = "game";
/** The rate-limit bucket of reads that cost KV calls; keyed by user too. */
export const READ_BUCKET = "read";

/** Every rate limit counts requests per window of this many seconds. */
export const RATE_WINDOW_SECONDS = 60;
/** Windows a rate-limit counter outlives its own by, before KV drops it. */
export const RATE_WINDOWS_KEPT = 2;

/** A rate-limit decision. */
export type RateDecision = { ok: true } | { ok: false; retryAfter: number };

/**
 * Fixed-window rate limits in KV: `["rate", bucket, id, window]` counts the
 * requests of one window. A check is one read and, when allowed, one atomic
 * check-and-set (retried if another instance counted at the same moment), so
 * no request is ever left uncounted.
 */
export class RateLimiter {
  readonly #kv: Kv;
  readonly #now: () => number;

  constructor(kv: Kv, now: () => number) {
    this.#kv = kv;
    this.#now = now;
  }

  /** Deletes every window of `id` in `bucket` (a user erasing their data). */
  async forget(bucket: string, id: string): Promise<void> {
    await deleteAll(this.#kv, await keysUnder(this.#kv, ["rate", bucket, id]));
  }

  /** Counts one request of `id` in `bucket`; refuses past `limit` per `windowSeconds`. */
  async hit(
    bucket: string,
    id: string,
    limit: number,
    windowSeconds: number,
  ): Promise<RateDecision> {
    const windowMs = windowSeconds * 1000;
    const now = this.#now();
    const window = Math.floor(now / windowMs);
    const key = ["rate", bucket, id, window];
    for (;;) {
      const seen = await this.#kv.get<number>(key);
      const count = seen.value ?? 0;
      if (count >= limit) {
        const left = ((window + 1) * windowMs - now) / 1000;
        return { ok: false, retryAfter: Math.max(1, Math.ceil(left)) };
      }
      // expireIn is cleanup only; the window index in the key decides.
      const done = await this.#kv.atomic().check(seen)
        .set(key, count + 1, { expireIn: windowMs * RATE_WINDOWS_KEPT })
        .commit();
      if (done.ok) return { ok: true };
    }
  }
}
