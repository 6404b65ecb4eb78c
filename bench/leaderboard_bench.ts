/**
 * `deno task bench:leaderboard`: the leaderboard as the top player and as the
 * last player sees it, over KV files of 1,000, 100,000 and 1,000,000 players
 * (`LEADERBOARD_SIZES=1000,100000` for fewer).
 *
 * The files are seeded once through the game itself (`Game.start`, `clue`,
 * `guess`: every row, score and counter written as in production) and kept
 * in `.local/bench/`; later runs reuse them. Seeding writes to a file in
 * `/dev/shm` when there is one (a KV file on disk waits for the disk on every
 * commit, four times slower; Deno lets only `-A` touch `/dev`, hence the
 * task's flag) and copies it over when done; a million players
 * take about 20 minutes on two cores. Most players win one round, every 10th
 * two and every 100th ten, with 0–1 extra clues and 0–1 wrong guesses; the
 * top player wins 60 rounds, the last wins one at the minimum, 10 points.
 *
 * Beside them, `GET /health` through the whole app over the same file: what
 * an uptime check costs, whatever the size of the board.
 */
import { randomInt } from "node:crypto";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { Game } from "../game/game.ts";
import { wordOf } from "../tests/_game.ts";
import { loadConfig } from "../config.ts";
import { createApp } from "../app/mod.ts";

const SIZES = (Deno.env.get("LEADERBOARD_SIZES") ?? "1000,100000,1000000")
  .split(",").map(Number);
const DIR = new URL("../.local/bench/", import.meta.url).pathname;
const WORKERS = 16;
/** Where seeding writes: memory-backed when the system has it. */
const SCRATCH = await Deno.stat("/dev/shm").then(
  (info) => info.isDirectory ? "/dev/shm/" : DIR,
  () => DIR,
);

const random = () =>
  crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
  });
const secret = random();
const keyring = new Keyring([{ kid: "bench", secret }]);
const tokens = new Tokens(keyring, Date.now);
const open = (kv: Deno.Kv) =>
  new Game(kv, tokens, Date.now, { dailyScoredRounds: 0 });

function log(line: string) {
  Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
}

async function win(
  game: Game,
  kv: Deno.Kv,
  sub: string,
  clues: number,
  wrong: number,
): Promise<void> {
  const started = await game.start(sub, "animals");
  // No free quota is configured here.
  if ("problem" in started) throw new Error("over the free quota");
  const { round } = started;
  for (let i = 0; i < clues; i++) await game.clue(sub, round);
  for (let i = 0; i < wrong; i++) await game.guess(sub, round, "not it");
  const result = await game.guess(
    sub,
    round,
    await wordOf(kv, tokens, round),
  );
  if (!("correct" in result) || !result.correct) throw new Error("no win");
}

async function seed(path: string, players: number): Promise<void> {
  const partial = `${SCRATCH}leaderboard-${players}.kv.partial`;
  const sqliteFiles = ["", "-wal", "-shm"];
  for (const end of sqliteFiles) {
    await Deno.remove(partial + end).catch(() => {});
  }
  const kv = await Deno.openKv(partial);
  const game = open(kv);
  const started = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (next < players) {
      const i = next++;
      const rounds = i % 100 === 0 ? 10 : i % 10 === 0 ? 2 : 1;
      for (let r = 0; r < rounds; r++) {
        await win(game, kv, `bench:${i}`, randomInt(2), randomInt(2));
      }
      if (++done % 50_000 === 0) {
        const s = (performance.now() - started) / 1000;
        log(`  ${done} players seeded (${s.toFixed(0)} s)`);
      }
    }
  }));
  for (let r = 0; r < 60; r++) await win(game, kv, "bench:top", 0, 0);
  await win(game, kv, "bench:last", 2, 4);
  kv.close();
  // The WAL and its index, if SQLite kept them, belong with the file.
  for (const end of sqliteFiles.toReversed()) {
    const copied = await Deno.copyFile(partial + end, `${path}.copy${end}`)
      .then(() => true, () => false);
    if (copied) await Deno.remove(partial + end);
  }
  for (const end of sqliteFiles.toReversed()) {
    await Deno.rename(`${path}.copy${end}`, path + end).catch(() => {});
  }
  const seconds = (performance.now() - started) / 1000;
  log(`seeded ${players} players into ${path} in ${seconds.toFixed(0)} s`);
}

await Deno.mkdir(DIR, { recursive: true });
for (const players of SIZES) {
  const path = `${DIR}leaderboard-${players}.kv`;
  const exists = await Deno.stat(path).then(() => true, () => false);
  if (!exists) {
    log(`seeding ${players} players (once; kept in ${path})…`);
    await seed(path, players);
  }
  const kv = await Deno.openKv(path);
  const game = open(kv);
  const last = await game.leaderboard("bench:last");
  const top = await game.leaderboard("bench:top");
  if (top.you?.rank !== 1 || last.you?.rank !== players + 2) {
    throw new Error(
      `${path}: unexpected ranks ${top.you?.rank}, ${last.you?.rank}; delete the file to seed it again`,
    );
  }
  const group = `${players} players`;
  Deno.bench({
    name: `leaderboard, top player, ${group}`,
    group,
    baseline: true,
    fn: async () => void await game.leaderboard("bench:top"),
  });
  Deno.bench({
    name: `leaderboard, last player (rank ${players + 2}), ${group}`,
    group,
    fn: async () => void await game.leaderboard("bench:last"),
  });
  const app = createApp({
    config: loadConfig({
      SEAL_KEYS: `bench:${secret}`,
      OAUTH_CLIENT_ID: "bench",
      OAUTH_CLIENT_SECRET: random(),
    }),
    kv,
    now: Date.now,
    fetch: () => Promise.reject(new Error("no upstream here")),
    log: () => {},
    keyring,
  });
  Deno.bench({
    name: `GET /health, ${group}`,
    group,
    fn: async () => void await (await app.request("/health")).arrayBuffer(),
  });
}
