/**
 * Rank counters: how many leaderboard rows hold each score, kept as a tree of
 * `Deno.KvU64` counters so a player's rank costs a fixed number of small
 * reads however many players there are and wherever they stand.
 *
 * `["rank", level, bucket]` counts the shown scores `s` with
 * `floor(s / 64^level) === bucket`. A player's rank is one more than the
 * number of shown scores above theirs: at each level, the buckets after the
 * player's own within the same parent (at most 63 keys, one `list`), and at
 * the top level every bucket after theirs (a handful at most: the top level
 * splits scores in steps of 2^48). At most nine lists, run in parallel; a
 * level whose buckets above the player's start past the highest score ever
 * shown (`["rank_high"]`, only ever raised with `max`) holds nothing and is
 * not read, so real boards need three or four.
 *
 * The counters change only with `sum` mutations inside the same atomic
 * operation that moves, writes or deletes the player's leaderboard row, so
 * the counters and the rows can never disagree. A decrement is a sum of
 * 2^64 − 1 (KV sums wrap around).
 *
 * Which score a player's counters hold is recorded in their player row
 * (`ranked`), so the counters can be brought up to date from the rows at any
 * time, even while players score: {@linkcode rebuildRanks}.
 *
 * @module
 */
import type { Kv, KvAtomic } from "../lib/kv.ts";

/** Children per counter: each level groups 64 buckets of the level below. */
export const RANK_BASE = 64;
/** The top level; scores up to 2^53 fit below a bucket of it. */
export const RANK_TOP = 8;
/** A KV sum of this is a decrement of one. */
const MINUS_ONE = (1n << 64n) - 1n;
/** `Deno.KvU64`: at least every shown score (the highest ever shown). */
export const RANK_HIGH_KEY: Deno.KvKey = ["rank_high"];

/** The counter key of `bucket` at `level`. */
export const rankKey = (level: number, bucket: number): Deno.KvKey => [
  "rank",
  level,
  bucket,
];

/** The bucket holding `score` at `level` (exact: a division by a power of 2). */
export function bucketOf(score: number, level: number): number {
  return Math.floor(score / RANK_BASE ** level);
}

/**
 * The counter changes that move one shown score from `from` to `to` (either
 * `null`: no row): one key per level whose bucket changes, +1 or −1.
 */
export function rankMoves(
  from: number | null,
  to: number | null,
): { key: Deno.KvKey; delta: 1 | -1 }[] {
  const moves: { key: Deno.KvKey; delta: 1 | -1 }[] = [];
  for (let level = 0; level <= RANK_TOP; level++) {
    const a = from === null ? null : bucketOf(from, level);
    const b = to === null ? null : bucketOf(to, level);
    if (a === b) continue;
    if (a !== null) moves.push({ key: rankKey(level, a), delta: -1 });
    if (b !== null) moves.push({ key: rankKey(level, b), delta: 1 });
  }
  return moves;
}

/** Adds the counter changes of {@linkcode rankMoves} to `op`. */
export function moveRank(
  op: KvAtomic,
  from: number | null,
  to: number | null,
): KvAtomic {
  for (const { key, delta } of rankMoves(from, to)) {
    op.sum(key, delta === 1 ? 1n : MINUS_ONE);
  }
  if (to !== null && to !== from) op.max(RANK_HIGH_KEY, BigInt(to));
  return op;
}

/**
 * The ranges whose counters add up to the number of shown scores above
 * `score`: per level, the buckets after `score`'s within its parent; at the
 * top level, every bucket after it. Levels whose next bucket starts above
 * `high` (no shown score is higher) are left out.
 */
export function rangesAbove(
  score: number,
  high = Infinity,
): Deno.KvListSelector[] {
  const ranges: Deno.KvListSelector[] = [];
  for (let level = 0; level <= RANK_TOP; level++) {
    const bucket = bucketOf(score, level);
    if ((bucket + 1) * RANK_BASE ** level > high) continue;
    const end = level === RANK_TOP
      ? ["rank", level + 1]
      : rankKey(level, (Math.floor(bucket / RANK_BASE) + 1) * RANK_BASE);
    ranges.push({ start: rankKey(level, bucket + 1), end });
  }
  return ranges;
}

/** The highest score ever shown, read from an entry of {@linkcode RANK_HIGH_KEY}. */
export function highOf(entry: Deno.KvEntryMaybe<Deno.KvU64>): number {
  return Number(entry.value?.value ?? 0n);
}

/**
 * How many shown scores are above `score`: at most nine bounded lists, in
 * parallel. `high` is the highest score ever shown; read when not given.
 */
export async function countAbove(
  kv: Kv,
  score: number,
  high?: number,
): Promise<number> {
  high ??= highOf(await kv.get<Deno.KvU64>(RANK_HIGH_KEY));
  const counts = await Promise.all(
    rangesAbove(score, high).map(async (range) => {
      let sum = 0n;
      for await (const { value } of kv.list<Deno.KvU64>(range)) {
        sum += value.value;
      }
      return sum;
    }),
  );
  return Number(counts.reduce((a, b) => a + b, 0n));
}

/** What the rank fields of a player row look like. */
interface Ranked {
  shown: { score: number } | null;
  /** The score the counters hold for this player; absent: none (older rows). */
  ranked?: number | null;
}

