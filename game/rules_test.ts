import assert from "node:assert/strict";
import { matches } from "./rules.ts";

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
