/**
 * Leaderboard nicknames: what a nickname may contain, and the keys that make
 * two nicknames "the same" so that no player can impersonate another. Pure:
 * no Hono, no KV.
 *
 * - **Characters.** Letters and combining marks of one script, ASCII digits,
 *   `_`, `.`, `-` and single spaces. Only the scripts UAX #31 recommends for
 *   identifiers (Table 5: Latin, Greek, Cyrillic, Arabic, Han, …), matched
 *   with the Script_Extensions property (`\p{scx=…}`). "One script" is UTS #39
 *   §5.1's single-script test with its augmented sets: Japanese may mix Han,
 *   Hiragana and Katakana, Korean Hangul and Han, Chinese Han and Bopomofo;
 *   nothing else mixes (`東京タワー` is fine, `Tokyo東京` is not). ASCII
 *   digits and the punctuation belong to every script; other digits
 *   (`١٢٣`, `１２３`) are refused, so digits cannot mix scripts either.
 * - **Nothing invisible.** Format characters (Cf), default-ignorable code
 *   points (which covers the Hangul fillers U+3164, U+115F, U+1160, U+FFA0,
 *   variation selectors and joiners), other spaces, and compatibility forms
 *   that NFKC would change (fullwidth `Ｐ`, styled `𝐏`, ligatures) are
 *   refused. A combining mark must follow a letter and belong to the
 *   nickname's script; marks that hide or pile up are refused (UTS #39 §5.4:
 *   the same mark twice, more than four in a row, a dot above an `i`).
 * - **Only characters the data knows.** The confusables data is Unicode
 *   13.0.0 (see `_nickname_data.ts`); a letter assigned after it is refused,
 *   since its look-alikes would be missing.
 * - **Keys.** A nickname is held under its UTS #39 skeleton (NFD, each
 *   character mapped to its confusables.txt prototype, NFD again), compared
 *   case-insensitively: {@linkcode nicknameKeys} gives the skeleton of the
 *   lower-case name (`WordWizard` = `wordwizard` = `WordWizаrd` with a
 *   Cyrillic а), and the skeleton of the name as written, lower-cased after
 *   (a capital `I` reads as `l`, so `WiII` = `Will`). Two nicknames that share
 *   a key cannot both be held.
 * - **The reserved prefix.** Anonymous players show as `Player-042137`. A
 *   nickname whose key is `player` followed by a separator, or by nothing but
 *   digits, is refused: `Ρlayer-1` (Greek Rho), `Рӏауег-1` (all Cyrillic),
 *   `Player.123456`, `Player 123456`, `P1ayer_7` all read as a handle.
 *
 * @module
 */
import { ASSIGNED, CONFUSABLES, UNICODE_VERSION } from "./_nickname_data.ts";

/** A nickname that passed {@linkcode checkNickname}, with its keys. */
export interface Nickname {
  /** The name as shown: NFC, trimmed. */
  nickname: string;
  /** The skeletons it is held under (one or two, distinct). */
  keys: readonly string[];
}

/** A nickname check: the accepted nickname, or why it was refused. */
export type NicknameCheck =
  | ({ ok: true } & Nickname)
  | { ok: false; message: string };

const PROTOTYPES = new Map<string, string>(
  CONFUSABLES.trim().split("\n").map((line) => {
    const [source, ...prototype] = line.split(" ").map((h) =>
      String.fromCodePoint(parseInt(h, 16))
    );
    return [source!, prototype.join("")];
  }),
);

/** First and last code point of each assigned range, flattened and sorted. */
const ASSIGNED_RANGES = Uint32Array.from(
  ASSIGNED.trim().split(/\s+/).flatMap((range) => {
    const [first, last = first] = range.split("-");
    return [parseInt(first!, 16), parseInt(last!, 16)];
  }),
);

