import assert from "node:assert/strict";
import { CONFUSABLES, UNICODE_VERSION } from "./_nickname_data.ts";
import { checkNickname, nicknameKeys, skeleton } from "./nickname.ts";

/** Whether two nicknames share a key, i.e. cannot both be held. */
function clash(a: string, b: string): boolean {
  const keys = new Set(nicknameKeys(a.normalize("NFC")));
  return nicknameKeys(b.normalize("NFC")).some((k) => keys.has(k));
}

Deno.test("nickname: names in many scripts are accepted as typed (NFC, trimmed)", () => {
  const cases: [string, string][] = [
    ["  Zoë ", "Zoë"],
    ["Zoe\u0308", "Zoë"], // composed by NFC
    ["Ana María", "Ana María"],
    ["Jean-Luc", "Jean-Luc"],
    ["R2-D2", "R2-D2"],
    ["word_wizard.9", "word_wizard.9"],
    ["Dvořák", "Dvořák"],
    ["Nguyễn", "Nguyễn"],
    ["Ọlọ\u0301run", "Ọlọ\u0301run"], // Yoruba: a mark with no composed form
    ["Straße", "Straße"],
    ["Ёжик", "Ёжик"],
    ["Ελένη", "Ελένη"],
    ["Հայկ", "Հայկ"],
    ["שלום", "שלום"],
    ["محمد", "محمد"],
    ["محمد 2024", "محمد 2024"],
    ["नमस्ते", "नमस्ते"],
    ["สมชาย", "สมชาย"],
    ["東京タワー", "東京タワー"], // Han + Katakana: Japanese
    ["ひらがなカタカナ漢字", "ひらがなカタカナ漢字"],
    ["김민준", "김민준"],
    ["한국韓國", "한국韓國"], // Hangul + Han: Korean
    ["ㄅㄆㄇ中文", "ㄅㄆㄇ中文"], // Bopomofo + Han: Chinese
    ["2024", "2024"],
    ["PlayerOne", "PlayerOne"],
    ["Players Club", "Players Club"],
  ];
  for (const [input, shown] of cases) {
    const checked = checkNickname(input);
    assert.ok(checked.ok, `${input}: ${!checked.ok && checked.message}`);
    assert.equal(checked.nickname, shown);
    assert.deepEqual(checked.keys, nicknameKeys(shown));
  }
});

Deno.test("nickname: impersonation attempts and hidden characters are refused, each with its reason", () => {
  const cases: [string, RegExp][] = [
    // Length and shape.
    ["ab", /3 to 20/],
    ["x".repeat(21), /3 to 20/],
    ["me@example.com", /letters, digits/],
    ["a  b", /letters, digits/],
    ["_abc", /starting with a letter/],
    ["<b>x</b>", /letters, digits/],
    // Invisible, filler and format characters.
    ["\u3164\u3164\u3164", /Invisible/], // HANGUL FILLER, a "letter"
    ["Word\u3164Wizard", /Invisible/],
    ["\u115F\u1160abc", /Invisible/], // HANGUL CHOSEONG / JUNGSEONG FILLER
    ["\uFFA0abc", /Invisible/], // HALFWIDTH HANGUL FILLER
    ["Word\u200BWizard", /Invisible/], // zero-width space
    ["Word\u200DWizard", /Invisible/], // zero-width joiner
    ["Word\u2060Wizard", /Invisible/], // word joiner
    ["Word\u00ADWizard", /Invisible/], // soft hyphen
    ["WordWizard\uFE0F", /Invisible/], // variation selector
    ["Word\u034FWizard", /Invisible/], // combining grapheme joiner
    ["WordWizard\u{E0041}", /Invisible/], // tag character
    ["Word\u202EWizard", /Invisible/], // right-to-left override
    ["Word\u00A0Wizard", /Invisible/], // no-break space
    ["Word\u3000Wizard", /Invisible/], // ideographic space
    ["bad\u0000name", /Invisible/],
    // Digits of other scripts, whether or not the letters match them.
    ["Ana\u0661\u0662\u0663", /Digits must be 0-9/], // Arabic-Indic
    ["محمد\u0661\u0662\u0663", /Digits must be 0-9/],
    ["Ana\u06F1\u06F2", /Digits must be 0-9/], // extended Arabic-Indic
    ["Ana\uFF11\uFF12", /Digits must be 0-9/], // fullwidth
    ["Ana\u{1D7D9}\u{1D7DA}", /Digits must be 0-9/], // mathematical
    ["Ana\u07C1\u07C2", /Digits must be 0-9/], // N'Ko
    // Compatibility forms.
    ["\uFF30layer-123456", /fullwidth/], // Ｐlayer
    ["\u{1D416}ordWizard", /fullwidth/], // mathematical bold W
    ["\uFB01nn", /fullwidth/], // the "fi" ligature
    // Mixed scripts.
    ["WordWiz\u0430rd", /one script/], // Cyrillic а
    ["\u03A1layer-123456", /one script/], // Greek Rho
    ["P\u0430yPal", /one script/],
    ["Tokyo東京", /one script/],
    ["Ёжик Ivan", /one script/],
    // Marks that hide or pile up.
    ["wi\u0307zard", /hide/], // a dot above an i draws as an i
    ["w\u0131\u0307zard", /hide/], // and above a dotless i
    ["Zoe\u0308\u0308", /repeat/],
    ["Zoa\u0301\u0302\u0303\u0304\u0306", /four deep/],
    ["abc\u0301\u0301", /repeat/],
    ["\u0645\u0301\u0645\u0645", /one script/], // a Latin accent on Arabic
    ["Zoe\u0336", /no particular script/], // a stroke overlay
    // Scripts not recommended for identifiers, and letters newer than the data.
    ["\u13AA\u13AB\u13AC", /supported script/], // Cherokee
    ["\u16A0\u16A1\u16A2", /supported script/], // Runic
    ["abc\u1C89", /newer than the look-alike data/], // Cyrillic Tje, Unicode 16
    // The reserved prefix, checked on the skeleton.
    ["Player-123456", /reserved/],
    ["player-1", /reserved/],
    ["PLAYER-042137", /reserved/],
    ["Player.123456", /reserved/],
    ["Player_123456", /reserved/],
    ["Player 123456", /reserved/],
    ["Player123456", /reserved/],
    ["Player-", /reserved/],
    ["P1ayer-7", /reserved/],
    ["PIayer-7", /reserved/], // capital I
    ["\u0420\u04CF\u0430\u0443\u0435\u0433-123456", /reserved/], // Cyrillic, small palochka
    ["\u0420\u04C0\u0430\u0443\u0435\u0433_123456", /reserved/], // Cyrillic, capital palochka
  ];
  for (const [input, reason] of cases) {
    const checked = checkNickname(input);
    assert.ok(!checked.ok, `${JSON.stringify(input)} was accepted`);
    assert.match(checked.message, reason, JSON.stringify(input));
  }
});

