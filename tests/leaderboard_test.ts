/**
 * The leaderboard at the domain layer: every player's rank against a
 * brute-force count over the rows, the rank counters against the rows, under
 * random scoring, under several instances scoring and erasing at once, past
 * 10,000 players, and through the migration of rows written before the
 * counters existed.
 */
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { Tokens } from "../auth/tokens.ts";
import { Game, gameKeys, type Player } from "../game/game.ts";
import {
  bucketOf,
  checkRanks,
  countAbove,
  RANK_HIGH_KEY,
  RANK_TOP,
} from "../game/ranks.ts";
import { guardKv, type Kv } from "../lib/kv.ts";
import { T0 } from "./_app.ts";
import { wordOf } from "./_game.ts";
import { keyring } from "./_keys.ts";

const clock = () => T0;
const tokens = new Tokens(keyring, clock);
const newGame = (kv: Kv) =>
  new Game(kv, tokens, clock, { dailyScoredRounds: 0 });

/** Plays one round to a win with `clues` extra clues and `wrong` wrong guesses. */
async function play(
  game: Game,
  kv: Kv,
  sub: string,
  clues = 0,
  wrong = 0,
): Promise<void> {
  const started = await game.start(sub, "animals");
  // No free quota is configured here.
  if ("problem" in started) throw new Error("over the free quota");
  const { round } = started;
  for (let i = 0; i < clues; i++) await game.clue(sub, round);
  for (let i = 0; i < wrong; i++) await game.guess(sub, round, "not it");
  // Gone when an erasure raced this round: nothing to guess then.
  const word = await wordOf(kv, tokens, round).catch(() => null);
  if (word !== null) await game.guess(sub, round, word);
}

/** The scores of every leaderboard row, by player. */
async function rows(kv: Kv): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  for await (const { key } of kv.list({ prefix: gameKeys.board })) {
    const sub = key[3] as string;
    assert.ok(!scores.has(sub), `one row per player: ${sub}`);
    scores.set(sub, -(key[1] as number));
  }
  return scores;
}

/**
 * Checks the whole board: each player row agrees with its leaderboard row and
 * is counted at its score, the counters are exactly the rows' scores, and
 * every player's rank is one more than the number of higher scores.
 */
async function assertBoard(kv: Kv, game: Game, label: string) {
  const board = await rows(kv);
  const scores = [...board.values()];
  const expected = new Map<string, bigint>();
  for (const score of scores) {
    for (let level = 0; level <= RANK_TOP; level++) {
      const key = JSON.stringify(["rank", level, bucketOf(score, level)]);
      expected.set(key, (expected.get(key) ?? 0n) + 1n);
    }
  }
  const counters = new Map<string, bigint>();
  for await (
    const { key, value } of kv.list<Deno.KvU64>({ prefix: ["rank"] })
  ) {
    if (value.value !== 0n) counters.set(JSON.stringify(key), value.value);
  }
  assert.deepEqual(counters, expected, `${label}: counters equal the rows`);
  const high = await kv.get<Deno.KvU64>(RANK_HIGH_KEY);
  assert.ok(
    Number(high.value?.value ?? 0n) >= Math.max(0, ...scores),
    `${label}: the highest score recorded is at least every score shown`,
  );
  for await (const { key, value } of kv.list<Player>({ prefix: ["player"] })) {
    const sub = key[1] as string;
    assert.equal(value.shown?.score, board.get(sub), `${label}: ${sub} row`);
    assert.equal(value.ranked ?? undefined, value.shown?.score, `${label}`);
  }
  for (const [sub, score] of board) {
    const { you, top } = await game.leaderboard(sub);
    const rank = 1 + scores.filter((s) => s > score).length;
    assert.deepEqual(
      [you?.rank, you?.score],
      [rank, score],
      `${label}: ${sub}`,
    );
    for (const standing of top) {
      assert.equal(
        standing.rank,
        1 + scores.filter((s) => s > standing.score).length,
        `${label}: the top 10 ranks the same way`,
      );
    }
  }
}

Deno.test("leaderboard: every player's rank equals a brute-force count after random scoring, ties included", async () => {
  using kv = await Deno.openKv(":memory:");
  const game = newGame(kv);
  for (let i = 0; i < 40; i++) {
    // Few distinct totals, so many ties; some players score many times.
    const rounds = 1 + (i % 7 === 0 ? randomInt(6) : randomInt(2));
    for (let r = 0; r < rounds; r++) {
      await play(game, kv, `dev:p${i}`, randomInt(3), randomInt(3));
    }
  }
  await assertBoard(kv, game, "after scoring");
  assert.equal((await game.leaderboard("dev:nobody")).you, null);
});

