/**
 * The members an operator sees on `/admin`: when each person was first seen
 * and last active, their provider, and their verified email when the
 * operator collects it (`COLLECT_EMAIL=1`); and per UTC day, how many
 * members were new and how many were active, for the chart.
 *
 * Recording is cheap: a write at each sign-in, and on the API's hot path at
 * most one per user per hour on each instance (a per-instance map of when
 * each user was last written; a row another instance wrote within the hour
 * counts too). Each write is one atomic commit that also counts the day:
 * `new` when the row did not exist, `active` when its last activity was on
 * an earlier UTC day, so each player counts once a day.
 *
 * KV rows (see the README's table):
 *
 * - `["member", sub]` → {@linkcode MemberRow}: until the person erases
 *   their data.
 * - `["member_day", "YYYY-MM-DD", "new" | "active"]` → `Deno.KvU64`: two
 *   counts per day, no user id, kept as long as the service runs.
 *
 * @module
 */
import type { Kv } from "../lib/kv.ts";
import type { Log } from "../lib/log.ts";

/** What is kept of a member. Times in Unix milliseconds. */
export interface MemberRow {
  first_seen: number;
  last_active: number;
  /** The sign-in provider (`google`, `github`, `oidc`, `dev`). */
  provider: string;
  /** The provider's verified email, only with `COLLECT_EMAIL=1`. */
  email?: string;
}

/** New members and active players on one UTC day. */
export interface DayCount {
  /** `YYYY-MM-DD`. */
  day: string;
  new: number;
  active: number;
}

/** The KV keys of this store. */
export const memberKeys = {
  member: (sub: string): Deno.KvKey => ["member", sub],
  members: (): Deno.KvKey => ["member"],
  day: (day: string, kind: "new" | "active"): Deno.KvKey => [
    "member_day",
    day,
    kind,
  ],
};

/** How often, at most, a user's activity is written (ms). */
export const ACTIVE_EVERY_MS = 60 * 60 * 1000;
/** Most users whose last write an instance remembers; the oldest go first. */
const REMEMBERED = 10_000;
const MAX_ATTEMPTS = 5;
const DAY_MS = 86_400_000;

/** The UTC day of a time, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Records and lists members. */
export class Members {
  readonly #kv: Kv;
  readonly #now: () => number;
  readonly #log: Log;
  /** User id → when this instance last knew their row was written. */
  readonly #written = new Map<string, number>();

  /** `now` returns milliseconds since the epoch, like `Date.now`. */
  constructor(kv: Kv, now: () => number, log: Log) {
    this.#kv = kv;
    this.#now = now;
    this.#log = log;
  }

