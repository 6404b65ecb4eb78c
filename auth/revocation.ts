/**
 * Revocation state in Deno KV: used codes, refresh families and user-level
 * revocation (DESIGN.md §5). No token is stored, only what is needed to say
 * "no" to a token that would otherwise open.
 *
 * | key                          | value                                          | expires with      |
 * | ---------------------------- | ---------------------------------------------- | ----------------- |
 * | `["code", jti]`              | `{ fid, at }` — set on first redemption         | code lifetime     |
 * | `["family", sub, fid]`       | {@linkcode Family}                              | refresh lifetime  |
 * | `["user_revoked", sub]`      | `{ before }` — tokens issued at or before die   | refresh lifetime  |
 *
 * Security-relevant expiry lives in the sealed claims and these values; KV
 * `expireIn` only cleans up.
 *
 * @module
 */
import { LIFETIME } from "./tokens.ts";
import { deleteAll, keysUnder } from "../kv.ts";

/** A refresh-token family: one sign-in, rotated on every refresh. */
export interface Family {
  sub: string;
  client_id: string;
  /** The current generation; a refresh token of this generation may rotate. */
  gen: number;
  /** When `gen` was issued (ms); the previous generation is honoured shortly after. */
  rotated_at: number;
  revoked: boolean;
}

/** Key builders: the only place these key shapes are written. */
export const keys = {
  code: (jti: string): Deno.KvKey => ["code", jti],
  family: (sub: string, fid: string): Deno.KvKey => ["family", sub, fid],
  families: (sub: string): Deno.KvKey => ["family", sub],
  userRevoked: (sub: string): Deno.KvKey => ["user_revoked", sub],
};

interface Cached<T> {
  value: T;
  at: number;
}

/** Options for {@linkcode RevocationStore}. */
export interface RevocationOptions {
  /**
   * How long an instance trusts what it read about a family or user before
   * reading KV again (ms). This bounds how late another instance notices a
   * revocation of an access token. Default 5 seconds.
   */
  cacheMs?: number;
  /** Most entries per cache; the oldest are dropped first. Default 10,000. */
  maxEntries?: number;
}

/** Reads and writes revocation state, with a short per-instance cache. */
export class RevocationStore {
  readonly #kv: Deno.Kv;
  readonly #now: () => number;
  readonly #cacheMs: number;
  readonly #maxEntries: number;
  readonly #families = new Map<string, Cached<Family | null>>();
  readonly #users = new Map<string, Cached<number | null>>();
  /**
   * Moves before and after every revocation made here: a read that overlapped
   * one (it saw the epoch move) is not cached.
   */
  #epoch = 0;

