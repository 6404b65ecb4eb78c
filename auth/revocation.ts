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
 * | `["revocation_log", at, id]` | `{ sub, fids?, before? }` — one revocation, for every instance's access-token check | access lifetime + 5 min |
 * | `["revocation_log_head"]`    | the time of the last revocation: moves with every entry | never             |
 * | `["revocation_log_since"]`   | when this deployment started keeping the log    | never             |
 *
 * Access tokens are checked against the log, not per token: every instance
 * keeps the revocations of the last hour in memory and asks KV at most once
 * per {@linkcode REVOCATION_CACHE_MS} whether the log moved (one read; a
 * listing only when it did). So a warm request makes no KV read however many
 * distinct tokens are in use, and memory grows with revocations, not tokens.
 * Security-relevant expiry lives in the sealed claims and these values; KV
 * `expireIn` only cleans up.
 *
 * @module
 */
import { LIFETIME, randomId } from "./tokens.ts";
import {
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
  /**
   * The log has no start yet: the commit records `at` as its start (checked,
   * so of two first grants one commits and the other reads again).
   */
  logStart: { entry: Deno.KvEntryMaybe<number>; at: number } | null;
}

/**
 * How far ahead of its own clock a revocation record reaches (ms). A
 * refresh that committed against the old record a moment before the new one
 * landed stamped its tokens with its own clock: reaching ahead covers them
 * too, so they are refused on their next use instead of rotating on until
 * the family sweep catches them. A sign-in after the record is unaffected:
 * its tokens are stamped later than the record its commit checked.
 */
export const REVOKE_AHEAD_MS = 1_000;

/** Lost races tolerated before a revocation reports KV as unavailable. */
const MAX_ATTEMPTS = 20;
/** Families revoked per atomic operation (KV caps checks per operation). */
const BATCH = 50;
/** Families deleted with the tombstone in one atomic operation, at most. */
const ERASE_AT_ONCE = 500;

/** The family id of a `["family", sub, fid]` key. */
function fidOf(key: Deno.KvKey): string {
  return String(key[2]);
}

/** Key builders: the only place these key shapes are written. */
export const keys = {
  code: (jti: string): Deno.KvKey => ["code", jti],
  family: (sub: string, fid: string): Deno.KvKey => ["family", sub, fid],
  families: (sub: string): Deno.KvKey => ["family", sub],
  userRevoked: (sub: string): Deno.KvKey => ["user_revoked", sub],
  log: (at: number, id: string): Deno.KvKey => ["revocation_log", at, id],
  logPrefix: ["revocation_log"] as Deno.KvKey,
  logHead: ["revocation_log_head"] as Deno.KvKey,
  logSince: ["revocation_log_since"] as Deno.KvKey,
};

/**
 * One revocation in the log: families of a user (revoked or deleted), and/or
 * everything the user had until `before`.
 */
export interface LoggedRevocation {
  sub: string;
  fids?: string[];
  before?: number;
}

/**
 * How far back an instance lists the log when it moved: entries are keyed
 * by the writing instance's clock, so instances' clocks may differ by this
 * much (ms) without an entry being missed.
 */
export const LOG_SLACK_MS = 60_000;

