/**
 * The rules of the game as pure functions: matching guesses, points,
 * anonymous handles (nicknames are in `nickname.ts`). No Hono, no KV.
 *
 * @module
 */

/** Wrong guesses a round allows; the next one ends it. */
export const MAX_WRONG = 5;
/** Points for a word solved on its first clue with no wrong guess. */
export const BASE_POINTS = 100;
/** What each clue after the first costs. */
export const CLUE_COST = 20;
/** What each wrong guess costs. */
export const WRONG_COST = 15;
/** A solved word is always worth something. */
export const MIN_POINTS = 10;

/**
 * Folds a guess or word for comparison: compatibility-normalised (fullwidth
 * letters, ligatures), accents and invisible format characters (zero-width
 * spaces, joiners) stripped, lower case, runs of space made one and
 * surrounding space trimmed ("  Éléphant " → "elephant").
 */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(/[\p{M}\p{Cf}]/gu, "").toLowerCase()
    .replace(/\s+/gu, " ").trim();
}

/** Whether `guess` names `word`, ignoring case, accents and surrounding space. */
export function matches(guess: string, word: string): boolean {
  return fold(guess) === fold(word);
}

/** Points for solving with `clues` clues shown and `wrong` wrong guesses. */
export function points(clues: number, wrong: number): number {
  return Math.max(
    MIN_POINTS,
    BASE_POINTS - CLUE_COST * Math.max(0, clues - 1) - WRONG_COST * wrong,
  );
}

/** An anonymous leaderboard handle, random so it says nothing about the person. */
export function anonymousHandle(random: Uint8Array): string {
  const n =
    ((random[0] ?? 0) << 16 | (random[1] ?? 0) << 8 | (random[2] ?? 0)) %
    1_000_000;
  return `Player-${String(n).padStart(6, "0")}`;
}

/**
 * The order a round shows a word's `count` clues in (indexes into its clues).
 * The banks write each word's clues from vague to telling: the vaguer ones
 * come in random order, so the first clue differs from round to round, and
 * the most telling one stays last, so it never hands out a first-clue win at
 * full points. `random(n)` draws a whole number below `n`.
 */
export function clueOrder(
  count: number,
  random: (n: number) => number,
): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  // Fisher–Yates over every clue but the last.
  for (let i = count - 2; i > 0; i--) {
    const j = random(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
