/**
 * Revocation state in Deno KV: used codes, refresh families and user-level
 * revocation (DESIGN.md §5). No token is stored, only what is needed to say
 * "no" to a token that would otherwise open.
 *
 * | key                          | value                                          | expires with      |
 * | ---------------------------- | ---------------------------------------------- | ----------------- |
 * | `["code", jti]`              | `{ fid, at }` — set on first redemption         | code lifetime     |
 * | `["family", sub, fid]`       | {@linkcode Family}                              | refresh lifetime  |
 * | `["user_revoked", sub]`      | `{ before }` — tokens issued at or before die; kept after an erasure as a tombstone | refresh lifetime  |
 *
 * Security-relevant expiry lives in the sealed claims and these values; KV
 * `expireIn` only cleans up.
 *
 * @module
 */
import { LIFETIME } from "./tokens.ts";
import {
  deleteAll,
  keysUnder,
  type Kv,
  type KvAtomic,
  StorageUnavailable,
} from "../lib/kv.ts";

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

/**
 * What issuing tokens read, each entry with its versionstamp, so the commit
 * can check that none of it changed (see {@linkcode RevocationStore.issuance}).
 */
export interface Issuance {
  family: Deno.KvEntryMaybe<Family>;
  user: Deno.KvEntryMaybe<{ before: number }>;
  upstream: Deno.KvEntryMaybe<unknown> | null;
  /** Tokens of this user issued at or before this time (ms) are revoked. */
  revokedBefore: number | null;
}

/** Lost races tolerated before a revocation reports KV as unavailable. */
const MAX_ATTEMPTS = 20;
/** Families revoked per atomic operation (KV caps checks per operation). */
const BATCH = 50;
/** Families deleted with the tombstone in one atomic operation, at most. */
const ERASE_AT_ONCE = 500;

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

/** How long an instance trusts what it read about revocation, by default (ms). */
export const REVOCATION_CACHE_MS = 5_000;

/** Options for {@linkcode RevocationStore}. */
export interface RevocationOptions {
  /**
   * How long an instance trusts what it read about a family or user before
   * reading KV again (ms). This bounds how late another instance notices a
   * revocation of an access token. Default {@linkcode REVOCATION_CACHE_MS}.
   */
  cacheMs?: number;
  /** Most entries per cache; the oldest are dropped first. Default 10,000. */
  maxEntries?: number;
}

/** Reads and writes revocation state, with a short per-instance cache. */
export class RevocationStore {
  readonly #kv: Kv;
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

  constructor(kv: Kv, now: () => number, options: RevocationOptions = {}) {
    this.#kv = kv;
    this.#now = now;
    this.#cacheMs = options.cacheMs ?? REVOCATION_CACHE_MS;
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  /** The access-token revocation bound, for documentation and metadata. */
  get cacheMs(): number {
    return this.#cacheMs;
  }

  /**
   * What issuing tokens for family `fid` of `sub` depends on, read together:
   * the family, the user's revocation record and (when given) the stored
   * upstream entry. {@linkcode commitIssue} and {@linkcode redeemCode} check
   * that none of them changed since.
   */
  async issuance(
    sub: string,
    fid: string,
    upstream?: Deno.KvKey,
  ): Promise<Issuance> {
    const read: Deno.KvKey[] = [keys.family(sub, fid), keys.userRevoked(sub)];
    if (upstream) read.push(upstream);
    const [family, user, up] = await this.#kv.getMany(read) as [
      Deno.KvEntryMaybe<Family>,
      Deno.KvEntryMaybe<{ before: number }>,
      Deno.KvEntryMaybe<unknown>?,
    ];
    return {
      family,
      user,
      upstream: up ?? null,
      revokedBefore: user.value?.before ?? null,
    };
  }