/** How long a log entry is kept: an access token outlives no revocation longer. */
export const LOG_KEEP_MS = LIFETIME.access * 1000 + 5 * 60_000;

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
   * The last issue this instance committed for each family (`sub\nfid`),
   * and the user records (by `sub`) it last read or committed against: what
   * the next grant may try its checked commit on without reading first.
   * They may be stale (another instance may have written since); the commit
   * checks every entry, so a stale one costs a failed commit and a read, and
   * grants decide nothing else on them (see `grants.ts`).
   */
  readonly #issues = new Map<string, Cached<Issuance>>();
  readonly #userRecords = new Map<
    string,
    Cached<Deno.KvEntryMaybe<{ before: number }>>
  >();
  /**
   * Revocations of a family (`sub\nfid`) under way here. A grant of that
   * family here waits for it before reading: back-to-back rotations could
   * otherwise commit between each of its reads and writes, every time.
   */
  readonly #revoking = new Map<string, Promise<void>>();
  /**
   * Moves before and after every revocation made here: a read that overlapped
   * one (it saw the epoch move) is not cached.
   */
  #epoch = 0;
  /** Revoked families (`sub\nfid`) of the last hour → when (ms). */
  readonly #revokedFamilies = new Map<string, number>();
  /** Users revoked in the last hour → tokens issued at or before this die. */
  readonly #revokedUsers = new Map<string, { before: number; at: number }>();
  /** Log entries already applied (`at|id` → at), to skip them when listed again. */
  readonly #applied = new Map<string, number>();
  /** The newest entry time seen; `null` until the first listing. */
  #cursor: number | null = null;
  /** The head's versionstamp at the last listing. */
  #head: string | null = null;
  /** When the log was last found unchanged or listed (ms). */
  #syncedAt = 0;
  #syncing: Promise<void> | null = null;
  /** When this deployment started the log: older tokens are checked per token. */
  #since: number | null = null;

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
    const revoking = this.#revoking.get(`${sub}\n${fid}`);
    if (revoking) await revoking.catch(() => {});
    const read: Deno.KvKey[] = [keys.family(sub, fid), keys.userRevoked(sub)];
    if (upstream) read.push(upstream);
    // Until this instance knows when the log started, the batch asks too,
    // and the commit starts it if no instance has: tokens issued here must
    // postdate the start, or every check of them would take the older
    // tokens' path (a read per token) for their whole life.
    const learn = this.#since === null;
    if (learn) read.push(keys.logSince);
    const entries = await this.#kv.getMany(read);
    let logStart: Issuance["logStart"] = null;
    if (learn) {
      const since = entries.pop() as Deno.KvEntryMaybe<number>;
      if (since.value !== null) this.#since ??= since.value;
      // A millisecond before now: the tokens of this very grant, stamped
      // with the same clock, postdate it even within the same millisecond.
      else logStart = { entry: since, at: this.#now() - 1 };
    }
    const [family, user, up] = entries as [
      Deno.KvEntryMaybe<Family>,
      Deno.KvEntryMaybe<{ before: number }>,
      Deno.KvEntryMaybe<unknown>?,
    ];
    this.#remember(this.#userRecords, sub, user);
    return {
      family,
      user,
      upstream: up ?? null,
      revokedBefore: user.value?.before ?? null,
      logStart,
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
    const familyKey = keys.family(family.sub, fid);
    const result = await this.#checked(read)
      .check({ key: codeKey, versionstamp: null })
      .set(codeKey, { fid, at: this.#now() }, {
        expireIn: LIFETIME.code * 1000,
      })
      .set(familyKey, family, {
        expireIn: LIFETIME.refresh * 1000,
      })
      .commit();
    if (result.ok) {
      this.#remember(this.#families, `${family.sub}\n${fid}`, family);
      this.#committed(read, {
        key: familyKey,
        value: family,
        versionstamp: result.versionstamp,
      });
      return "ok";
    }
    this.#forget(read);
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
    const result = await op.commit();
    if (!result.ok) {
      this.#forget(read);
      return false;
    }
    this.#committed(
      read,
      next
        ? {
          key: read.family.key,
          value: next,
          versionstamp: result.versionstamp,
        }
        : read.family,
    );
    return true;
  }

  /**
   * The issue this instance last committed for family `fid` of `sub`, if it
   * remembers one: possibly stale, good only to try a checked commit on.
   */
  lastIssue(sub: string, fid: string): Issuance | undefined {
    const id = `${sub}\n${fid}`;
    // A revocation under way here: the grant reads, after it. Until this
    // instance knows when the revocation log started, it reads too (see
    // `issuance`).
    if (this.#revoking.has(id) || this.#since === null) return undefined;
    return this.#issues.get(id)?.value;
  }

  /**
   * What redeeming a code of `sub` for the new family `fid` depends on, from
   * the user record this instance last saw, if it remembers it: possibly
   * stale, good only to try a checked commit on.
   */
  lastCodeIssuance(sub: string, fid: string): Issuance | undefined {
    const user = this.#userRecords.get(sub)?.value;
    if (!user || this.#since === null) return undefined;
    return {
      family: { key: keys.family(sub, fid), value: null, versionstamp: null },
      user,
      upstream: null,
      revokedBefore: user.value?.before ?? null,
      logStart: null,
    };
  }

  /**
   * Remembers a committed issue: the log's start it recorded, `family` as it
   * now stands, and the user record the commit checked. Only an issue that
   * depends on no upstream entry is remembered (a grant that checks one
   * reads first).
   */
  #committed(read: Issuance, family: Deno.KvEntryMaybe<Family>): void {
    if (read.logStart) this.#since ??= read.logStart.at;
    const [, sub, fid] = family.key.map(String);
    this.#remember(this.#userRecords, sub!, read.user);
    if (read.upstream !== null || family.value === null) return;
    this.#remember(this.#issues, `${sub}\n${fid}`, {
      family,
      user: read.user,
      upstream: null,
      revokedBefore: read.revokedBefore,
      logStart: null,
    });
  }

  /** Drops what a failed commit was tried on. */
  #forget(read: Issuance): void {
    const [, sub, fid] = read.family.key.map(String);
    this.#issues.delete(`${sub}\n${fid}`);
    this.#userRecords.delete(sub!);
  }

  #checked(read: Issuance): KvAtomic {
    const op = this.#kv.atomic().check(read.family).check(read.user);
    if (read.upstream) op.check(read.upstream);
    if (read.logStart) {
      op.check(read.logStart.entry).set(keys.logSince, read.logStart.at);
    }
    return op;
  }

  /** Revokes one refresh family (and the access tokens issued from it). */
  async revokeFamily(sub: string, fid: string): Promise<void> {
    const id = `${sub}\n${fid}`;
    // Grants of the family wait for every revocation of it under way here,
    // not only the latest.
    const earlier = this.#revoking.get(id);
    const own = this.#revokeFamily(sub, fid);
    const revoking = earlier
      ? Promise.allSettled([earlier, own]).then(() => own)
      : own;
    this.#revoking.set(id, revoking);
    try {
      await revoking;
    } finally {
      if (this.#revoking.get(id) === revoking) this.#revoking.delete(id);
    }
  }

  async #revokeFamily(sub: string, fid: string): Promise<void> {
    const key = keys.family(sub, fid);
    this.#epoch++;
    try {
      for (let attempt = 0;; attempt++) {
        const entry = await this.#kv.get<Family>(key);
        if (!entry.value || entry.value.revoked) return;
        // Checked, so a rotation committing meanwhile is not overwritten
        // with an older generation; the loop then revokes what it wrote.
        const op = this.#kv.atomic().check(entry)
          .set(key, { ...entry.value, revoked: true }, {
            expireIn: LIFETIME.refresh * 1000,
          });
        const apply = this.#logTo(op, { sub, fids: [fid] });
        const done = await op.commit();
        if (done.ok) return apply();
        if (attempt >= MAX_ATTEMPTS) {
          throw new StorageUnavailable("revoke", "kept changing");
        }
      }
    } finally {
      this.#epoch++;
      this.#families.delete(`${sub}\n${fid}`);
      this.#issues.delete(`${sub}\n${fid}`);
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
        // One operation per family: each competes only with its own
        // rotations, so back-to-back refreshes of one family cannot starve
        // the others' revocation.
        const results = await Promise.all(live.map(async (entry) => {
          const op = this.#kv.atomic().check(entry)
            .set(entry.key, { ...entry.value, revoked: true }, {
              expireIn: LIFETIME.refresh * 1000,
            });
          // Logged too: a family issued by an instance whose clock runs
          // ahead may hold tokens stamped after `before`.
          const apply = this.#logTo(op, { sub, fids: [fidOf(entry.key)] });
          if (!(await op.commit()).ok) return false;
          apply();
          return true;
        }));
        const all = results.every(Boolean);
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
          await this.#deleteFamilies(sub, families);
          break;
        }
        const before = Math.max(
          this.#now() + REVOKE_AHEAD_MS,
          entry.value?.before ?? 0,
        );
        const op = this.#kv.atomic().check(entry)
          .set(key, { before }, { expireIn: LIFETIME.refresh * 1000 });
        for (const family of families) op.delete(family);
        const apply = this.#logTo(op, {
          sub,
          before,
          fids: families.map(fidOf),
        });
        if ((await op.commit()).ok) {
          apply();
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
      await this.#deleteFamilies(
        sub,
        await keysUnder(this.#kv, keys.families(sub)),
      );
    } finally {
      this.#epoch++;
      this.#forgetFamilies(sub);
    }
  }

  /** Deletes families of `sub` in batches, each batch logged as revoked. */
  async #deleteFamilies(sub: string, families: Deno.KvKey[]): Promise<void> {
    for (let i = 0; i < families.length; i += BATCH) {
      const op = this.#kv.atomic();
      const batch = families.slice(i, i + BATCH);
      for (const key of batch) op.delete(key);
      const apply = this.#logTo(op, { sub, fids: batch.map(fidOf) });
      await op.commit();
      apply();
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
    const before = Math.max(
      this.#now() + REVOKE_AHEAD_MS,
      entry.value?.before ?? 0,
    );
    await this.#kv.set(key, { before }, { expireIn: LIFETIME.refresh * 1000 });
    // Then the log, by plain writes as well (an entry, then the head): if
    // they fail, the caller answers 503 and the same call is retried.
    const at = this.#now();
    const id = randomId(8);
    const revocation: LoggedRevocation = { sub, before };
    await this.#kv.set(keys.log(at, id), revocation, { expireIn: LOG_KEEP_MS });
    await this.#kv.set(keys.logHead, at);
    this.#apply(at, id, revocation);
    return before;
  }

  /**
   * Adds `revocation` to the log in `op` (and moves the log's head); the
   * returned function applies it here once `op` has committed.
   */
  #logTo(op: KvAtomic, revocation: LoggedRevocation): () => void {
    const at = this.#now();
    const id = randomId(8);
    op.set(keys.log(at, id), revocation, { expireIn: LOG_KEEP_MS })
      .set(keys.logHead, at);
    return () => this.#apply(at, id, revocation);
  }

  /** Takes one log entry into this instance's view of revocations. */
  #apply(at: number, id: string, revocation: LoggedRevocation): void {
    const seen = `${at}|${id}`;
    if (this.#applied.has(seen)) return;
    this.#applied.set(seen, at);
    const { sub, fids, before } = revocation;
    for (const fid of fids ?? []) {
      this.#revokedFamilies.set(`${sub}\n${fid}`, at);
    }
    if (before !== undefined) {
      const known = this.#revokedUsers.get(sub);
      if (!known || known.before < before) {
        this.#revokedUsers.set(sub, { before, at });
      }
    }
  }

  /**
   * Brings this instance's view of the log up to date, at most once per
   * cache period: one read of the head, and a listing only when it moved.
   * Concurrent callers share one pass.
   */
  async #sync(): Promise<void> {
    if (this.#logFresh(this.#now())) return;
    this.#syncing ??= this.#pull().finally(() => {
      this.#syncing = null;
    });
    await this.#syncing;
  }

  async #pull(): Promise<void> {
    const started = this.#now();
    if (this.#since === null) this.#since = await this.#logStart(started);
    // Read before listing: an entry that lands during the listing moves the
    // head past what was read, and the next pass lists again.
    const head = await this.#kv.get<number>(keys.logHead);
    if (this.#cursor === null || head.versionstamp !== this.#head) {
      const from = this.#cursor === null
        ? started - LOG_KEEP_MS
        : this.#cursor - LOG_SLACK_MS;
      let newest = this.#cursor ?? from;
      for await (
        const entry of this.#kv.list<LoggedRevocation>({
          prefix: keys.logPrefix,
          start: keys.log(from, ""),
        })
      ) {
        const [, at, id] = entry.key as [string, number, string];
        this.#apply(at, id, entry.value);
        newest = Math.max(newest, at);
      }
      this.#cursor = newest;
      this.#head = head.versionstamp;
    }
    this.#forgetOld(started);
    this.#syncedAt = started;
  }

  /**
   * When this deployment started keeping the log: written once, by the
   * first instance to look. Access tokens issued before it are checked the
   * way they were before there was a log, one read per token.
   */
  async #logStart(now: number): Promise<number> {
    for (;;) {
      const found = await this.#kv.get<number>(keys.logSince);
      if (found.value !== null) return found.value;
      const done = await this.#kv.atomic()
        .check({ key: keys.logSince, versionstamp: null })
        .set(keys.logSince, now)
        .commit();
      if (done.ok) return now;
    }
  }

  /** Drops revocations no live access token can be affected by. */
  #forgetOld(now: number): void {
    const oldest = now - LOG_KEEP_MS;
    for (const [key, at] of this.#applied) {
      if (at < oldest) this.#applied.delete(key);
    }
    for (const [key, at] of this.#revokedFamilies) {
      if (at < oldest) this.#revokedFamilies.delete(key);
    }
    for (const [key, { at }] of this.#revokedUsers) {
      if (at < oldest) this.#revokedUsers.delete(key);
    }
  }

  #forgetFamilies(sub: string): void {
    for (const cache of [this.#families, this.#issues]) {
      for (const key of cache.keys()) {
        if (key.startsWith(`${sub}\n`)) cache.delete(key);
      }
    }
    this.#userRecords.delete(sub);
  }

  /**
   * The version of `sub`'s sign-out record now (`""`: none). A code carries
   * it and redeems only while it is unchanged: every sign-out, erasure or
   * upstream refusal writes the record, so a code issued before one of them
   * never redeems after it, whatever the instances' clocks say.
   */
  async revocationVersion(sub: string): Promise<string> {
    const user = await this.#kv.get<{ before: number }>(keys.userRevoked(sub));
    this.#remember(this.#userRecords, sub, user);
    return user.versionstamp ?? "";
  }

  /**
   * Whether an access token of family `fid`, issued to `sub` at `iat`, has
   * been revoked. Answers from the per-instance cache when it is fresh, so a
   * warm hot path makes no KV read; otherwise one `getMany`.
   */
  async isRevoked(sub: string, fid: string, iat: number): Promise<boolean> {
    await this.#sync();
    return this.#fromLog(sub, fid, iat) ??
      await this.#isRevokedPerToken(sub, fid, iat);
  }

  /**
   * {@linkcode isRevoked} without waiting, when this instance's view of the
   * log is fresh and the token postdates the log: the answer of nearly every
   * request, with no promise made. `undefined`: ask {@linkcode isRevoked}.
   */
  revokedNow(sub: string, fid: string, iat: number): boolean | undefined {
    return this.#logFresh(this.#now())
      ? this.#fromLog(sub, fid, iat)
      : undefined;
  }

  /** Whether this instance's view of the log is recent enough to answer from. */
  #logFresh(now: number): boolean {
    return this.#cursor !== null && now >= this.#syncedAt &&
      now - this.#syncedAt < this.#cacheMs;
  }

  /** The log's answer for a token; `undefined` for one older than the log. */
  #fromLog(sub: string, fid: string, iat: number): boolean | undefined {
    if (!(iat > this.#since!)) return undefined;
    const user = this.#revokedUsers.get(sub);
    return (user !== undefined && iat <= user.before) ||
      this.#revokedFamilies.has(`${sub}\n${fid}`);
  }

  /**
   * The check of a token issued before this deployment kept the log: its
   * family and the user's record, read per token and cached briefly.
   */
  async #isRevokedPerToken(
    sub: string,
    fid: string,
    iat: number,
  ): Promise<boolean> {
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
