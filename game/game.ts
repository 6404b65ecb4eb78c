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
 * | `["rank", level, bucket]`              | `Deno.KvU64`: shown scores per bucket (./ranks.ts) |
 * | `["rank_high"]`                        | `Deno.KvU64`: the highest score ever shown     |
 * | `["scored_today", sub, day]`           | `Deno.KvU64`: rounds `sub` scored that UTC day |
 * | `["started_today", sub, day]`          | `Deno.KvU64`: rounds a free player started that UTC day |
 *
 * A correct guess marks its round solved, adds its points and counts the
 * day's scored rounds in one atomic operation guarded by the round's and the
 * day counter's versionstamps: it scores exactly once, concurrent scores
 * never lose an increment, and no more rounds score in a day than the cap
 * allows. The leaderboard row and the rank counters follow the score right
 * after, together.
 *
 * With a quota on free play, starting a round counts it in the same atomic
 * operation that writes the round, checked against the count read: of
 * concurrent starts, no more commit than the quota allows. A player on the
 * pro plan (`billing/plans.ts`) is not counted.
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
import {
  deleteAll,
  keysUnder,
  type Kv,
  type KvAtomic,
  StorageUnavailable,
} from "../lib/kv.ts";
import { type Category, WORDS } from "./words.ts";
import type { Nickname } from "./nickname.ts";
import { billingKeys, isPro, type PlanRecord } from "../billing/plans.ts";
import {
  anonymousHandle,
  clueOrder,
  matches,
  MAX_WRONG,
  points as pointsFor,
} from "./rules.ts";
import {
  countAbove,
  highOf,
  moveRank,
  RANK_HIGH_KEY,
  rebuildRanks,
  type RebuildReport,
} from "./ranks.ts";

/** A round as stored. */
export interface RoundState {
  category: Category;
  /** Index into the category's bank. */
  word: number;
  /** Clues shown so far (the first comes with the round). */
  clues: number;
  /**
   * The order the word's clues are shown in, drawn per round (indexes into
   * its clues); absent on rounds started before orders were drawn, which
   * show the clues as written.
   */
  order?: number[];
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
  /**
   * The score this player is counted at in the rank counters (./ranks.ts):
   * equal to `shown.score` once counted; absent on rows written before the
   * counters existed, until `rebuildRanks` counts them.
   */
  ranked?: number | null;
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
  players: ["player"] as Deno.KvKey,
  /** Rounds `sub` scored on the UTC day `day` (`YYYY-MM-DD`). */
  scoredToday: (sub: string, day: string): Deno.KvKey => [
    "scored_today",
    sub,
    day,
  ],
  scoredDays: (sub: string): Deno.KvKey => ["scored_today", sub],
  /** Rounds a free player started on the UTC day `day`. */
  startedToday: (sub: string, day: string): Deno.KvKey => [
    "started_today",
    sub,
    day,
  ],
  startedDays: (sub: string): Deno.KvKey => ["started_today", sub],
};

/** What the game is configured with. */
export interface GameOptions {
  /** Rounds one player can score per UTC day; 0 = no cap. */
  dailyScoredRounds: number;
  /** Rounds a free player may start per UTC day; 0 (the default) = unlimited. */
  freeRoundsPerDay?: number;
}

/** The caller's sign-in ended (erased) while the request was in flight. */
export type SignedOut = { problem: "signed_out" };
const SIGNED_OUT = Symbol("signed out");
const OVER_QUOTA = Symbol("over quota");

/** A free player has started the day's quota of rounds. */
export type OverQuota = { problem: "quota"; limit: number };

/** Why a round operation could not happen. */
export type RoundProblem =
  | { problem: "not_found" }
  | { problem: "finished"; status: RoundState["status"]; word: string }
  | { problem: "no_more_clues" };

/**
 * What a player may know of a round whatever its state: never the word.
 * Every answer about a round carries it, so a board can be drawn from any
 * one answer alone.
 */
export interface RoundProgress {
  category: Category;
  letters: number;
  /** The clues shown so far, in the order they were shown. */
  clues: string[];
}

/** What a player sees of a round. */
export interface RoundView extends RoundProgress {
  round: string;
  clue: string;
  clues_used: number;
  clues_left: number;
  attempts_left: number;
  /** 0 when today's scoring is used up. */
  points_available: number;
  /** Rounds that can still score today (UTC); only with a daily cap. */
  scored_rounds_left?: number;
  /** Said when today's scoring is used up. */
  message?: string;
  /** Rounds a free player can still start today (UTC); only with a quota. */
  free_rounds_left?: number;
}

