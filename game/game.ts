/**
 * The word game over Deno KV. The server holds each round, so a score only
 * rises when the server itself has checked a guess.
 *
 * | key                                    | value                                         |
 * | -------------------------------------- | --------------------------------------------- |
 * | `["round", sub, rid]`                  | {@linkcode RoundState} (expires after 1 hour)  |
 * | `["score", sub]`                       | `Deno.KvU64` total, only ever `sum`med         |
 * | `["player", sub]`                      | {@linkcode Player}: handle, nickname, indexed  |
 * | `["leaderboard", -score, at, sub]`     | `{ name }`: the index the top 10 is listed from |
 * | `["nickname", key]`                    | `sub`: who holds a nickname's skeleton key     |
 *
 * A correct guess marks its round solved and adds its points in one atomic
 * operation guarded by the round's versionstamp: it scores exactly once, and
 * concurrent scores never lose an increment (`sum` is commutative). The
 * leaderboard row follows the score right after.
 *
 * A nickname is held under its look-alike keys (see `nickname.ts`): setting
 * one checks, in the atomic operation that writes the player, that each key
 * is free or already the player's, takes them and frees the previous
 * nickname's keys, so two players can never hold look-alike nicknames, even
 * when they ask at the same moment on different instances.
 *
 * @module
 */
import { randomBytes, randomInt } from "node:crypto";
import type { Tokens } from "../auth/tokens.ts";
import { LIFETIME, randomId } from "../auth/tokens.ts";
import { deleteAll, keysUnder, StorageUnavailable } from "../kv.ts";
import { type Category, WORDS } from "./words.ts";
import type { Nickname } from "./nickname.ts";
import {
  anonymousHandle,
  matches,
  MAX_WRONG,
  points as pointsFor,
} from "./rules.ts";

/** A round as stored. */
export interface RoundState {
  category: Category;
  /** Index into the category's bank. */
  word: number;
  /** Clues shown so far (the first comes with the round). */
  clues: number;
  wrong: number;
  status: "open" | "solved" | "given_up" | "lost";
  started_at: number;
  points?: number;
}

/** A player as stored: what the leaderboard shows and where their row is. */
export interface Player {
  handle: string;
  nickname: string | null;
  /** The `["nickname", key]` rows this player holds (absent: none). */
  nicknameKeys?: string[];
  /** The leaderboard row currently written for this player. */
  shown: { score: number; at: number } | null;
}

/** Key builders: the only place the game's key shapes are written. */
export const gameKeys = {
  round: (sub: string, rid: string): Deno.KvKey => ["round", sub, rid],
  rounds: (sub: string): Deno.KvKey => ["round", sub],
  score: (sub: string): Deno.KvKey => ["score", sub],
  player: (sub: string): Deno.KvKey => ["player", sub],
  row: (score: number, at: number, sub: string): Deno.KvKey => [
    "leaderboard",
    -score,
    at,
    sub,
  ],
  board: ["leaderboard"] as Deno.KvKey,
  nickname: (key: string): Deno.KvKey => ["nickname", key],
};

/** Why a round operation could not happen. */
export type RoundProblem =
  | { problem: "not_found" }
  | { problem: "finished"; status: RoundState["status"]; word: string }
  | { problem: "no_more_clues" };

/** What a player sees of a round. */
export interface RoundView {
  round: string;
  category: Category;
  letters: number;
  clue: string;
  clues_used: number;
  clues_left: number;
  attempts_left: number;
  points_available: number;
}

/** The result of a guess. */
export interface GuessResult {
  correct: boolean;
  score: number;
  attempts_left: number;
  points?: number;
  /** Revealed once the round is over. */
  word?: string;
}

/** One leaderboard line. */
export interface Standing {
  rank: number;
  name: string;
  score: number;
}

const ROUND_MS = LIFETIME.round * 1000;
/** How many rows the caller's rank is counted over before saying "beyond". */
const RANK_SCAN_LIMIT = 10_000;

