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
 *   the same mark twice, more than four in a row, a dot above an `i`). On a
 *   Latin, Greek or Cyrillic name a mark must also be one that Unicode
 *   composes with some letter of that script (the accents of `é`, `ḍ`, `ő`,
 *   `ё`, `ά`); the others (U+0358 dot above right, U+1DF8, U+0320, the
 *   Devanagari stress signs U+0951/U+0952 that Unicode also lists for Latin)
 *   draw as stray specks and spell no language's letter. A mark NFC leaves
 *   apart from its letter is still fine when it is such an accent (Yoruba
 *   `ọ́`).
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
 * - **Marks in keys.** A bare skeleton keeps combining marks, so a dot below
 *   (`WorḍWizard`) or a mark too small to see would make a second
 *   `WordWizard`. Keys therefore drop the marks that are accents: in Latin,
 *   Greek, Cyrillic and the other scripts whose letters stand on their own
 *   (Armenian, Georgian, Ethiopic, Han, kana, Hangul, Bopomofo, and Hebrew and
 *   Arabic, whose niqqud and harakat are optional pointing, usually left out),
 *   a name differing only by marks reads as the same name: `Zoë` = `Zoe`,
 *   `Ёжик` = `Ежик`, `مُحَمَّد` = `محمد`, and a letter confusables.txt draws
 *   as a letter with an overlay counts as that letter (`Łukasz` = `Lukasz`).
 *   In the scripts whose marks are vowels, viramas and the like (the Indic
 *   scripts, Sinhala, Thai, Lao, Tibetan, Myanmar, Khmer, Thaana), dropping
 *   them would make `राम` and `रम` one name: keys keep those scripts' own
 *   marks (Script = the script), and drop the marks Unicode shares across
 *   scripts (Script=Inherited: the Vedic accents U+0951, U+0952 and the
 *   Vedic tone marks among them), which are accents there too. Keys err
 *   towards collisions: a pair told apart only by an accent (`ä`/`a`,
 *   `は`/`ば`) is one name.
 * - **The reserved prefix.** Anonymous players show as `Player-042137`. A
 *   nickname whose key, with every combining mark removed, is `player`
 *   followed by a separator or by nothing but digits is refused: `Ρlayer-1`
 *   (Greek Rho), `Рӏауег-1` (all Cyrillic), `Player.123456`,
 *   `Player 123456`, `P1ayer_7` and `Pḷayer-1` all read as a handle.
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
  /**
   * The keys the earlier rule, which kept accents in keys, gives it, where
   * they differ from `keys`: rows written then still hold such keys until
   * their holder sets a nickname again, so they are checked, never taken.
   */
  earlierKeys: readonly string[];
}

/** A nickname check: the accepted nickname, or why it was refused. */
export type NicknameCheck =
  | ({ ok: true } & Nickname)
  | { ok: false; message: string };

/**
 * The tables below are built on first use, not at import: a process that
 * checks no nickname (most cold starts) never parses them, which takes tens
 * of milliseconds.
 */
let prototypes: Map<string, string> | undefined;
const confusablePrototypes = () =>
  prototypes ??= new Map<string, string>(
    CONFUSABLES.trim().split("\n").map((line) => {
      const [source, ...prototype] = line.split(" ").map((h) =>
        String.fromCodePoint(parseInt(h, 16))
      );
      return [source!, prototype.join("")];
    }),
  );

/** First and last code point of each assigned range, flattened and sorted. */
let assignedRanges: Uint32Array | undefined;
const assignedRangeTable = () =>
  assignedRanges ??= Uint32Array.from(
    ASSIGNED.trim().split(/\s+/).flatMap((range) => {
      const [first, last = first] = range.split("-");
      return [parseInt(first!, 16), parseInt(last!, 16)];
    }),
  );

function assignedInData(cp: number): boolean {
  const ranges = assignedRangeTable();
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[2 * mid]!) hi = mid - 1;
    else if (cp > ranges[2 * mid + 1]!) lo = mid + 1;
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
// Built on the first nickname checked: each pattern resolves a Unicode
// property, milliseconds together that a process start does not need.
let scriptTests: (readonly [string, RegExp])[] | undefined;
const scriptTestList = () =>
  scriptTests ??= SCRIPTS.map((script) =>
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
  for (const [script, test] of scriptTestList()) {
    if (!test.test(char)) continue;
    set.add(script);
    for (const also of AUGMENT[script] ?? []) set.add(also);
  }
  return set;
}

const fold = (text: string) => text.toUpperCase().toLowerCase();

/**
 * The scripts whose combining marks spell (vowel signs, viramas, tone marks):
 * their own marks stay in keys. Every other mark is dropped: the marks of the
 * other scripts, and the marks Unicode shares across scripts
 * (Script=Inherited: the accents of Latin, Greek and Cyrillic, Arabic harakat,
 * kana voicing marks, Vedic accents), which are accents, not spelling. The
 * rule is per mark, so a key's keys are itself.
 */
