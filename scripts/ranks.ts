/**
 * `deno task ranks`: counts every player row written before the rank
 * counters existed into them (`rebuildRanks`), then compares the counters with
 * the rows (`checkRanks`). Safe while the service runs, as often as wanted.
 *
 * `deno task ranks --repair` also sets every counter that differs to what the
 * rows call for (`repairRanks`): only with every instance stopped.
 *
 * Uses `KV_PATH` like the server (unset: Deno's default database; a KV
 * Connect URL needs `DENO_KV_ACCESS_TOKEN`). Exits 1 when the counters do not
 * match the rows. See "Rank counters" in the README.
 */
import { gameKeys } from "../game/game.ts";
import { checkRanks, rebuildRanks, repairRanks } from "../game/ranks.ts";

const path = Deno.env.get("KV_PATH")?.trim() || undefined;
const repair = Deno.args.includes("--repair");
const kv = await Deno.openKv(path);
const started = performance.now();
const built = await rebuildRanks(kv, gameKeys.players);
const repaired = repair ? await repairRanks(kv, gameKeys.players) : 0;
const checked = await checkRanks(kv, gameKeys.players);
kv.close();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
// deno-lint-ignore no-console
console.log(
  `${built.players} players read, ${built.updated} counted now${
    repair ? `, ${repaired} counters repaired` : ""
  } (${seconds} s); ${
    checked.differing === 0
      ? "the counters match the rows"
      : `${checked.differing} counters differ from the rows: if players were scoring meanwhile, run it again; if they still differ, see "Rank counters" in the README`
  }`,
);
if (checked.differing > 0) Deno.exit(1);