/** The game, over KV. */
export class Game {
  readonly #kv: Deno.Kv;
  readonly #tokens: Tokens;
  readonly #now: () => number;

  constructor(kv: Deno.Kv, tokens: Tokens, now: () => number) {
    this.#kv = kv;
    this.#tokens = tokens;
    this.#now = now;
  }

  /** Starts a round in `category` with a word drawn from its bank. */
  async start(sub: string, category: Category): Promise<RoundView> {
    const rid = randomId();
    const state: RoundState = {
      category,
      word: randomInt(WORDS[category].length),
      clues: 1,
      wrong: 0,
      status: "open",
      started_at: this.#now(),
    };
    await this.#kv.set(gameKeys.round(sub, rid), state, { expireIn: ROUND_MS });
    const { token } = await this.#tokens.seal("round", { sub, rid });
    return this.#view(token, state);
  }

  /** Shows the next clue; each one lowers the points available. */
  async clue(sub: string, handle: string): Promise<RoundView | RoundProblem> {
    for (;;) {
      const found = await this.#load(sub, handle);
      if ("problem" in found) return found;
      const { entry, state } = found;
      if (state.clues >= WORDS[state.category][state.word]!.clues.length) {
        return { problem: "no_more_clues" };
      }
      const next = { ...state, clues: state.clues + 1 };
      const ok = await this.#kv.atomic().check(entry)
        .set(entry.key, next, { expireIn: this.#remaining(state) }).commit();
      if (ok.ok) return this.#view(handle, next);
    }
  }

  /** Checks a guess. A correct one scores once; the 5th wrong one ends the round. */
  async guess(
    sub: string,
    handle: string,
    guess: string,
  ): Promise<GuessResult | RoundProblem> {
    for (;;) {
      const found = await this.#load(sub, handle);
      if ("problem" in found) return found;
      const { entry, state } = found;
      const word = WORDS[state.category][state.word]!.word;
      if (matches(guess, word)) {
        const points = pointsFor(state.clues, state.wrong);
        const ok = await this.#kv.atomic().check(entry)
          .set(entry.key, { ...state, status: "solved", points }, {
            expireIn: this.#remaining(state),
          })
          .sum(gameKeys.score(sub), BigInt(points))
          .commit();
        if (!ok.ok) continue;
        // The points are in: a KV failure from here on must not turn this
        // answer into an error (a retry would find the round over). The
        // leaderboard row catches up on the player's next score.
        let score = found.score + points;
        try {
          score = await this.#followScore(sub);
        } catch (err) {
          if (!(err instanceof StorageUnavailable)) throw err;
        }
        return {
          correct: true,
          score,
          attempts_left: MAX_WRONG - state.wrong,
          points,
          word,
        };
      }
      const wrong = state.wrong + 1;
      const lost = wrong >= MAX_WRONG;
      const ok = await this.#kv.atomic().check(entry)
        .set(entry.key, { ...state, wrong, status: lost ? "lost" : "open" }, {
          expireIn: this.#remaining(state),
        })
        .commit();
      if (!ok.ok) continue;
      return {
        correct: false,
        score: found.score,
        attempts_left: MAX_WRONG - wrong,
        ...(lost ? { word } : {}),
      };
    }
  }

  /** Ends a round without points and reveals the word. */
  async giveUp(
    sub: string,
    handle: string,
  ): Promise<{ word: string; score: number } | RoundProblem> {
    for (;;) {
      const found = await this.#load(sub, handle);
      if ("problem" in found) return found;
      const { entry, state } = found;
      const ok = await this.#kv.atomic().check(entry)
        .set(entry.key, { ...state, status: "given_up" }, {
          expireIn: this.#remaining(state),
        })
        .commit();
      if (ok.ok) {
        return {
          word: WORDS[state.category][state.word]!.word,
          score: found.score,
        };
      }
    }
  }

  /** The user's total score. */
  async score(sub: string): Promise<number> {
    const entry = await this.#kv.get<Deno.KvU64>(gameKeys.score(sub));
    return Number(entry.value?.value ?? 0n);
  }

  /** The top 10, nicknames or handles only: one KV list. */
  async top(): Promise<Standing[]> {
    return (await this.#top()).map(({ standing }) => standing);
  }

  async #top(): Promise<{ standing: Standing; sub: string }[]> {
    const top: { standing: Standing; sub: string }[] = [];
    for await (
      const row of this.#kv.list<{ name: string }>({ prefix: gameKeys.board }, {
        limit: 10,
      })
    ) {
      const score = -(row.key[1] as number);
      const previous = top.at(-1)?.standing;
      // Competition ranking: equal scores share a rank ("1, 2, 2, 4").
      const rank = previous?.score === score ? previous.rank : top.length + 1;
      top.push({
        standing: { rank, name: row.value.name, score },
        sub: row.key[3] as string,
      });
    }
    return top;
  }