Deno.test("nickname: the refused look-alikes of 'Player-' have the skeleton of a real handle", () => {
  for (
    const input of [
      "\u03A1layer-123456", // Greek Rho
      "\uFF30layer-123456", // fullwidth P
      "\u0420\u04C0\u0430\u0443\u0435\u0433-123456", // Cyrillic
    ]
  ) {
    assert.ok(clash(input, "Player-123456"), input);
  }
});

Deno.test("nickname: names that look alike share a key, whatever their case", () => {
  const same: [string, string][] = [
    ["WordWizard", "wordwizard"],
    ["WordWizard", "WORDWIZARD"],
    ["WordWizard", "WordWiz\u0430rd"], // Cyrillic а
    ["WordWizard", "W0rdWizard"], // digit zero
    ["WordWizard", "WordWIzard"], // capital I
    ["Will", "WiII"], // capital I for l
    ["Will", "Wi11"], // digit one for l
    ["Oscar", "0scar"],
    ["Tim", "Tirn"], // m and rn
    ["cop", "\u0441\u043E\u0440"], // all Cyrillic: сор
    ["Straße", "Strasse"],
    ["Ελένη", "ΕΛΈΝΗ"], // Greek, both cases
    ["カラテ", "力ラテ"], // Katakana ka and the kanji 力
    ["Zoe\u0308", "ZOË"],
  ];
  for (const [a, b] of same) assert.ok(clash(a, b), `${a} / ${b}`);
  const different: [string, string][] = [
    ["Zoë", "Zoe"],
    ["Ana María", "Ana Maria"],
    ["William", "Wiliam"],
    ["Ana", "Ann"],
    ["Ёжик", "Ежик"],
    ["Dvořák", "Dvorak"],
    ["Player", "Prayer"],
  ];
  for (const [a, b] of different) assert.ok(!clash(a, b), `${a} / ${b}`);
});

Deno.test("nickname: the skeleton follows UTS #39: NFD, prototypes, NFD", () => {
  assert.equal(skeleton("\u0441\u043E\u0440"), "cop");
  assert.equal(
    skeleton("\u{1D52D}\u{1D4B6}\u{1EFF}\u{1D561}\u{1D552}\u2113"),
    "paypal",
  );
  assert.equal(skeleton("é"), "e\u0301");
  assert.equal(skeleton("m"), "rn");
});

Deno.test(`nickname: the confusables data is Unicode ${UNICODE_VERSION}, closed, and keys are fixed points`, () => {
  const lines = CONFUSABLES.trim().split("\n");
  assert.equal(lines.length, 6311);
  const sources = new Set(lines.map((l) => l.split(" ")[0]));
  for (const line of lines) {
    const [, ...prototype] = line.split(" ");
    assert.ok(prototype.length > 0, line);
    assert.ok(prototype.every((p) => !sources.has(p)), `${line}: not closed`);
  }
  // Keys settle: a key's own keys are itself, for every mapped character.
  for (const line of lines) {
    const char = String.fromCodePoint(parseInt(line.split(" ")[0]!, 16));
    for (const key of nicknameKeys(char.repeat(3))) {
      assert.deepEqual(nicknameKeys(key), [key], line);
    }
  }
});