  /**
   * Marks a code used and starts its refresh family, atomically, only if the
   * code was never redeemed and nothing in `read` changed since it was read:
   * a revocation that lands first makes this fail, and one that lands after
   * finds the family and revokes it. `"used"` means the code was already
   * redeemed; `"changed"` means read again and decide again.
   */
  async redeemCode(
    jti: string,
    fid: string,
    family: Family,
    read: Issuance,
  ): Promise<"ok" | "used" | "changed"> {
    const codeKey = keys.code(jti);
    const result = await this.#checked(read)
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
      return "ok";
    }
    const used = await this.#kv.get(codeKey);
    return used.versionstamp === null ? "changed" : "used";
  }

  /**
   * Commits the issue of tokens from `read.family`: moves it to `next` (a
   * rotation) or, with no `next`, only checks that the family, the user's
   * revocation record and the upstream entry are still what was read.
   * `false` means something changed (a concurrent refresh, a revocation):
   * read again and decide again.
   */
  async commitIssue(read: Issuance, next?: Family): Promise<boolean> {
    const op = this.#checked(read);
    if (next) {
      op.set(read.family.key, next, { expireIn: LIFETIME.refresh * 1000 });
    }
    return (await op.commit()).ok;
  }

  #checked(read: Issuance): KvAtomic {
    const op = this.#kv.atomic().check(read.family).check(read.user);
    if (read.upstream) op.check(read.upstream);
    return op;
  }

  /** Revokes one refresh family (and the access tokens issued from it). */
  async revokeFamily(sub: string, fid: string): Promise<void> {
    const key = keys.family(sub, fid);
    this.#epoch++;
    try {
      for (let attempt = 0;; attempt++) {
        const entry = await this.#kv.get<Family>(key);
        if (!entry.value || entry.value.revoked) return;
        // Checked, so a rotation committing meanwhile is not overwritten
        // with an older generation; the loop then revokes what it wrote.
        const done = await this.#kv.atomic().check(entry)
          .set(key, { ...entry.value, revoked: true }, {
            expireIn: LIFETIME.refresh * 1000,
          })
          .commit();
        if (done.ok) return;
        if (attempt >= MAX_ATTEMPTS) {
          throw new StorageUnavailable("revoke", "kept changing");
        }
      }
    } finally {
      this.#epoch++;
      this.#families.delete(`${sub}\n${fid}`);
    }
  }

  /**
   * Revokes everything issued to `sub` until now: codes, refresh and access
   * tokens. The record is written first and every family revoked after, so
   * it is linearizable with issuing tokens: an issue that commits before the
   * record is found and revoked here; one that commits after fails its check
   * on the record (see {@linkcode commitIssue}).
   */
  async revokeUser(sub: string): Promise<void> {
    this.#epoch++;
    try {
      const before = await this.#writeRevoked(sub);
      this.#remember(this.#users, sub, before);
      for (let attempt = 0;; attempt++) {
        const live: Deno.KvEntry<Family>[] = [];
        for await (
          const entry of this.#kv.list<Family>({ prefix: keys.families(sub) })
        ) {
          if (!entry.value.revoked) live.push(entry);
        }
        if (live.length === 0) return;
        let all = true;
        for (let i = 0; i < live.length; i += BATCH) {
          const op = this.#kv.atomic();
          for (const entry of live.slice(i, i + BATCH)) {
            op.check(entry).set(entry.key, { ...entry.value, revoked: true }, {
              expireIn: LIFETIME.refresh * 1000,
            });
          }
          if (!(await op.commit()).ok) all = false;
        }
        if (all) return;
        if (attempt >= MAX_ATTEMPTS) {
          throw new StorageUnavailable("revoke", "families kept changing");
        }
      }
    } finally {
      this.#epoch++;
      this.#forgetFamilies(sub);
    }
  }

  /**
   * Erases `sub` here: every refresh family is deleted (a missing family
   * counts as revoked), and the revocation record stays as a tombstone for
   * the refresh lifetime, so no code or token issued before the erasure
   * ever works again. It holds only the user id and a time.
   *
   * The tombstone and the deletions go in one atomic operation, so a failure
   * leaves everything as it was and the same call can be retried with the
   * same token. A code redeemed between the listing and the commit is found
   * by the second listing; one redeemed after fails its check on the record.
   */
  async eraseUser(sub: string): Promise<void> {
    const key = keys.userRevoked(sub);
    this.#epoch++;
    try {
      for (let attempt = 0;; attempt++) {
        const entry = await this.#kv.get<{ before: number }>(key);
        const families = await keysUnder(this.#kv, keys.families(sub));
        if (families.length > ERASE_AT_ONCE) {
          // Too many for one operation: tombstone first, then in batches.
          this.#remember(this.#users, sub, await this.#writeRevoked(sub));
          await deleteAll(this.#kv, families);
          break;
        }
        const before = Math.max(this.#now(), entry.value?.before ?? 0);
        const op = this.#kv.atomic().check(entry)
          .set(key, { before }, { expireIn: LIFETIME.refresh * 1000 });
        for (const family of families) op.delete(family);
        if ((await op.commit()).ok) {
          this.#remember(this.#users, sub, before);
          break;
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new StorageUnavailable(
            "erase",
            "revocation record kept changing",
          );
        }
      }
      await deleteAll(this.#kv, await keysUnder(this.#kv, keys.families(sub)));
    } finally {
      this.#epoch++;
      this.#forgetFamilies(sub);
    }
  }

  /**
   * Writes "revoked before now" for `sub`, never moving it back; returns it.
   * A plain write, not a checked one: of two revocations at once either
   * value serves, and the record must land even when KV refuses atomic
   * operations (every step after it is then retried by the caller).
   */
  async #writeRevoked(sub: string): Promise<number> {
    const key = keys.userRevoked(sub);
    const entry = await this.#kv.get<{ before: number }>(key);
    const before = Math.max(this.#now(), entry.value?.before ?? 0);
    await this.#kv.set(key, { before }, { expireIn: LIFETIME.refresh * 1000 });
    return before;
  }

  #forgetFamilies(sub: string): void {
    for (const key of this.#families.keys()) {
      if (key.startsWith(`${sub}\n`)) this.#families.delete(key);
    }
  }

  /**
   * The version of `sub`'s sign-out record now (`""`: none). A code carries
   * it and redeems only while it is unchanged: every sign-out, erasure or
   * upstream refusal writes the record, so a code issued before one of them
   * never redeems after it, whatever the instances' clocks say.
   */
  async revocationVersion(sub: string): Promise<string> {
    return (await this.#kv.get(keys.userRevoked(sub))).versionstamp ?? "";
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
