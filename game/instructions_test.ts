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

Deno.test("gptInstructions() tells the model to show the upgrade link on a 402 only when there is a free quota", () => {
  const paid = gptInstructions(URL, 0, undefined, 20);
  assert.ok(paid.includes("start 20 rounds per UTC day"));
  assert.ok(paid.includes("402 payment_required"));
  assert.ok(paid.includes("show upgrade_url as a clickable link"));
  assert.ok(paid.includes("portal_url"));
  assert.ok(!gptInstructions(URL, 0).includes("upgrade_url"));
});
