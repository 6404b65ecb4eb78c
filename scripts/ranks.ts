/**
 * `deno task ranks`: counts every player row written before the rank
 * counters existed into them (`rebuildRanks`), then compares the counters with
 * the rows (`checkRanks`). Safe while the service runs, as often as wanted;
 * see "Rank counters" in the README.
 *
 * Uses `KV_PATH` like the server (unset: Deno's default database; a KV
 * Connect URL needs `DENO_KV_ACCESS_TOKEN`).
 */
import { gameKeys } from "../game/game.ts";
import { checkRanks, rebuildRanks } from "../game/ranks.ts";

const path = Deno.env.get("KV_PATH")?.trim() || undefined;
const kv = await Deno.openKv(path);
const started = performance.now();
const built = await rebuildRanks(kv, gameKeys.players);
const checked = await checkRanks(kv, gameKeys.players);
kv.close();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
// deno-lint-ignore no-console
console.log(
  `${built.players} players read, ${built.updated} counted now (${seconds} s); ${
    checked.differing === 0
      ? "the counters match the rows"
      : `${checked.differing} counters differ from the rows: if players were scoring meanwhile, run it again`
  }`,
);
if (checked.differing > 0) Deno.exit(1);
