import assert from "node:assert/strict";
import fc from "../tests/_deps/fast_check.ts";
import {
  Keyring,
  MAX_TOKEN_CHARS,
  openBytes,
  openNow,
  PREFIX,
  PURPOSES,
  sealBytes,
} from "./seal.ts";
import { keyring, SECRET_1, SECRET_2 } from "../tests/_keys.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const purpose = fc.constantFrom(...PURPOSES);

Deno.test("sealBytes/openBytes round-trip for every purpose", async () => {
  for (const p of PURPOSES) {
    const token = await sealBytes(keyring, p, bytes(`payload for ${p}`));
    assert.ok(token.startsWith(PREFIX[p]), `${p} token has its prefix`);
    const opened = await openBytes(keyring, p, token);
    assert.ok(opened.ok, `${p} opens`);
    assert.equal(text(opened.plaintext), `payload for ${p}`);
    assert.equal(opened.kid, "k1");
  }
});

Deno.test("openBytes() never opens a token sealed for another purpose", async () => {
  await fc.assert(
    fc.asyncProperty(
      purpose,
      purpose,
      fc.uint8Array({ maxLength: 200 }),
      async (sealedAs, openedAs, payload) => {
        fc.pre(sealedAs !== openedAs);
        const token = await sealBytes(keyring, sealedAs, payload);
        assert.equal((await openBytes(keyring, openedAs, token)).ok, false);
        // Editing the visible prefix does not help: the purpose is in the
        // additional data and the key derivation.
        const relabelled = PREFIX[openedAs] +
          token.slice(PREFIX[sealedAs].length);
        assert.equal(
          (await openBytes(keyring, openedAs, relabelled)).ok,
          false,
        );
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("openBytes() refuses a token with any single bit of its body flipped", async () => {
  const token = await sealBytes(keyring, "access", bytes('{"sub":"dev:a"}'));
  const encoded = token.slice(PREFIX.access.length);
  const body = Uint8Array.fromBase64(encoded, { alphabet: "base64url" });
  // Exhaustive over every bit: small enough to check them all.
  for (let i = 0; i < body.length * 8; i++) {
    const flipped = body.slice();
    flipped[i >> 3]! ^= 1 << (i & 7);
    const forged = PREFIX.access +
      flipped.toBase64({ alphabet: "base64url", omitPadding: true });
    const opened = await openBytes(keyring, "access", forged);
    assert.equal(opened.ok, false, `bit ${i} flipped still opened`);
  }
});

Deno.test("openBytes() refuses a token with any one character changed (property)", async () => {
  const tokens = await Promise.all(
    PURPOSES.map((p) => sealBytes(keyring, p, bytes("x".repeat(40)))),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...tokens.map((t, i) => [t, PURPOSES[i]!] as const)),
      fc.nat(),
      fc.integer({ min: 0, max: 0xffff }),
      async ([token, p], at, code) => {
        const i = at % token.length;
        const replacement = String.fromCharCode(code);
        fc.pre(token[i] !== replacement);
        const forged = token.slice(0, i) + replacement + token.slice(i + 1);
        assert.equal((await openBytes(keyring, p, forged)).ok, false);
      },
    ),
    { numRuns: 1000 },
  );
});

Deno.test("openBytes() refuses truncated, empty, non-base64, oversized and non-string input without throwing", async () => {
  const token = await sealBytes(keyring, "refresh", bytes("{}"));
  const cases: unknown[] = [
    "",
    PREFIX.refresh,
    token.slice(0, -1),
    token.slice(0, PREFIX.refresh.length + 10),
    token.slice(0, token.length / 2),
    token + "A",
    token + "=",
    token.replace(/.$/, "!"),
    PREFIX.refresh + "@@@@",
    PREFIX.refresh + "a b",
    PREFIX.refresh + "A".repeat(MAX_TOKEN_CHARS),
    token + "A".repeat(MAX_TOKEN_CHARS),
    undefined,
    null,
    42,
    { token },
    [token],
  ];
  for (const input of cases) {
    const opened = await openBytes(keyring, "refresh", input);
    assert.equal(opened.ok, false, `accepted ${String(input).slice(0, 30)}`);
  }
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 300 }), async (s) => {
      for (const p of PURPOSES) {
        assert.equal((await openBytes(keyring, p, s)).ok, false);
        assert.equal((await openBytes(keyring, p, PREFIX[p] + s)).ok, false);
      }
    }),
  );
});

Deno.test("openBytes() refuses a token sealed under an unknown kid", async () => {
  const other = new Keyring([{ kid: "k9", secret: SECRET_2 }]);
  const token = await sealBytes(other, "access", bytes("{}"));
  const opened = await openBytes(keyring, "access", token);
  assert.deepEqual(opened, { ok: false, reason: "unknown_kid" });
});

Deno.test("a token sealed with a different secret under the same kid does not open", async () => {
  const impostor = new Keyring([{ kid: "k1", secret: SECRET_2 }]);
  const token = await sealBytes(impostor, "access", bytes("{}"));
  const opened = await openBytes(keyring, "access", token);
  assert.deepEqual(opened, { ok: false, reason: "bad_tag" });
});