/** What {@linkcode rebuildRanks} did. */
export interface RebuildReport {
  /** Player rows read. */
  players: number;
  /** Players whose counters were brought up to date. */
  updated: number;
}

/**
 * Brings the counters up to date with every player's shown score: for each
 * player row whose `ranked` differs from its shown score, one atomic
 * operation checked against the row moves the counters and records the new
 * `ranked`. Safe at any time, while any number of instances serve and score,
 * and as often as wanted: a player who scores meanwhile makes the check fail
 * and is read again, and a player already counted is skipped.
 */
export async function rebuildRanks(
  kv: Kv,
  playerPrefix: Deno.KvKey,
  concurrency = 16,
): Promise<RebuildReport> {
  const report: RebuildReport = { players: 0, updated: 0 };
  const pending = new Set<Promise<void>>();
  for await (const listed of kv.list<Ranked>({ prefix: playerPrefix })) {
    report.players++;
    const job = updateOne(kv, listed).then((updated) => {
      if (updated) report.updated++;
    });
    const tracked = job.finally(() => pending.delete(tracked));
    pending.add(tracked);
    if (pending.size >= concurrency) await Promise.race(pending);
  }
  await Promise.all(pending);
  return report;
}

async function updateOne(
  kv: Kv,
  listed: Deno.KvEntry<Ranked>,
): Promise<boolean> {
  let entry: Deno.KvEntryMaybe<Ranked> = listed;
  for (;;) {
    const player = entry.value;
    if (!player) return false; // erased meanwhile: its counters went with it
    const ranked = player.ranked ?? null;
    const shown = player.shown?.score ?? null;
    if (ranked === shown) return false;
    const op = moveRank(kv.atomic().check(entry), ranked, shown)
      .set(entry.key, { ...player, ranked: shown });
    if ((await op.commit()).ok) return true;
    entry = await kv.get<Ranked>(entry.key);
  }
}

/** What {@linkcode checkRanks} found. */
export interface CheckReport {
  /** Player rows read. */
  players: number;
  /**
   * Counters whose value differs from the count of shown scores, plus one
   * when a shown score is above the recorded highest.
   */
  differing: number;
}

/** The counters the player rows call for, and the highest score shown. */
async function expectedCounters(
  kv: Kv,
  playerPrefix: Deno.KvKey,
): Promise<{ players: number; counts: Map<string, bigint>; highest: number }> {
  const counts = new Map<string, bigint>();
  let players = 0;
  let highest = 0;
  for await (const { value } of kv.list<Ranked>({ prefix: playerPrefix })) {
    players++;
    const score = value.shown?.score;
    if (score === undefined) continue;
    highest = Math.max(highest, score);
    for (const { key } of rankMoves(null, score)) {
      const id = JSON.stringify(key);
      counts.set(id, (counts.get(id) ?? 0n) + 1n);
    }
  }
  return { players, counts, highest };
}

/** The counters that differ from what the rows call for, with the right value. */
async function wrongCounters(
  kv: Kv,
  expected: Map<string, bigint>,
): Promise<Map<string, bigint>> {
  const wrong = new Map<string, bigint>();
  const seen = new Set<string>();
  for await (
    const { key, value } of kv.list<Deno.KvU64>({ prefix: ["rank"] })
  ) {
    const id = JSON.stringify(key);
    seen.add(id);
    const want = expected.get(id) ?? 0n;
    if (want !== value.value) wrong.set(id, want);
  }
  for (const [id, want] of expected) {
    if (!seen.has(id) && want !== 0n) wrong.set(id, want);
  }
  return wrong;
}

/**
 * Compares every counter with the shown scores of the player rows. Exact
 * when nobody scores during the check; a player scoring meanwhile can show
 * as a difference that a second run no longer finds.
 */
export async function checkRanks(
  kv: Kv,
  playerPrefix: Deno.KvKey,
): Promise<CheckReport> {
  const high = highOf(await kv.get<Deno.KvU64>(RANK_HIGH_KEY));
  const { players, counts, highest } = await expectedCounters(kv, playerPrefix);
  const wrong = await wrongCounters(kv, counts);
  return { players, differing: wrong.size + (highest > high ? 1 : 0) };
}

/**
 * Sets every counter to what the player rows call for. Only while nothing
 * else writes to the board (every instance stopped): it is for counters that
 * went wrong outside the game, e.g. a player erased by a version that did not
 * know the counters. Returns how many counters it changed.
 */
export async function repairRanks(
  kv: Kv,
  playerPrefix: Deno.KvKey,
): Promise<number> {
  await rebuildRanks(kv, playerPrefix);
  const { counts, highest } = await expectedCounters(kv, playerPrefix);
  const wrong = [...await wrongCounters(kv, counts)];
  for (let i = 0; i < wrong.length; i += 500) {
    const op = kv.atomic();
    for (const [id, want] of wrong.slice(i, i + 500)) {
      op.set(JSON.parse(id), new Deno.KvU64(want));
    }
    await op.commit();
  }
  await kv.set(RANK_HIGH_KEY, new Deno.KvU64(BigInt(highest)));
  return wrong.length;
}
