import assert from "node:assert/strict";
import fc from "../tests/_deps/fast_check.ts";
import { isStrongSecret, MIN_SECRET_BITS, secretBits } from "./strength.ts";

Deno.test("secretBits() counts little for repeats, steps and keyboard runs", () => {
  for (
    const weak of [
      "a".repeat(32),
      "ab".repeat(16),
      "password1234".repeat(3),
      "Password1!".repeat(4),
      "PASSWORDpassword".repeat(2),
      "0123456789".repeat(4),
      "abcdefghijklmnopqrstuvwxyz012345",
      "zyxwvutsrqponmlkjihgfedcba987654",
      "qwertyuiopasdfghjklzxcvbnm123456",
      "poiuytrewqlkjhgfdsamnbvcxz!@#$%^",
      "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,",
      "client-secret-0123456789abcdefghijklmnop",
    ]
  ) {
    assert.ok(!isStrongSecret(weak), `${weak}: ${secretBits(weak)}`);
  }
});

Deno.test("isStrongSecret() draws the line at 128 estimated bits, both ways", () => {
  assert.equal(MIN_SECRET_BITS, 128);
  // 23 characters of a–z and 0–9 with no run among them, then one run of
  // zeros: 25 pieces of log2(36) bits (129.2), one piece less is 124.1.
  const fresh = "k7m2x9p4vb8hq3w6j5t1yrn";
  const above = fresh + "0".repeat(9);
  const below = fresh.slice(0, 22) + "0".repeat(10);
  assert.equal(above.length, 32);
  assert.equal(below.length, 32);
  assert.equal(secretBits(above), 25 * Math.log2(36));
  assert.equal(secretBits(below), 24 * Math.log2(36));
  assert.ok(isStrongSecret(above));
  assert.ok(!isStrongSecret(below));
  // 32 decimal digits are 106 bits even when random; 39 are enough.
  const digits32 = "29213591301311537195648303477757";
  assert.equal(secretBits(digits32), 32 * Math.log2(10));
  assert.ok(!isStrongSecret(digits32));
  assert.ok(isStrongSecret("278695692018304900144271922360495628075"));
});

Deno.test("isStrongSecret() accepts every secret of the usual generators (keygen, openssl rand -hex 32 / -base64 32, 32 random hex characters)", () => {
  const generators: [string, number, (b: Uint8Array) => string][] = [
    [
      "deno task keygen",
      32,
      (b) => b.toBase64({ alphabet: "base64url", omitPadding: true }),
    ],
    ["openssl rand -hex 32", 32, (b) => b.toHex()],
    ["openssl rand -base64 32", 32, (b) => b.toBase64()],
    ["32 random hex characters", 16, (b) => b.toHex()],
  ];
  for (const [name, bytes, encode] of generators) {
    fc.assert(
      fc.property(
        // Unbiased: uniform bytes, as a random generator gives them.
        fc.noBias(fc.uint8Array({ minLength: bytes, maxLength: bytes })),
        (random) => {
          const secret = encode(random);
          assert.ok(isStrongSecret(secret), `${name}: ${secret}`);
        },
      ),
      // 32 random hex characters are refused about once in 1.7 million
      // draws (mostly all digits: 106 bits as a decimal number); a fixed seed
      // keeps this test from failing one run in a thousand for that reason.
      { numRuns: 2000, ...(bytes === 16 ? { seed: 20261123 } : {}) },
    );
  }
});

Deno.test("secretBits() judges long values by their first 1024 characters", () => {
  assert.ok(!isStrongSecret("a".repeat(100_000)));
  assert.equal(
    secretBits("ab".repeat(50_000)),
    secretBits("ab".repeat(512)),
  );
});