/** The result of a guess. */
export interface GuessResult extends RoundProgress {
  correct: boolean;
  score: number;
  attempts_left: number;
  /** While the round is still open (a wrong guess): what a right one scores now. */
  points_available?: number;
  points?: number;
  /** On a correct guess: false when the daily cap kept it from scoring. */
  scored?: boolean;
  /** On a correct guess, with a daily cap: rounds that can still score today. */
  scored_rounds_left?: number;
  /** On a correct guess that did not score: why. */
  message?: string;
  /** Revealed once the round is over. */
  word?: string;
}

/** A round given up: the word, the unchanged score. */
export interface GaveUp extends RoundProgress {
  word: string;
  score: number;
}

/** One leaderboard line. */
export interface Standing {
  rank: number;
  name: string;
  score: number;
}

const ROUND_MS = LIFETIME.round * 1000;
const DAY_MS = 86_400_000;
/** How long a player's count of rounds scored on one UTC day is kept (ms). */
export const DAILY_COUNT_KEPT_MS = 2 * DAY_MS;

/** The UTC day of `ms` as `YYYY-MM-DD`: the daily cap counts per such day. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The game, over KV. */
export class Game {
  readonly #kv: Kv;
  readonly #tokens: Tokens;
  readonly #now: () => number;
  readonly #cap: number;
  readonly #quota: number;

  constructor(
    kv: Kv,
    tokens: Tokens,
    now: () => number,
    options: GameOptions,
  ) {
    this.#kv = kv;
    this.#tokens = tokens;
    this.#now = now;
    this.#cap = options.dailyScoredRounds;
    this.#quota = options.freeRoundsPerDay ?? 0;
  }

