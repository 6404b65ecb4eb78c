/**
 * Two game instances over one KV: two players asking for the same or
 * look-alike nicknames at the same moment, each on an instance. Exactly one
 * gets it, on every trial. (One KV handle: SQLite refuses a second writer in
 * the same process; tests/instances_test.ts runs separate processes.)
 */
import assert from "node:assert/strict";
import { Tokens } from "../auth/tokens.ts";
import { Game, gameKeys, type Player } from "../game/game.ts";
import { checkNickname, type Nickname } from "../game/nickname.ts";
import { keyring } from "./_keys.ts";

function nickname(input: string): Nickname {
  const checked = checkNickname(input);
  assert.ok(checked.ok, input);
  return checked;
}

Deno.test("nickname race: two players on two game instances asking at once for look-alike nicknames; exactly one wins, every trial", async () => {
  const kv = await Deno.openKv(":memory:");

  try {
    const tokens = new Tokens(keyring, Date.now);
    const games = [
      new Game(kv, tokens, Date.now, { dailyScoredRounds: 0 }),
      new Game(kv, tokens, Date.now, { dailyScoredRounds: 0 }),
    ] as const;
    // Same name, another case, a digit for a letter, a capital I for an l,
    // Cyrillic letters for Latin ones (each name in one script), an accent.
    const pairs = (i: number): [string, string] =>
      [
        [`Racer ${i}`, `Racer ${i}`],
        [`Racer ${i}`, `RACER ${i}`],
        [`Will ${i}`, `WiII ${i}`],
        [`Oscar ${i}`, `0scar ${i}`],
        [`cop ${i}`, `\u0441\u043E\u0440 ${i}`],
        [`Zoë ${i}`, `Zoe ${i}`],
        [`WordWizard ${i}`, `Wor\u1E0DWizard ${i}`],
      ][i % 7] as [string, string];
    const trials = 100;
    for (let i = 0; i < trials; i++) {
      const subs: string[] = [`dev:a${i}`, `dev:b${i}`];
      // Half the trials start from players who already hold a name, so that
      // releasing the old keys races too.
      if (i % 2) {
        await games[0].setNickname(subs[0]!, nickname(`Before A${i}`));
        await games[1].setNickname(subs[1]!, nickname(`Before B${i}`));
      }
      const names = pairs(i).map(nickname);
      const results = await Promise.all([
        games[0].setNickname(subs[0]!, names[0]!),
        games[1].setNickname(subs[1]!, names[1]!),
      ]);
      const winners = results.flatMap((r, w) => r.ok ? [w] : []);
      assert.equal(winners.length, 1, `trial ${i}: ${JSON.stringify(results)}`);
      const w = winners[0]!;
      const loser = 1 - w;
      assert.deepEqual(results[loser], { ok: false, problem: "taken" });

      const [winner, lost] = await kv.getMany<[Player, Player]>([
        gameKeys.player(subs[w]!),
        gameKeys.player(subs[loser]!),
      ]);
      assert.equal(winner.value!.nickname, names[w]!.nickname, `trial ${i}`);
      assert.equal(
        lost.value?.nickname ?? null,
        i % 2 ? `Before ${"AB"[loser]}${i}` : null,
        `trial ${i}: the loser keeps what they had`,
      );
      for (const key of [...names[0]!.keys, ...names[1]!.keys]) {
        const held = await kv.get<string>(gameKeys.nickname(key));
        if (names[w]!.keys.includes(key)) {
          assert.equal(held.value, subs[w], `trial ${i}: ${key}`);
        } else {
          assert.equal(held.value, null, `trial ${i}: ${key}`);
        }
      }
    }
    // Every index row points at a player who holds that key, and back.
    const rows = new Map<string, string>();
    for await (
      const e of kv.list<string>({ prefix: ["nickname"] })
    ) rows.set(e.key[1] as string, e.value);
    let held = 0;
    for await (const e of kv.list<Player>({ prefix: ["player"] })) {
      for (const key of e.value.nicknameKeys ?? []) {
        assert.equal(rows.get(key), e.key[1], key);
        held++;
      }
    }
    assert.equal(held, rows.size, "no index row without its player");
  } finally {
    kv.close();
  }
});