  /**
   * A completed sign-in: first seen (when new), last active, and the email
   * this sign-in gave (only ever a verified one, and only when collecting;
   * without one, none is kept).
   */
  async signedIn(
    sub: string,
    provider: string,
    email: string | undefined,
  ): Promise<void> {
    await this.#write(sub, null, (row, now) => ({
      first_seen: row?.first_seen ?? now,
      last_active: now,
      provider,
      ...(email !== undefined ? { email } : {}),
    })).catch((err) => this.#failed(err));
  }

  /**
   * The user made an authenticated call within the sign-in `session` (the
   * KV key of its refresh family). Costs nothing more than a map look-up
   * unless an hour passed since this instance last wrote (or saw) their
   * row. Nothing is written once the session is gone (a sign-out or an
   * erasure): an instance still trusting the token from its cache never
   * brings an erased member back.
   */
  seen(sub: string, session: Deno.KvKey): Promise<void> | undefined {
    const last = this.#written.get(sub);
    if (last !== undefined && this.#now() - last < ACTIVE_EVERY_MS) {
      return undefined;
    }
    return this.#write(sub, session, (row, now) => {
      if (row && now - row.last_active < ACTIVE_EVERY_MS) return null;
      return {
        first_seen: row?.first_seen ?? now,
        last_active: now,
        provider: row?.provider ?? sub.slice(0, sub.indexOf(":")),
        ...(row?.email !== undefined ? { email: row.email } : {}),
      };
    }).catch((err) => this.#failed(err));
  }

  /** Bookkeeping: the sign-in or call it rides on still succeeds. */
  #failed(err: unknown): void {
    this.#log("warn", "member activity not recorded", {
      reason: err instanceof Error ? err.message : String(err),
    });
  }

  /**
   * One checked commit: the row as `next` makes it from what was read
   * (`null`: nothing to write), the day's counts with it.
   */
  async #write(
    sub: string,
    session: Deno.KvKey | null,
    next: (row: MemberRow | null, now: number) => MemberRow | null,
  ): Promise<void> {
    const key = memberKeys.member(sub);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const [entry, alive] = session
        ? await this.#kv.getMany<[MemberRow, unknown]>([key, session])
        : [await this.#kv.get<MemberRow>(key), null];
      if (alive && alive.versionstamp === null) return;
      const now = this.#now();
      const row = next(entry.value, now);
      if (row === null) {
        this.#remember(sub, entry.value!.last_active);
        return;
      }
      const op = this.#kv.atomic().check(entry).set(key, row);
      if (alive) op.check(alive);
      const today = utcDay(now);
      if (entry.value === null) op.sum(memberKeys.day(today, "new"), 1n);
      if (entry.value === null || utcDay(entry.value.last_active) !== today) {
        op.sum(memberKeys.day(today, "active"), 1n);
      }
      if ((await op.commit()).ok) {
        this.#remember(sub, now);
        return;
      }
    }
    // Lost every race: someone else is writing this row right now.
  }

  #remember(sub: string, at: number): void {
    this.#written.delete(sub);
    this.#written.set(sub, at);
    if (this.#written.size > REMEMBERED) {
      this.#written.delete(this.#written.keys().next().value!);
    }
  }

  /** Erases the member row (and with it any email). */
  async erase(sub: string): Promise<void> {
    this.#written.delete(sub);
    await this.#kv.delete(memberKeys.member(sub));
  }

  /** One member's row, or `null`. */
  async get(sub: string): Promise<MemberRow | null> {
    return (await this.#kv.get<MemberRow>(memberKeys.member(sub))).value;
  }

  /**
   * Members in user-id order, `limit` at a time; `cursor` continues a
   * listing (it is `null` at the end).
   */
  async page(
    limit: number,
    cursor?: string,
  ): Promise<{ rows: [sub: string, MemberRow][]; cursor: string | null }> {
    const list = this.#kv.list<MemberRow>(
      { prefix: memberKeys.members() },
      { limit: limit + 1, ...(cursor ? { cursor } : {}) },
    );
    const rows: [string, MemberRow][] = [];
    let after = "";
    let more = false;
    for await (const { key, value } of list) {
      if (rows.length === limit) {
        more = true;
        break;
      }
      rows.push([String(key[1]), value]);
      // Where the next page starts: after the last row taken.
      after = list.cursor;
    }
    return { rows, cursor: more ? after : null };
  }

  /** Every member, in user-id order. */
  async *all(): AsyncGenerator<[sub: string, MemberRow]> {
    for await (
      const { key, value } of this.#kv.list<MemberRow>({
        prefix: memberKeys.members(),
      })
    ) {
      yield [String(key[1]), value];
    }
  }

  /** How many members there are, and how many with an email. */
  async totals(): Promise<{ members: number; withEmail: number }> {
    let members = 0;
    let withEmail = 0;
    for await (const [, row] of this.all()) {
      members++;
      if (row.email !== undefined) withEmail++;
    }
    return { members, withEmail };
  }

  /** New members and active players on each of the last `n` UTC days, oldest first. */
  async days(n: number): Promise<DayCount[]> {
    const now = this.#now();
    const days = Array.from(
      { length: n },
      (_, i) => utcDay(now - (n - 1 - i) * DAY_MS),
    );
    const counts = new Map(
      days.map((day) => [day, { day, new: 0, active: 0 }]),
    );
    for await (
      const { key, value } of this.#kv.list<Deno.KvU64>({
        start: ["member_day", days[0]!],
        end: ["member_day", `${days[days.length - 1]!}\uffff`],
      })
    ) {
      const count = counts.get(String(key[1]));
      const kind = key[2];
      if (count && (kind === "new" || kind === "active")) {
        count[kind] = Number(value.value);
      }
    }
    return [...counts.values()];
  }
}