  constructor(kv: Deno.Kv, now: () => number, options: RevocationOptions = {}) {
    this.#kv = kv;
    this.#now = now;
    this.#cacheMs = options.cacheMs ?? 5_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** The access-token revocation bound, for documentation and metadata. */
  get cacheMs(): number {
    return this.#cacheMs;
  }

  /**
   * Marks a code used and starts its refresh family, atomically, only if the
   * code was never redeemed. `false` means the code was already used.
   */
  async redeemCode(
    jti: string,
    fid: string,
    family: Family,
  ): Promise<boolean> {
    const codeKey = keys.code(jti);
    const result = await this.#kv.atomic()
      .check({ key: codeKey, versionstamp: null })
      .set(codeKey, { fid, at: this.#now() }, {
        expireIn: LIFETIME.code * 1000,
      })
      .set(keys.family(family.sub, fid), family, {
        expireIn: LIFETIME.refresh * 1000,
      })
      .commit();
    if (result.ok) {
      this.#remember(this.#families, `${family.sub}\n${fid}`, family);
    }
    return result.ok;
  }

  /** The family and its versionstamp, read from KV (never cached: refresh is rare). */
  async family(
    sub: string,
    fid: string,
  ): Promise<Deno.KvEntryMaybe<Family>> {
    return await this.#kv.get<Family>(keys.family(sub, fid));
  }

  /**
   * Moves a family to its next generation if nobody else did since `entry`
   * was read. `false` means a concurrent refresh won; read again.
   */
  async rotate(
    entry: Deno.KvEntry<Family>,
    next: Family,
  ): Promise<boolean> {
    const result = await this.#kv.atomic()
      .check(entry)
      .set(entry.key, next, { expireIn: LIFETIME.refresh * 1000 })
      .commit();
    return result.ok;
  }

  /** Revokes one refresh family (and the access tokens issued from it). */
  async revokeFamily(sub: string, fid: string): Promise<void> {
    const key = keys.family(sub, fid);
    const entry = await this.#kv.get<Family>(key);
    this.#epoch++;
    if (entry.value && !entry.value.revoked) {
      await this.#kv.set(key, { ...entry.value, revoked: true }, {
        expireIn: LIFETIME.refresh * 1000,
      });
    }
    this.#epoch++;
    this.#families.delete(`${sub}\n${fid}`);
  }

  /** Revokes everything issued to `sub` until now: codes, refresh and access tokens. */
  async revokeUser(sub: string): Promise<void> {
    const before = this.#now();
    this.#epoch++;
    await this.#kv.set(keys.userRevoked(sub), { before }, {
      expireIn: LIFETIME.refresh * 1000,
    });
    this.#epoch++;
    this.#remember(this.#users, sub, before);
  }

  /**
   * Deletes every key of `sub` here: its refresh families and its revocation
   * record. A missing family counts as revoked, so this revokes too.
   */
  async eraseUser(sub: string): Promise<void> {
    this.#epoch++;
    await deleteAll(this.#kv, [
      keys.userRevoked(sub),
      ...await keysUnder(this.#kv, keys.families(sub)),
    ]);
    this.#epoch++;
    for (const key of this.#families.keys()) {
      if (key.startsWith(`${sub}\n`)) this.#families.delete(key);
    }
    this.#users.delete(sub);
  }

  /** When `sub` was last revoked (ms), or `null`. Read from KV. */
  async userRevokedAt(sub: string): Promise<number | null> {
    const entry = await this.#kv.get<{ before: number }>(keys.userRevoked(sub));
    return entry.value?.before ?? null;
  }

  /**
   * Whether an access token of family `fid`, issued to `sub` at `iat`, has
   * been revoked. Answers from the per-instance cache when it is fresh, so a
   * warm hot path makes no KV read; otherwise one `getMany`.
   */
  async isRevoked(sub: string, fid: string, iat: number): Promise<boolean> {
    const now = this.#now();
    const familyKey = `${sub}\n${fid}`;
    let family = this.#fresh(this.#families, familyKey, now);
    let userBefore = this.#fresh(this.#users, sub, now);
    if (family === undefined || userBefore === undefined) {
      const epoch = this.#epoch;
      const [f, u] = await this.#kv.getMany<[Family, { before: number }]>([
        keys.family(sub, fid),
        keys.userRevoked(sub),
      ]);
      family = f.value;
      userBefore = u.value?.before ?? null;
      // A revocation made here while this read was in flight may be newer
      // than what it saw: answer this request, but do not cache the answer
      // over the revocation's own entry.
      if (epoch === this.#epoch) {
        this.#remember(this.#families, familyKey, family);
        this.#remember(this.#users, sub, userBefore);
      }
    }
    // A missing family is a revoked one: deleting data revokes too.
    return family === null || family.revoked ||
      (userBefore !== null && iat <= userBefore);
  }

  #fresh<T>(
    cache: Map<string, Cached<T>>,
    key: string,
    now: number,
  ): T | undefined {
    const hit = cache.get(key);
    if (!hit) return undefined;
    if (now - hit.at >= this.#cacheMs || now < hit.at) {
      cache.delete(key);
      return undefined;
    }
    return hit.value;
  }

  #remember<T>(cache: Map<string, Cached<T>>, key: string, value: T): void {
    cache.delete(key);
    cache.set(key, { value, at: this.#now() });
    if (cache.size > this.#maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest.
      cache.delete(cache.keys().next().value!);
    }
  }
}
