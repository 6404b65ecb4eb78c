import assert from "node:assert/strict";
import { gptInstructions } from "./instructions.ts";
import { CATEGORIES, WORDS } from "./words.ts";

const URL = "https://words.example.com";

Deno.test("gptInstructions() offers exactly the categories of the word banks", () => {
  assert.deepEqual([...CATEGORIES].sort(), Object.keys(WORDS).sort());
  const text = gptInstructions(URL, 0);
  assert.ok(
    text.includes(`offer the categories it returns (${CATEGORIES.join(", ")})`),
  );
});

Deno.test("gptInstructions() follows the categories it is given, naming no other", () => {
  const text = gptInstructions(URL, 0, ["birds", "rivers"]);
  assert.ok(text.includes("offer the categories it returns (birds, rivers)"));
  for (const category of CATEGORIES) {
    assert.ok(!text.includes(category), `${category} is not offered`);
  }
});
