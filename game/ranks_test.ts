import assert from "node:assert/strict";
import fc from "../tests/_deps/fast_check.ts";
import {
  bucketOf,
  countAbove,
  moveRank,
  rangesAbove,
  RANK_BASE,
  RANK_HIGH_KEY,
  RANK_TOP,
  rankMoves,
} from "./ranks.ts";

Deno.test("KV sum wraps around: adding 2^64 − 1 to a counter takes one off", async () => {
  using kv = await Deno.openKv(":memory:");
  const key = ["n"];
  await kv.atomic().sum(key, 3n).commit();
  await kv.atomic().sum(key, (1n << 64n) - 1n).commit();
  assert.equal((await kv.get<Deno.KvU64>(key)).value?.value, 2n);
  await kv.atomic().sum(key, (1n << 64n) - 1n).sum(key, (1n << 64n) - 1n)
    .commit();
  assert.equal((await kv.get<Deno.KvU64>(key)).value?.value, 0n);
});

Deno.test("rankMoves() changes one counter per level whose bucket differs, and nothing for no move", () => {
  assert.deepEqual(rankMoves(70, 70), []);
  assert.deepEqual(rankMoves(null, null), []);
  assert.deepEqual(rankMoves(70, 75), [
    { key: ["rank", 0, 70], delta: -1 },
    { key: ["rank", 0, 75], delta: 1 },
  ]);
  assert.deepEqual(rankMoves(60, 70).map((m) => m.key[1]), [0, 0, 1, 1]);
  assert.equal(rankMoves(null, 100).length, RANK_TOP + 1);
  assert.equal(rankMoves(100, null).length, RANK_TOP + 1);
});

Deno.test("rangesAbove() reads at most 63 buckets per level below the top", () => {
  for (const score of [0, 1, 63, 64, 4095, 4096, 123_456_789, 2 ** 53 - 1]) {
    const ranges = rangesAbove(score);
    assert.equal(ranges.length, RANK_TOP + 1);
    for (const [level, range] of ranges.entries()) {
      if (!("start" in range) || !("end" in range)) throw new Error("range");
      assert.equal(range.start[1], level);
      assert.equal(range.start[2], bucketOf(score, level) + 1);
      if (level < RANK_TOP) {
        const width = (range.end[2] as number) - (range.start[2] as number);
        assert.ok(width >= 0 && width < RANK_BASE, `${score} level ${level}`);
      }
    }
  }
});

Deno.test("rangesAbove() leaves out the levels past the highest score ever shown", () => {
  assert.equal(rangesAbove(10, 6000).length, 3, "scores 11–63, 64–4095, 4096–");
  assert.deepEqual(rangesAbove(6000, 6000), [], "the highest reads nothing");
  assert.equal(rangesAbove(0, 0).length, 0);
  assert.equal(rangesAbove(0, 1).length, 1);
});

Deno.test("moveRank() raises the highest shown score and never lowers it", async () => {
  using kv = await Deno.openKv(":memory:");
  const high = async () =>
    (await kv.get<Deno.KvU64>(RANK_HIGH_KEY)).value?.value;
  await moveRank(kv.atomic(), null, 300).commit();
  await moveRank(kv.atomic(), 300, 200).commit();
  assert.equal(await high(), 300n);
  await moveRank(kv.atomic(), 200, 450).commit();
  await moveRank(kv.atomic(), 450, null).commit();
  assert.equal(await high(), 450n);
  assert.equal(await countAbove(kv, 0), 0);
});

/** One more than the number of scores above `score`: the rank by brute force. */
const bruteRank = (scores: number[], score: number) =>
  1 + scores.filter((s) => s > score).length;

Deno.test("countAbove() equals a brute-force count for any scores and moves, ties included", async () => {
  const score = fc.oneof(
    fc.integer({ min: 0, max: 300 }),
    fc.integer({ min: 0, max: 1_000_000 }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(score, { minLength: 1, maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(), fc.option(score)), { maxLength: 20 }),
      async (initial, moves) => {
        using kv = await Deno.openKv(":memory:");
        const scores: (number | null)[] = [...initial];
        for (const s of scores) await moveRank(kv.atomic(), null, s).commit();
        // Move players to new scores, or off the board (null).
        for (const [who, to] of moves) {
          const i = who % scores.length;
          await moveRank(kv.atomic(), scores[i] ?? null, to).commit();
          scores[i] = to;
        }
        const shown = scores.filter((s): s is number => s !== null);
        for (const s of new Set([...shown, 0, 99, 2 ** 50])) {
          assert.equal(
            1 + await countAbove(kv, s),
            bruteRank(shown, s),
            `${s}`,
          );
        }
      },
    ),
    { numRuns: 60 },
  );
});