Deno.test("leaderboard: ranks stay exact and the counters equal the rows while three instances score and erase at once", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const handles = await Promise.all([1, 2, 3].map(() => Deno.openKv(path)));
  try {
    // Each handle is its own SQLite connection, as separate servers would be.
    const games = handles.map((kv) => newGame(guardKv(kv)));
    const kv = guardKv(handles[0]!);
    for (let trial = 0; trial < 12; trial++) {
      const subs = Array.from({ length: 6 }, (_, i) => `dev:t${trial}p${i}`);
      // Half start with a row to move, so erasures delete counted rows.
      for (const sub of subs.slice(0, 3)) await play(games[0]!, kv, sub);
      await Promise.all([
        ...subs.flatMap((sub, i) =>
          [0, 1, 2].map((r) =>
            play(games[(i + r) % 3]!, kv, sub, randomInt(2), randomInt(2))
          )
        ),
        games[1]!.erase(subs[0]!),
        games[2]!.erase(subs[4]!),
      ]);
      await assertBoard(kv, games[trial % 3]!, `trial ${trial}`);
    }
  } finally {
    for (const kv of handles) kv.close();
    await Deno.remove(path).catch(() => {});
  }
});

/**
 * Writes `count` players at `score` the way the game wrote them before the
 * rank counters existed: score, player row (without `ranked`) and
 * leaderboard row, many to a commit.
 */
async function seedLegacy(
  kv: Kv,
  prefix: string,
  count: number,
  score: number,
): Promise<void> {
  for (let i = 0; i < count; i += 300) {
    const op = kv.atomic();
    for (let j = i; j < Math.min(count, i + 300); j++) {
      const sub = `dev:${prefix}${j}`;
      const handle = `Player-${String(j).padStart(6, "0")}`;
      op.set(gameKeys.score(sub), new Deno.KvU64(BigInt(score)))
        .set(gameKeys.player(sub), {
          handle,
          nickname: null,
          shown: { score, at: T0 },
        })
        .set(gameKeys.row(score, T0, sub), { name: handle });
    }
    assert.ok((await op.commit()).ok);
  }
}

Deno.test("leaderboard: the caller's rank is exact past 10,000 players", async () => {
  using kv = await Deno.openKv(":memory:");
  const game = newGame(kv);
  await seedLegacy(kv, "many", 10_500, 100);
  await game.rebuildRanks();
  // The last player: every clue and four wrong guesses, the least a win gives.
  await play(game, kv, "dev:last", 2, 4);
  const { you } = await game.leaderboard("dev:last");
  assert.deepEqual([you?.rank, you?.score], [10_501, 10]);
  assert.equal((await game.leaderboard("dev:many7")).you?.rank, 1);
});

Deno.test("leaderboard: rebuildRanks() counts rows written before the counters, even while players score, and a second run changes nothing", async () => {
  for (let trial = 0; trial < 5; trial++) {
    using kv = await Deno.openKv(":memory:");
    const game = newGame(kv);
    await seedLegacy(kv, "old", 200, 100);
    await seedLegacy(kv, "older", 50, 70);
    assert.deepEqual(await checkRanks(kv, gameKeys.players), {
      players: 250,
      // No highest score recorded, and no counters for 70 and 100, which
      // share every bucket but level 0's.
      differing: 1 + RANK_TOP + 2,
    });
    const [report] = await Promise.all([
      game.rebuildRanks(),
      // Old players scoring again and new players arriving meanwhile.
      ...[0, 1, 2, 3, 4, 5].map((i) => play(game, kv, `dev:old${i * 37}`)),
      ...[0, 1, 2].map((i) => play(game, kv, `dev:new${i}`, i)),
      game.erase("dev:older3"),
    ]);
    assert.ok(report.players >= 249, `trial ${trial}: ${report.players}`);
    await assertBoard(kv, game, `trial ${trial}`);
    assert.deepEqual(await game.rebuildRanks(), { players: 252, updated: 0 });
    assert.deepEqual(await checkRanks(kv, gameKeys.players), {
      players: 252,
      differing: 0,
    });
  }
});

Deno.test("leaderboard: `deno task ranks` counts the rows of a KV file, and with --repair mends counters an older version left wrong", async () => {
  const path = await Deno.makeTempFile({ suffix: ".kv" });
  const script = new URL("../scripts/ranks.ts", import.meta.url).pathname;
  const run = async (...args: string[]) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, ...args],
      env: { KV_PATH: path, NO_COLOR: "1" },
    }).output();
    return { code: out.code, said: new TextDecoder().decode(out.stdout) };
  };
  try {
    {
      using kv = await Deno.openKv(path);
      await seedLegacy(kv, "file", 30, 45);
      await seedLegacy(kv, "high", 2, 90);
    }
    const first = await run();
    assert.equal(first.code, 0);
    assert.match(
      first.said,
      /^32 players read, 32 counted now .*the counters match the rows\n$/,
    );
    assert.match((await run()).said, /^32 players read, 0 counted now/);
    {
      // A version without counters erases a counted player: its rows go,
      // its counts stay.
      using kv = await Deno.openKv(path);
      const sub = "dev:high0";
      await kv.atomic().delete(gameKeys.score(sub)).delete(gameKeys.player(sub))
        .delete(gameKeys.row(90, T0, sub)).commit();
      assert.equal(1 + await countAbove(kv, 45), 3, "one count too many");
    }
    const stale = await run();
    assert.equal(stale.code, 1);
    assert.match(stale.said, /counters differ from the rows/);
    const mended = await run("--repair");
    assert.equal(mended.code, 0);
    assert.match(mended.said, /\d+ counters repaired .*match the rows/);
    using kv = await Deno.openKv(path);
    assert.equal(1 + await countAbove(kv, 45), 2);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
});