  /** The top 10 (one KV list) and the caller's own standing. */
  async leaderboard(
    sub: string,
  ): Promise<{ top: Standing[]; you: Standing | null }> {
    const rows = await this.#top();
    const top = rows.map(({ standing }) => standing);
    let you: Standing | null = rows.find((row) => row.sub === sub)?.standing ??
      null;
    if (!you) {
      const player = (await this.#kv.get<Player>(gameKeys.player(sub))).value;
      if (player?.shown) {
        let above = 0;
        for await (
          const _ of this.#kv.list({
            start: gameKeys.board,
            end: [...gameKeys.board, -player.shown.score],
          }, { limit: RANK_SCAN_LIMIT })
        ) above++;
        you = {
          rank: above + 1,
          name: player.nickname ?? player.handle,
          score: player.shown.score,
        };
      }
    }
    return { top, you };
  }

  /**
   * Sets the name the leaderboard shows for `sub`, unless another player
   * holds a nickname that looks the same (`taken`).
   */
  async setNickname(
    sub: string,
    { nickname, keys }: Nickname,
  ): Promise<{ ok: true } | { ok: false; problem: "taken" }> {
    for (;;) {
      const [entry, ...held] = await this.#kv.getMany<[Player, ...string[]]>([
        gameKeys.player(sub),
        ...keys.map(gameKeys.nickname),
      ]);
      if (held.some((h) => h.value !== null && h.value !== sub)) {
        return { ok: false, problem: "taken" };
      }
      const player = entry.value ?? newPlayer();
      // Checking each key's versionstamp (null: still free) makes taking it
      // atomic with the player's row: of two players racing for look-alike
      // names, exactly one commits.
      const op = this.#kv.atomic().check(entry, ...held)
        .set(gameKeys.player(sub), {
          ...player,
          nickname,
          nicknameKeys: [...keys],
        });
      for (const key of keys) op.set(gameKeys.nickname(key), sub);
      for (const key of player.nicknameKeys ?? []) {
        if (!keys.includes(key)) op.delete(gameKeys.nickname(key));
      }
      if (player.shown) {
        op.set(gameKeys.row(player.shown.score, player.shown.at, sub), {
          name: nickname,
        });
      }
      if ((await op.commit()).ok) return { ok: true };
    }
  }

  /** The name the leaderboard shows for `sub`. */
  async displayName(sub: string): Promise<string | null> {
    const player = (await this.#kv.get<Player>(gameKeys.player(sub))).value;
    return player ? player.nickname ?? player.handle : null;
  }

  /**
   * Deletes every game key of `sub`: rounds, score, player, leaderboard row
   * and the nickname's keys. Score, player, row and keys go in one atomic
   * step checked against what was read, so a guess scoring meanwhile cannot leave a row behind; rounds
   * go first, and again if one was started meanwhile, so none can score
   * afterwards.
   */
  async erase(sub: string): Promise<void> {
    for (;;) {
      await deleteAll(
        this.#kv,
        await keysUnder(this.#kv, gameKeys.rounds(sub)),
      );
      const [scoreEntry, playerEntry] = await this.#kv.getMany<
        [Deno.KvU64, Player]
      >([gameKeys.score(sub), gameKeys.player(sub)]);
      const op = this.#kv.atomic().check(scoreEntry).check(playerEntry)
        .delete(gameKeys.score(sub)).delete(gameKeys.player(sub));
      const shown = playerEntry.value?.shown;
      if (shown) op.delete(gameKeys.row(shown.score, shown.at, sub));
      for (const key of playerEntry.value?.nicknameKeys ?? []) {
        op.delete(gameKeys.nickname(key));
      }
      if (!(await op.commit()).ok) continue;
      const started = await keysUnder(this.#kv, gameKeys.rounds(sub));
      if (started.length === 0) return;
    }
  }

  /**
   * Moves the player's leaderboard row to their current score. Losing a race
   * is fine: whoever changed the score or the row runs this too, so the last
   * one writes the final state. Returns the score it saw.
   */
  async #followScore(sub: string): Promise<number> {
    for (;;) {
      const [scoreEntry, playerEntry] = await this.#kv.getMany<
        [Deno.KvU64, Player]
      >([gameKeys.score(sub), gameKeys.player(sub)]);
      // No score: never scored, or erased since the points went in. Either
      // way there is no row to show, and writing one would bring it back.
      if (scoreEntry.versionstamp === null) return 0;
      const score = Number(scoreEntry.value!.value);
      const player = playerEntry.value ?? newPlayer();
      if (player.shown?.score === score) return score;
      const at = this.#now();
      const op = this.#kv.atomic().check(scoreEntry).check(playerEntry);
      if (player.shown) {
        op.delete(gameKeys.row(player.shown.score, player.shown.at, sub));
      }
      op.set(gameKeys.row(score, at, sub), {
        name: player.nickname ?? player.handle,
      });
      op.set(gameKeys.player(sub), { ...player, shown: { score, at } });
      if ((await op.commit()).ok) return score;
    }
  }

  /**
   * The round behind `handle`, if it is `sub`'s and open, with `sub`'s score
   * read in the same call (answers need it, and it is then known even if KV
   * fails after the move is committed).
   */
  async #load(
    sub: string,
    handle: string,
  ): Promise<
    | { entry: Deno.KvEntry<RoundState>; state: RoundState; score: number }
    | RoundProblem
  > {
    const opened = await this.#tokens.open("round", handle);
    // Someone else's round is "not found" too: nothing to learn by probing.
    if (!opened.ok || opened.claims.sub !== sub) {
      return { problem: "not_found" };
    }
    const [entry, scoreEntry] = await this.#kv.getMany<
      [RoundState, Deno.KvU64]
    >([gameKeys.round(sub, opened.claims.rid), gameKeys.score(sub)]);
    const state = entry.value;
    if (
      entry.versionstamp === null || !state ||
      this.#now() - state.started_at >= ROUND_MS
    ) {
      return { problem: "not_found" };
    }
    if (state.status !== "open") {
      return {
        problem: "finished",
        status: state.status,
        word: WORDS[state.category][state.word]!.word,
      };
    }
    return {
      entry: entry as Deno.KvEntry<RoundState>,
      state,
      score: Number(scoreEntry.value?.value ?? 0n),
    };
  }

  #remaining(state: RoundState): number {
    return Math.max(1, state.started_at + ROUND_MS - this.#now());
  }

  #view(handle: string, state: RoundState): RoundView {
    const entry = WORDS[state.category][state.word]!;
    return {
      round: handle,
      category: state.category,
      letters: entry.word.length,
      clue: entry.clues[state.clues - 1]!,
      clues_used: state.clues,
      clues_left: entry.clues.length - state.clues,
      attempts_left: MAX_WRONG - state.wrong,
      points_available: pointsFor(state.clues, state.wrong),
    };
  }
}

function newPlayer(): Player {
  return {
    handle: anonymousHandle(new Uint8Array(randomBytes(3))),
    nickname: null,
    shown: null,
  };
}
