/**
 * How guessable a configured secret is. A secret is cut, left to right, into
 * the fewest pieces, where a piece is one character or a run of at least
 * {@linkcode MIN_RUN} characters that anyone guessing would try: a repeat of
 * something earlier in the secret (`aaaa`, `abab`, `pass1234pass1234`), a
 * step through the alphabet or the digits (`abcd`, `9876`), or keys side by
 * side on a keyboard (`qwer`, `asdf`). A run costs as much as two characters
 * (where it starts and how long it is). The estimate is
 *
 *     pieces × log2(alphabet), alphabet = 26 (a–z) + 26 (A–Z) + 10 (0–9) + 33 (anything else),
 *
 * counting only the classes the secret uses, and it must reach
 * {@linkcode MIN_SECRET_BITS}. Runs are found case-blind.
 *
 * The margin is set so that what people generate passes: `deno task keygen`
 * (43 base64url characters, about 275 estimated bits, never below 226 in 5
 * million draws), `openssl rand -hex 32` (about 330), `openssl rand -base64
 * 32` (about 290), and 32 random hex characters (128 real bits, about 165
 * estimated; refused about once in 1.7 million draws, mostly when all 32
 * happen to be digits, which as a decimal number is 106 bits). It cannot
 * recognise words: it refuses patterns, it does not prove randomness.
 *
 * @module
 */

/** The strength every configured secret must reach (estimated bits). */
export const MIN_SECRET_BITS = 128;
/** The shortest repeat, step or keyboard run counted as one piece. */
export const MIN_RUN = 4;
/** A run is described by where it starts and how long it is. */
const RUN_COST = 2;
/** Only this many characters are examined (the work grows as its square). */
const MAX_EXAMINED = 1024;

const KEYBOARD_ROWS = [
  "`1234567890-=",
  "qwertyuiop[]\\",
  "asdfghjkl;'",
  "zxcvbnm,./",
  "~!@#$%^&*()_+",
  // Down the columns, e.g. "1qaz2wsx", and up them, e.g. "zaq1xsw2".
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
  "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
].flatMap((row) => [row, [...row].reverse().join("")]);

/** Estimated bits of guessing work for `secret` (see the module comment). */
export function secretBits(secret: string): number {
  const chars = [...secret].slice(0, MAX_EXAMINED);
  const n = chars.length;
  if (n === 0) return 0;
  const bitsPerChar = Math.log2(alphabetSize(chars));
  const folded = chars.map((ch) => ch.toLowerCase());
  const codes = folded.map((ch) => ch.codePointAt(0)!);
  const runs = longestRuns(folded, codes);
  // pieces[i]: fewest pieces for the characters from i to the end.
  const pieces = new Array<number>(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let best = pieces[i + 1]! + 1;
    for (let len = MIN_RUN; len <= runs[i]!; len++) {
      best = Math.min(best, pieces[i + len]! + RUN_COST);
    }
    pieces[i] = best;
  }
  return pieces[0]! * bitsPerChar;
}

/** Whether `secret` reaches {@linkcode MIN_SECRET_BITS}. */
export function isStrongSecret(secret: string): boolean {
  return secretBits(secret) >= MIN_SECRET_BITS;
}

function alphabetSize(chars: readonly string[]): number {
  let lower = 0, upper = 0, digit = 0, other = 0;
  for (const ch of chars) {
    if (ch >= "a" && ch <= "z") lower = 26;
    else if (ch >= "A" && ch <= "Z") upper = 26;
    else if (ch >= "0" && ch <= "9") digit = 10;
    else other = 33;
  }
  return lower + upper + digit + other;
}

/** For each position, the length of the longest run starting there. */
function longestRuns(chars: readonly string[], codes: readonly number[]) {
  const n = chars.length;
  const runs = new Array<number>(n).fill(0);
  // Repeats: the longest match of the text at i with text starting earlier
  // (overlap allowed, so "aaaa" and "abab" repeat themselves), one diagonal
  // at a time.
  for (let shift = 1; shift < n; shift++) {
    let match = 0;
    for (let i = n - 1; i >= shift; i--) {
      match = chars[i] === chars[i - shift] ? match + 1 : 0;
      if (match > runs[i]!) runs[i] = match;
    }
  }
  // Steps of -1, 0 or +1 in code point: "abcd", "4321", "zzzz".
  for (let i = 0; i + 1 < n; i++) {
    const step = codes[i + 1]! - codes[i]!;
    if (Math.abs(step) > 1) continue;
    let end = i + 1;
    while (end + 1 < n && codes[end + 1]! - codes[end]! === step) end++;
    runs[i] = Math.max(runs[i]!, end - i + 1);
  }
  // Neighbouring keys, along a row or down the columns.
  for (let i = 0; i < n; i++) {
    for (const row of KEYBOARD_ROWS) {
      const at = row.indexOf(chars[i]!);
      if (at < 0) continue;
      let len = 1;
      while (i + len < n && row[at + len] === chars[i + len]) len++;
      runs[i] = Math.max(runs[i]!, len);
    }
  }
  return runs;
}