Deno.test("rotation: a new first key seals, old tokens open until their key is removed", async () => {
  const oldToken = await sealBytes(keyring, "refresh", bytes("old"));
  const rotated = new Keyring([
    { kid: "k2", secret: SECRET_2 },
    { kid: "k1", secret: SECRET_1 },
  ]);
  const newToken = await sealBytes(rotated, "refresh", bytes("new"));
  const openedNew = await openBytes(rotated, "refresh", newToken);
  assert.ok(openedNew.ok && openedNew.kid === "k2", "new key seals");
  const openedOld = await openBytes(rotated, "refresh", oldToken);
  assert.ok(openedOld.ok && text(openedOld.plaintext) === "old");

  const retired = new Keyring([{ kid: "k2", secret: SECRET_2 }]);
  assert.ok((await openBytes(retired, "refresh", newToken)).ok);
  assert.deepEqual(await openBytes(retired, "refresh", oldToken), {
    ok: false,
    reason: "unknown_kid",
  });
});

Deno.test("two seals of the same plaintext differ (random salt and IV)", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    seen.add(await sealBytes(keyring, "access", bytes("same")));
  }
  assert.equal(seen.size, 50);
});

Deno.test("Keyring rejects empty keyrings, bad kids and duplicate kids", () => {
  assert.throws(() => new Keyring([]), TypeError);
  assert.throws(
    () => new Keyring([{ kid: "bad kid", secret: SECRET_1 }]),
    TypeError,
  );
  assert.throws(
    () =>
      new Keyring([
        { kid: "a", secret: SECRET_1 },
        { kid: "a", secret: SECRET_2 },
      ]),
    TypeError,
  );
});

Deno.test("a kid that is not valid UTF-8 is refused, not thrown", async () => {
  const token = await sealBytes(keyring, "access", bytes("{}"));
  const body = Uint8Array.fromBase64(token.slice(PREFIX.access.length), {
    alphabet: "base64url",
  });
  body[2] = 0xff; // first kid byte
  const forged = PREFIX.access +
    body.toBase64({ alphabet: "base64url", omitPadding: true });
  assert.equal((await openBytes(keyring, "access", forged)).ok, false);
});

/**
 * Sealed by the previous format (version 1: PBKDF2 masters, 600,000
 * iterations) with `k1:SECRET_1`, before masters came from HKDF.
 */
const VERSION_1 = {
  access:
    "wwc_at.AQJrMbDeTN7Idfut1nEmnGxv9ahfLDcyG70JI-PxDcUnOban-Sc3Y1yHtdUlla2Q8XfPxvrGSW8lZgEIeAYh4BIyCOpjZj6tIVc",
  client:
    "wwc_cl.AQJrMVUIwUZTlExLH0tSkEJSoWpFUfTktpkTbYOnndmzboiNiJ1hhHQpWTZHaK3expplXKCZowLRONJno1coMQVYW1J8zNZh39k",
} as const;

const versionOf = (token: string, purpose: keyof typeof PREFIX) =>
  Uint8Array.fromBase64(token.slice(PREFIX[purpose].length), {
    alphabet: "base64url",
  })[0];

Deno.test("new tokens are sealed in format version 2", async () => {
  for (const p of PURPOSES) {
    assert.equal(versionOf(await sealBytes(keyring, p, bytes("x")), p), 2);
  }
});

Deno.test("a token sealed in format version 1 (PBKDF2 masters) still opens while its key is in the ring, and only as what it was sealed for", async () => {
  for (const [p, token] of Object.entries(VERSION_1)) {
    const purpose = p as keyof typeof VERSION_1;
    assert.equal(versionOf(token, purpose), 1);
    const opened = await openBytes(keyring, purpose, token);
    assert.ok(opened.ok, `${p} opens`);
    assert.equal(text(opened.plaintext), "sealed before HKDF masters");
    assert.equal(opened.kid, "k1");
    const other = purpose === "access" ? "client" : "access";
    assert.equal(
      (await openBytes(
        keyring,
        other,
        PREFIX[other] + token.slice(PREFIX[purpose].length),
      )).ok,
      false,
    );
  }
  // Another secret under the same kid, or the key removed: refused.
  const impostor = new Keyring([{ kid: "k1", secret: SECRET_2 }]);
  assert.deepEqual(await openBytes(impostor, "access", VERSION_1.access), {
    ok: false,
    reason: "bad_tag",
  });
  const retired = new Keyring([{ kid: "k2", secret: SECRET_2 }]);
  assert.deepEqual(await openBytes(retired, "access", VERSION_1.access), {
    ok: false,
    reason: "unknown_kid",
  });
});

Deno.test("a version 1 token relabelled as version 2 (or the reverse) does not open: the version is in the additional data and picks the master", async () => {
  const v2 = await sealBytes(keyring, "access", bytes("sealed now"));
  for (const [token, to] of [[VERSION_1.access, 2], [v2, 1], [v2, 3]]) {
    const body = Uint8Array.fromBase64(
      (token as string).slice(PREFIX.access.length),
      { alphabet: "base64url" },
    );
    body[0] = to as number;
    const forged = PREFIX.access +
      body.toBase64({ alphabet: "base64url", omitPadding: true });
    const opened = await openBytes(keyring, "access", forged);
    assert.equal(opened.ok, false, `relabelled as ${to}`);
  }
});

Deno.test("a version 2 token opens without waiting: no key is stretched, whatever the ring holds", () => {
  const ring = new Keyring([
    { kid: "new", secret: SECRET_2 },
    { kid: "old", secret: SECRET_1 },
  ]);
  const sealedByOld = new Keyring([{ kid: "old", secret: SECRET_1 }]);
  return sealBytes(sealedByOld, "access", bytes("cold")).then((token) => {
    // openNow answers a plain value, not a promise: nothing was pending.
    const opened = openNow(ring, "access", token);
    assert.ok(!(opened instanceof Promise));
    assert.ok(opened.ok && opened.kid === "old");
    assert.equal(text(opened.plaintext), "cold");
  });
});
