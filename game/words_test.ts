import assert from "node:assert/strict";
import { CATEGORIES, isCategory, WORDS } from "./words.ts";

/** Forms a clue must not contain: the word, and its stem for longer words. */
function forms(word: string): string[] {
  const out = [word];
  if (word.length > 4) {
    if (word.endsWith("es")) out.push(word.slice(0, -2));
    else if (word.endsWith("s")) out.push(word.slice(0, -1));
    if (word.endsWith("f")) out.push(word.slice(0, -1) + "ves");
  }
  return out;
}

Deno.test("every category has at least 50 words", () => {
  for (const category of CATEGORIES) {
    assert.ok(
      WORDS[category].length >= 50,
      `${category}: ${WORDS[category].length}`,
    );
  }
});

Deno.test("words are unique lowercase letters, across all categories", () => {
  const seen = new Set<string>();
  for (const category of CATEGORIES) {
    for (const { word } of WORDS[category]) {
      assert.match(word, /^[a-z]{3,12}$/, word);
      assert.ok(!seen.has(word), `duplicate: ${word}`);
      seen.add(word);
    }
  }
});

Deno.test("every word has at least 3 distinct clues of at most 80 characters", () => {
  for (const category of CATEGORIES) {
    for (const { word, clues } of WORDS[category]) {
      assert.ok(clues.length >= 3, word);
      assert.equal(new Set(clues).size, clues.length, `${word}: repeated clue`);
      for (const clue of clues) {
        assert.ok(clue.length > 0 && clue.length <= 80, `${word}: ${clue}`);
      }
    }
  }
});

Deno.test("no clue contains its word", () => {
  const leaks: string[] = [];
  for (const category of CATEGORIES) {
    for (const { word, clues } of WORDS[category]) {
      for (const clue of clues) {
        const lower = clue.toLowerCase();
        if (forms(word).some((f) => lower.includes(f))) {
          leaks.push(`${word}: ${clue}`);
        }
      }
    }
  }
  assert.deepEqual(leaks, []);
});

Deno.test("isCategory() accepts the three categories and nothing else", () => {
  for (const c of ["animals", "places", "colors"]) assert.ok(isCategory(c));
  for (
    const c of ["Animals", "fruits", "", "animals ", "constructor", "__proto__"]
  ) {
    assert.ok(!isCategory(c), c);
  }
});
