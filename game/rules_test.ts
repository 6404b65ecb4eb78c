import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { clueOrder, matches } from "./rules.ts";

Deno.test("a guess matches however it is typed: case, accents, composed or not, fullwidth, invisible characters, spacing", () => {
  for (
    const guess of [
      "giraffe",
      "  GIRAFFE ",
      "Gìraffé",
      "gira\u0301ffe", // a + combining acute
      "ｇｉｒａｆｆｅ", // fullwidth forms
      "gi\u200Braffe", // zero-width space
      "gir\u00ADaffe", // soft hyphen
      "\u00A0giraffe\u00A0", // no-break spaces
      "gira\uFB00e", // the "ff" ligature
    ]
  ) {
    assert.ok(matches(guess, "giraffe"), JSON.stringify(guess));
  }
});

Deno.test("a guess that names another word does not match", () => {
  for (const guess of ["giraffes", "girafe", "gir affe", "", " ", "g"]) {
    assert.ok(!matches(guess, "giraffe"), JSON.stringify(guess));
  }
});

Deno.test("clueOrder() shuffles every clue but the most telling one, which stays last", () => {
  for (const count of [1, 2, 3, 5]) {
    const firsts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const order = clueOrder(count, randomInt);
      assert.deepEqual([...order].sort((a, b) => a - b), [...order.keys()]);
      assert.equal(order.at(-1), count - 1, "the telling clue comes last");
      firsts.add(order[0]!);
    }
    // Every vaguer clue comes first sometimes (a miss: (1 − 1/4)^200).
    assert.equal(firsts.size, Math.max(1, count - 1), `${count} clues`);
  }
});