  /**
   * Starts a round in `category` with a word drawn from its bank and its
   * clues in an order drawn for this round. Says up front when today's
   * scoring is used up. A free player past the day's quota of rounds gets
   * `quota` and no round.
   */
  start(sub: string, category: Category): Promise<RoundView | OverQuota>;
  start(
    sub: string,
    category: Category,
    session: Deno.KvKey,
  ): Promise<RoundView | OverQuota | SignedOut>;
  async start(
    sub: string,
    category: Category,
    session?: Deno.KvKey,
  ): Promise<RoundView | OverQuota | SignedOut> {
    const rid = randomId();
    const word = randomInt(WORDS[category].length);
    const state: RoundState = {
      category,
      word,
      clues: 1,
      order: clueOrder(WORDS[category][word]!.clues.length, randomInt),
      wrong: 0,
      status: "open",
      started_at: this.#now(),
    };
    const key = gameKeys.round(sub, rid);
    // Today's count of starts as committed (null: not counted).
    const counted: { started: number | null } = { started: null };
    const [scored, written] = await Promise.all([
      this.#scoredToday(sub),
      this.#guarded(session, async (op) => {
        const started = await this.#countStart(sub, op);
        if (started === OVER_QUOTA) return OVER_QUOTA;
        counted.started = started;
        op.set(key, state, { expireIn: ROUND_MS });
        return undefined;
      }),
    ]);
    if (written === SIGNED_OUT) return { problem: "signed_out" };
    if (written === OVER_QUOTA) return { problem: "quota", limit: this.#quota };
    const { token } = await this.#tokens.seal("round", { sub, rid });
    const view = this.#view(token, state, scored);
    return counted.started === null
      ? view
      : { ...view, free_rounds_left: this.#quota - counted.started };
  }

  /**
   * With a quota, counts one start of a free player today into `op`,
   * checked against the count read; returns the count with it (`null`: not
   * counted, no quota or the pro plan), or {@linkcode OVER_QUOTA}.
   */
  async #countStart(
    sub: string,
    op: KvAtomic,
  ): Promise<number | null | typeof OVER_QUOTA> {
    if (this.#quota <= 0) return null;
    const day = gameKeys.startedToday(sub, utcDay(this.#now()));
    const [plan, count] = await this.#kv.getMany<[PlanRecord, Deno.KvU64]>([
      billingKeys.plan(sub),
      day,
    ]);
    if (isPro(plan.value)) return null;
    const n = Number(count.value?.value ?? 0n);
    if (n >= this.#quota) return OVER_QUOTA;
    // Checked: two starts that read the same count cannot both commit.
    op.check(count).set(day, new Deno.KvU64(BigInt(n + 1)), {
      expireIn: DAILY_COUNT_KEPT_MS,
    });
    return n + 1;
  }

  /**
   * Commits `write`, checked against `session` when given: a key that must
   * still exist (the caller's sign-in), so a write racing an erasure either
   * lands before it (and the erasure's last sweep removes it) or not at all.
   */
  async #guarded(
    session: Deno.KvKey | undefined,
    write: (op: KvAtomic) => void | Promise<void | typeof OVER_QUOTA>,
  ): Promise<void | typeof SIGNED_OUT | typeof OVER_QUOTA> {
    for (;;) {
      const op = this.#kv.atomic();
      if (session) {
        const entry = await this.#kv.get(session);
        if (entry.versionstamp === null) return SIGNED_OUT;
        op.check(entry);
      }
      // `write` adds to `op` and returns nothing: an operation is a
      // thenable that refuses to be awaited.
      if ((await write(op)) === OVER_QUOTA) return OVER_QUOTA;
      if ((await op.commit()).ok) return;
    }
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
      if (ok.ok) return this.#view(handle, next, found.today?.count ?? null);
    }
  }

  /**
   * Checks a guess. A correct one scores once, unless the player has scored
   * the day's cap of rounds already: then it solves the round for 0 points
   * and says so. The 5th wrong guess ends the round.
   */
  async guess(
    sub: string,
    handle: string,
    guess: string,
  ): Promise<GuessResult | RoundProblem> {
    for (;;) {
      const found = await this.#load(sub, handle);
      if ("problem" in found) return found;
      const { entry, state, today } = found;
      const word = WORDS[state.category][state.word]!.word;
      if (matches(guess, word)) {
        const capped = today !== null && today.count >= this.#cap;
        const points = capped ? 0 : pointsFor(state.clues, state.wrong);
        const op = this.#kv.atomic().check(entry)
          .set(entry.key, { ...state, status: "solved", points }, {
            expireIn: this.#remaining(state),
          });
        if (today) {
          // Checked, so concurrent guesses cannot both take the last
          // scored round of the day; `set` (not `sum`) to give it an expiry.
          op.check(today.entry);
          if (!capped) {
            op.set(today.entry.key, new Deno.KvU64(BigInt(today.count + 1)), {
              expireIn: DAILY_COUNT_KEPT_MS,
            });
          }
        }
        if (!capped) op.sum(gameKeys.score(sub), BigInt(points));
        if (!(await op.commit()).ok) continue;
        const daily = today === null ? {} : {
          scored_rounds_left: Math.max(
            0,
            this.#cap - today.count - (capped ? 0 : 1),
          ),
        };
        if (capped) {
          return {
            correct: true,
            score: found.score,
            attempts_left: MAX_WRONG - state.wrong,
            points: 0,
            scored: false,
            ...daily,
            message: this.#capMessage(),
            word,
            ...progressOf(state),
          };
        }
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
          scored: true,
          ...daily,
          word,
          ...progressOf(state),
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
      const capped = today !== null && today.count >= this.#cap;
      return {
        correct: false,
        score: found.score,
        attempts_left: MAX_WRONG - wrong,
        ...(lost ? { word } : {
          points_available: capped ? 0 : pointsFor(state.clues, wrong),
        }),
        ...progressOf(state),
      };
    }
  }

  /** Ends a round without points and reveals the word. */
  async giveUp(
    sub: string,
    handle: string,
  ): Promise<GaveUp | RoundProblem> {
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
          ...progressOf(state),
        };
      }
    }
  }

  /**
   * The player's open round (the newest, if several are open), with a fresh
   * handle to it, or `null`: for a client that lost the handle `start`
   * gave. One KV list of the player's rounds, which expire an hour after
   * they start.
   */
  async current(sub: string): Promise<RoundView | null> {
    let newest: { rid: string; state: RoundState } | null = null;
    for await (
      const row of this.#kv.list<RoundState>({ prefix: gameKeys.rounds(sub) })
    ) {
      const state = row.value;
      if (
        state.status !== "open" ||
        this.#now() - state.started_at >= ROUND_MS
      ) continue;
      if (!newest || state.started_at > newest.state.started_at) {
        newest = { rid: row.key[2] as string, state };
      }
    }
    if (!newest) return null;
    const [{ token }, scored] = await Promise.all([
      this.#tokens.seal("round", { sub, rid: newest.rid }),
      this.#scoredToday(sub),
    ]);
    return this.#view(token, newest.state, scored);
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

  /**
   * The top 10 (one KV list) and the caller's own standing: from the top 10
   * when they are in it, else counted from the rank counters (a fixed number
   * of small reads, exact at any size).
   */
  async leaderboard(
    sub: string,
  ): Promise<{ top: Standing[]; you: Standing | null }> {
    const [rows, [entry, high]] = await Promise.all([
      this.#top(),
      this.#kv.getMany<[Player, Deno.KvU64]>([
        gameKeys.player(sub),
        RANK_HIGH_KEY,
      ]),
    ]);
    const top = rows.map(({ standing }) => standing);
    let you: Standing | null = rows.find((row) => row.sub === sub)?.standing ??
      null;
    const player = entry.value;
    if (!you && player?.shown) {
      // Competition ranking, as in the top 10: one more than the number of
      // players with a higher score.
      you = {
        rank: 1 + await countAbove(this.#kv, player.shown.score, highOf(high)),
        name: player.nickname ?? player.handle,
        score: player.shown.score,
      };
    }
    return { top, you };
  }

  /**
   * Counts every player not yet counted in the rank counters (rows written
   * before they existed). Safe while the service runs; see ./ranks.ts.
   */
  rebuildRanks(): Promise<RebuildReport> {
    return rebuildRanks(this.#kv, gameKeys.players);
  }

  /**
   * Sets the name the leaderboard shows for `sub`, unless another player
   * holds a nickname that looks the same (`taken`).
   */
  setNickname(
    sub: string,
    nickname: Nickname,
  ): Promise<{ ok: true } | { ok: false; problem: "taken" }>;
  setNickname(
    sub: string,
    nickname: Nickname,
    session: Deno.KvKey,
  ): Promise<{ ok: true } | { ok: false; problem: "taken" } | SignedOut>;
  async setNickname(
    sub: string,
    { nickname, keys, earlierKeys }: Nickname,
    session?: Deno.KvKey,
  ): Promise<{ ok: true } | { ok: false; problem: "taken" } | SignedOut> {
    for (;;) {
      // Rows written before keys dropped accents hold the earlier keys until
      // their holder sets a nickname again: checked too, so an exact copy of
      // such a name is still taken; only `keys` are written.
      const [entry, ...held] = await this.#kv.getMany<[Player, ...string[]]>([
        gameKeys.player(sub),
        ...keys.map(gameKeys.nickname),
        ...earlierKeys.map(gameKeys.nickname),
      ]);
      // See #guarded: a rename racing an erasure must not outlive it.
      const alive = session ? await this.#kv.get(session) : null;
      if (alive?.versionstamp === null) return { problem: "signed_out" };
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
      if (alive) op.check(alive);
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
   * and the nickname's keys (with its place in the rank counters) and daily
   * counters (rounds scored, rounds started). Score, player, row, keys and counters go in one atomic step
   * checked against what was read, so a guess scoring meanwhile cannot leave
   * a row behind; rounds go first, and again if one was started meanwhile,
   * so none can score afterwards.
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
      moveRank(op, playerEntry.value?.ranked ?? null, null);
      if (!(await op.commit()).ok) continue;
      await deleteAll(this.#kv, [
        ...await keysUnder(this.#kv, gameKeys.scoredDays(sub)),
        ...await keysUnder(this.#kv, gameKeys.startedDays(sub)),
      ]);
      const started = await keysUnder(this.#kv, gameKeys.rounds(sub));
      if (started.length === 0) return;
    }
  }

  /**
   * Moves the player's leaderboard row, and their place in the rank
   * counters, to their current score in one atomic step. Losing a race is
   * fine: whoever changed the score or the row runs this too, so the last
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
      moveRank(op, player.ranked ?? null, score);
      op.set(gameKeys.player(sub), {
        ...player,
        shown: { score, at },
        ranked: score,
      });
      if ((await op.commit()).ok) return score;
    }
  }

  /** Rounds a free player may start per UTC day; 0 = unlimited. */
  get freeRoundsPerDay(): number {
    return this.#quota;
  }

  /**
   * Rounds `sub` may still start today under the free quota, or `null` when
   * there is none (no quota, or the pro plan).
   */
  async freeRoundsLeft(sub: string): Promise<number | null> {
    if (this.#quota <= 0) return null;
    const [plan, count] = await this.#kv.getMany<[PlanRecord, Deno.KvU64]>([
      billingKeys.plan(sub),
      gameKeys.startedToday(sub, utcDay(this.#now())),
    ]);
    if (isPro(plan.value)) return null;
    return Math.max(0, this.#quota - Number(count.value?.value ?? 0n));
  }

  /** Rounds `sub` scored today, or `null` when there is no daily cap. */
  async #scoredToday(sub: string): Promise<number | null> {
    if (this.#cap <= 0) return null;
    const key = gameKeys.scoredToday(sub, utcDay(this.#now()));
    return Number((await this.#kv.get<Deno.KvU64>(key)).value?.value ?? 0n);
  }

  #capMessage(): string {
    return `You have scored ${this.#cap} rounds today, the most one player can score in a UTC day: rounds still play but score nothing until 00:00 UTC.`;
  }

  /**
   * The round behind `handle`, if it is `sub`'s and open, with `sub`'s score
   * read in the same call (answers need it, and it is then known even if KV
   * fails after the move is committed) and, with a daily cap, today's count
   * of scored rounds.
   */
  async #load(
    sub: string,
    handle: string,
  ): Promise<
    | {
      entry: Deno.KvEntry<RoundState>;
      state: RoundState;
      score: number;
      today: { entry: Deno.KvEntryMaybe<Deno.KvU64>; count: number } | null;
    }
    | RoundProblem
  > {
    const opened = await this.#tokens.open("round", handle);
    // Someone else's round is "not found" too: nothing to learn by probing.
    if (!opened.ok || opened.claims.sub !== sub) {
      return { problem: "not_found" };
    }
    const keys = [
      gameKeys.round(sub, opened.claims.rid),
      gameKeys.score(sub),
    ] as const;
    const [entry, scoreEntry, todayEntry]: [
      Deno.KvEntryMaybe<RoundState>,
      Deno.KvEntryMaybe<Deno.KvU64>,
      Deno.KvEntryMaybe<Deno.KvU64>?,
    ] = this.#cap > 0
      ? await this.#kv.getMany<[RoundState, Deno.KvU64, Deno.KvU64]>([
        ...keys,
        gameKeys.scoredToday(sub, utcDay(this.#now())),
      ])
      : await this.#kv.getMany<[RoundState, Deno.KvU64]>(keys);
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
      today: todayEntry
        ? { entry: todayEntry, count: Number(todayEntry.value?.value ?? 0n) }
        : null,
    };
  }

  #remaining(state: RoundState): number {
    return Math.max(1, state.started_at + ROUND_MS - this.#now());
  }

  /** What the player sees; `scored` is today's count (null: no cap). */
  #view(
    handle: string,
    state: RoundState,
    scored: number | null,
  ): RoundView {
    const entry = WORDS[state.category][state.word]!;
    const left = scored === null ? null : Math.max(0, this.#cap - scored);
    const progress = progressOf(state);
    return {
      round: handle,
      ...progress,
      clue: progress.clues.at(-1)!,
      clues_used: state.clues,
      clues_left: entry.clues.length - state.clues,
      attempts_left: MAX_WRONG - state.wrong,
      points_available: left === 0 ? 0 : pointsFor(state.clues, state.wrong),
      ...(left === null ? {} : { scored_rounds_left: left }),
      ...(left === 0 ? { message: this.#capMessage() } : {}),
    };
  }
}

/** The clues shown so far (in their drawn order) and the word's length. */
function progressOf(state: RoundState): RoundProgress {
  const entry = WORDS[state.category][state.word]!;
  const clues: string[] = [];
  for (let i = 0; i < state.clues; i++) {
    clues.push(entry.clues[state.order?.[i] ?? i]!);
  }
  return { category: state.category, letters: entry.word.length, clues };
}

function newPlayer(): Player {
  return {
    handle: anonymousHandle(new Uint8Array(randomBytes(3))),
    nickname: null,
    shown: null,
  };
}