const SPELLING_MARK_SCRIPTS = [
  "Bengali",
  "Devanagari",
  "Gujarati",
  "Gurmukhi",
  "Kannada",
  "Khmer",
  "Lao",
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
let accentMarkPattern: RegExp | undefined;
const accentMarksOf = () =>
  accentMarkPattern ??= new RegExp(
    `[\\p{M}--[${SPELLING_MARK_SCRIPTS.map((s) => `\\p{sc=${s}}`).join("")}]]`,
    "gv",
  );
const ALL_MARKS = /\p{M}/gu;

/** UTS #39 skeleton: NFD, each character to its prototype, NFD again. */
export function skeleton(text: string): string {
  let mapped = "";
  for (const char of text.normalize("NFD")) {
    mapped += confusablePrototypes().get(char) ?? char;
  }
  return mapped.normalize("NFD");
}

/**
 * Folds case, maps to prototypes and drops accents (unless `keepAccents`, the
 * earlier rule) until nothing changes (a prototype can be upper case,
 * `0` → `O`; its lower case is then mapped again).
 */
function settle(text: string, keepAccents = false): string {
  for (let round = 0; round < 8; round++) {
    let next = skeleton(fold(text));
    if (!keepAccents) next = next.replace(accentMarksOf(), "");
    if (next === text) break;
    text = next;
  }
  return text;
}

/**
 * The keys a nickname is held under: the skeleton of its lower-case form
 * (case-insensitive), and that of the name as written, lower-cased after, so
 * that capitals that look like other lower-case letters (`I` and `l`) count
 * too. Both drop the combining marks that are accents, keeping those a script
 * spells with (see the module documentation). Keys are for comparison only,
 * never for display.
 */
export function nicknameKeys(nickname: string): string[] {
  return [...new Set([settle(nickname), settle(skeleton(nickname))])];
}

/** The keys of the earlier rule, which kept every mark. */
function earlierKeys(nickname: string): string[] {
  return [
    ...new Set([settle(nickname, true), settle(skeleton(nickname), true)]),
  ];
}

/**
 * `player`, with `i` and `l` as one letter: the Cyrillic palochka `ӏ`, whose
 * prototype is `i`, draws as an `l`.
 */
const RESERVED = /^p[il]ayer/;
let separators: Set<string> | undefined;
const separatorKeys = () =>
  separators ??= new Set(["-", "_", ".", " "].map((c) => settle(c)));
let digits: Set<string> | undefined;
const digitKeys = () =>
  digits ??= new Set([..."0123456789"].map((c) => settle(c)));

/**
 * Whether `key` reads as an anonymous handle, `Player-NNNNNN`, whatever marks
 * it carries: even where keys keep marks, none may make a handle pass.
 */
function reserved(key: string): boolean {
  key = key.replace(ALL_MARKS, "");
  const prefix = RESERVED.exec(key);
  if (!prefix) return false;
  const rest = [...key.slice(prefix[0].length)];
  return separatorKeys().has(rest[0] ?? "") ||
    (rest.length > 0 && rest.every((c) => digitKeys().has(c)));
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

/**
 * For Latin, Greek and Cyrillic: the marks Unicode composes with a letter of
 * the script, read from the canonical decompositions of its precomposed
 * letters (all below U+2000).
 */
let accents: Map<"Latin" | "Greek" | "Cyrillic", Set<string>> | undefined;
const accentMarks = () => accents ??= buildAccents();
function buildAccents(): Map<"Latin" | "Greek" | "Cyrillic", Set<string>> {
  const accents = new Map(
    (["Latin", "Greek", "Cyrillic"] as const).map((script) =>
      [script, new Set<string>()] as const
    ),
  );
  for (let cp = 0xc0; cp < 0x2000; cp++) {
    const char = String.fromCodePoint(cp);
    const parts = char.normalize("NFD");
    if (parts === char) continue;
    const script = /\p{sc=Latin}/u.test(char)
      ? "Latin"
      : /\p{sc=Greek}/u.test(char)
      ? "Greek"
      : /\p{sc=Cyrillic}/u.test(char)
      ? "Cyrillic"
      : undefined;
    if (!script) continue;
    for (const mark of parts.match(ALL_MARKS) ?? []) {
      accents.get(script)!.add(mark);
    }
  }
  return accents;
}

const hex = (char: string) =>
  "U+" + char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");

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
          ? `A combining mark of no particular script (${
            hex(char)
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
  // A mark no letter of the script takes is a stray speck, not an accent.
  const scripts = [...accentMarks().keys()].filter((s) => common?.has(s));
  if (scripts.length > 0) {
    for (const mark of nickname.normalize("NFD").match(ALL_MARKS) ?? []) {
      if (scripts.some((s) => accentMarks().get(s)!.has(mark))) continue;
      return refuse(
        `A combining mark that no ${scripts.join(" or ")} letter takes (${
          hex(mark)
        }) is not allowed; use accented letters.`,
      );
    }
  }
  const keys = nicknameKeys(nickname);
  if (keys.some(reserved)) {
    return refuse(
      "Nicknames that read like the anonymous 'Player-' handles are reserved.",
    );
  }
  return {
    ok: true,
    nickname,
    keys,
    earlierKeys: earlierKeys(nickname).filter((k) => !keys.includes(k)),
  };
}