function assignedInData(cp: number): boolean {
  let lo = 0;
  let hi = ASSIGNED_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ASSIGNED_RANGES[2 * mid]!) hi = mid - 1;
    else if (cp > ASSIGNED_RANGES[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** UAX #31 Table 5, Recommended Scripts (Common and Inherited aside). */
const SCRIPTS = [
  "Arabic",
  "Armenian",
  "Bengali",
  "Bopomofo",
  "Cyrillic",
  "Devanagari",
  "Ethiopic",
  "Georgian",
  "Greek",
  "Gujarati",
  "Gurmukhi",
  "Han",
  "Hangul",
  "Hebrew",
  "Hiragana",
  "Kannada",
  "Katakana",
  "Khmer",
  "Lao",
  "Latin",
  "Malayalam",
  "Myanmar",
  "Oriya",
  "Sinhala",
  "Tamil",
  "Telugu",
  "Thaana",
  "Thai",
  "Tibetan",
] as const;
const SCRIPT_TESTS = SCRIPTS.map((script) =>
  [script, new RegExp(`^\\p{scx=${script}}$`, "u")] as const
);
/**
 * UTS #39 §5.1 augmented script sets: the writing systems that mix scripts
 * (Jpan, Kore, Hanb) count as scripts of their own.
 */
const AUGMENT: Record<string, string[]> = {
  Han: ["Japanese", "Korean", "Chinese"],
  Hiragana: ["Japanese"],
  Katakana: ["Japanese"],
  Hangul: ["Korean"],
  Bopomofo: ["Chinese"],
};

/** The recommended scripts `char` is used in, with their augmented sets. */
function scriptSet(char: string): Set<string> {
  const set = new Set<string>();
  for (const [script, test] of SCRIPT_TESTS) {
    if (!test.test(char)) continue;
    set.add(script);
    for (const also of AUGMENT[script] ?? []) set.add(also);
  }
  return set;
}

const fold = (text: string) => text.toUpperCase().toLowerCase();

/** UTS #39 skeleton: NFD, each character to its prototype, NFD again. */
export function skeleton(text: string): string {
  let mapped = "";
  for (const char of text.normalize("NFD")) {
    mapped += PROTOTYPES.get(char) ?? char;
  }
  return mapped.normalize("NFD");
}

/**
 * Folds case and maps to prototypes until nothing changes (a prototype can be
 * upper case, `0` → `O`; its lower case is then mapped again).
 */
function settle(text: string): string {
  for (let round = 0; round < 8; round++) {
    const next = skeleton(fold(text));
    if (next === text) break;
    text = next;
  }
  return text;
}

/**
 * The keys a nickname is held under: the skeleton of its lower-case form
 * (case-insensitive), and that of the name as written, lower-cased after, so
 * that capitals that look like other lower-case letters (`I` and `l`) count
 * too. Keys are for comparison only, never for display.
 */
export function nicknameKeys(nickname: string): string[] {
  return [...new Set([settle(nickname), settle(skeleton(nickname))])];
}

/**
 * `player`, with `i` and `l` as one letter: the Cyrillic palochka `ӏ`, whose
 * prototype is `i`, draws as an `l`.
 */
const RESERVED = /^p[il]ayer/;
const SEPARATORS = new Set(["-", "_", ".", " "].map(settle));
const DIGITS = new Set([..."0123456789"].map(settle));

/** Whether `key` reads as an anonymous handle, `Player-NNNNNN`. */
function reserved(key: string): boolean {
  const prefix = RESERVED.exec(key);
  if (!prefix) return false;
  const rest = [...key.slice(prefix[0].length)];
  return SEPARATORS.has(rest[0] ?? "") ||
    (rest.length > 0 && rest.every((c) => DIGITS.has(c)));
}

const INVISIBLE = /[\p{C}\p{Z}\p{Default_Ignorable_Code_Point}]/u;
/** Letters (each with its marks) and digits, then also `_ . -` and single spaces. */
const SHAPE = /^(?:\p{L}\p{M}*|[0-9])(?:\p{L}\p{M}*|[0-9_.-]| (?! ))*$/u;
/**
 * Marks that hide or pile up (UTS #39 §5.4), looked for in NFD: the same mark
 * twice (it draws once), more than four in a row, and a dot above on a letter
 * that has one already or looks as if it had (`i` + U+0307 draws as `i`).
 */
const HIDDEN_MARKS =
  /(\p{M})\1|\p{M}{5}|(?:\p{Soft_Dotted}|[\u0131\u0237])\p{M}*\u0307/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;

function refuse(message: string): NicknameCheck {
  return { ok: false, message };
}

/**
 * Validates a leaderboard nickname (see the module documentation for the
 * rules) and works out its keys. Whether another player holds one of them is
 * for the game to say.
 */
export function checkNickname(input: string): NicknameCheck {
  const nickname = input.normalize("NFC").trim();
  const chars = [...nickname];
  if (chars.length < 3 || chars.length > 20) {
    return refuse("A nickname has 3 to 20 characters.");
  }
  if (chars.some((c) => c !== " " && INVISIBLE.test(c))) {
    return refuse(
      "Invisible, blank or formatting characters are not allowed; use plain letters and single spaces.",
    );
  }
  if (chars.some((c) => /\p{N}/u.test(c) && !/[0-9]/.test(c))) {
    return refuse("Digits must be 0-9.");
  }
  if (nickname.normalize("NFKC") !== nickname) {
    return refuse(
      "Use plain letters and digits, not fullwidth, styled or compatibility forms (such as Ｐ, 𝐏 or ﬁ).",
    );
  }
  if (!SHAPE.test(nickname)) {
    return refuse(
      "Use letters, digits, single spaces, '_', '.' or '-', starting with a letter or digit.",
    );
  }
  if (HIDDEN_MARKS.test(nickname.normalize("NFD"))) {
    return refuse(
      "Accents may not repeat, pile up more than four deep, or hide (a dot above an i).",
    );
  }
  let common: Set<string> | undefined;
  for (const char of chars) {
    if (!LETTER_OR_MARK.test(char)) continue;
    if (!assignedInData(char.codePointAt(0)!)) {
      return refuse(
        `'${char}' is newer than the look-alike data this service checks against (Unicode ${UNICODE_VERSION}); use another letter.`,
      );
    }
    const set = scriptSet(char);
    if (set.size === 0) {
      return refuse(
        /\p{M}/u.test(char)
          ? `A combining mark of no particular script (U+${
            char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")
          }) is not allowed.`
          : `'${char}' is not a letter of a supported script (such as Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, Chinese, Japanese or Korean).`,
      );
    }
    common = common ? common.intersection(set) : set;
  }
  if (common?.size === 0) {
    return refuse(
      "Use letters of one script: a nickname may not mix, for example, Latin and Cyrillic letters (Japanese may mix kanji and kana, Korean hangul and hanja).",
    );
  }
  const keys = nicknameKeys(nickname);
  if (keys.some(reserved)) {
    return refuse(
      "Nicknames that read like the anonymous 'Player-' handles are reserved.",
    );
  }
  return { ok: true, nickname, keys };
}
