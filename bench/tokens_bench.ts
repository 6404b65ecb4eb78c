/**
 * `deno task bench`: sealing and opening an access token beside `jose` HS256
 * JWT sign/verify and beside the scheme this project replaces (PBKDF2 with 256
 * iterations on every request and a fixed IV, through WebCrypto — insecure,
 * kept here only as a yardstick).
 */
import { jwtVerify, SignJWT } from "../tests/_deps/jose.ts";
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";

const SECRET = "L8opiZ4tiiQju-R0F-ZdAcf8YcaQy-rqUKo9lZPMij8";
const keyring = new Keyring([{ kid: "k1", secret: SECRET }]);
const tokens = new Tokens(keyring, Date.now);
const claims = {
  sub: "google:109876543210987654321",
  client_id: "gpt-abcdef",
  scope: "game",
  fid: "0123456789abcdefghijkl",
};
const { token: sealed } = await tokens.seal("access", claims);

const hmacKey = new TextEncoder().encode(SECRET);
const jwt = await new SignJWT(claims)
  .setProtectedHeader({ alg: "HS256" })
  .setIssuedAt()
  .setExpirationTime("1h")
  .sign(hmacKey);

// The replaced scheme: one secret sliced into password, salt and IV, a key
// derived on every request, and the same IV for every token.
const enc = new TextEncoder();
const legacyPassword = enc.encode(SECRET.slice(0, 16));
const legacySalt = enc.encode(SECRET.slice(16, 32));
// AES-GCM takes a 12-byte IV: the secret's last 12 characters.
const legacyIv = enc.encode(SECRET.slice(31, 43));
async function legacyKey(): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    legacyPassword,
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", salt: legacySalt, iterations: 256, hash: "SHA-256" },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}
async function legacySeal(value: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: legacyIv },
      await legacyKey(),
      enc.encode(value),
    ),
  );
}
async function legacyOpen(
  sealedValue: Uint8Array<ArrayBuffer>,
): Promise<string> {
  return new TextDecoder().decode(
    await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: legacyIv },
      await legacyKey(),
      sealedValue,
    ),
  );
}
const legacyPayload = `${claims.sub}%${claims.client_id}%${
  Date.now() + 3600_000
}`;
const legacySealed = await legacySeal(legacyPayload);

Deno.bench("open: sealed access token (this project)", {
  group: "open",
  baseline: true,
}, async () => {
  const opened = await tokens.open("access", sealed);
  if (!opened.ok) throw new Error("did not open");
});
Deno.bench("open: jose HS256 JWT verify", { group: "open" }, async () => {
  await jwtVerify(jwt, hmacKey);
});
Deno.bench("open: replaced scheme (PBKDF2-256 per request, fixed IV)", {
  group: "open",
}, async () => {
  await legacyOpen(legacySealed);
});

Deno.bench("seal: sealed access token (this project)", {
  group: "seal",
  baseline: true,
}, async () => {
  await tokens.seal("access", claims);
});
Deno.bench("seal: jose HS256 JWT sign", { group: "seal" }, async () => {
  await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(hmacKey);
});
Deno.bench("seal: replaced scheme (PBKDF2-256 per request, fixed IV)", {
  group: "seal",
}, async () => {
  await legacySeal(legacyPayload);
});

// A key's first use in a process: deriving its master key. Each iteration
// builds a fresh keyring, so nothing is cached.
const V1_TOKEN =
  "wwc_at.AQJrMbDeTN7Idfut1nEmnGxv9ahfLDcyG70JI-PxDcUnOban-Sc3Y1yHtdUlla2Q8XfPxvrGSW8lZgEIeAYh4BIyCOpjZj6tIVc";
const V1_SECRET = "UBajyRFpQQLZ1akdm9XDN597l7P7Cl5cESglgWhuqBI";
Deno.bench("first key use: HKDF-SHA-256 master (format 2)", {
  group: "first key use",
  baseline: true,
}, () => {
  if (!new Keyring([{ kid: "k1", secret: SECRET }]).master("k1")) {
    throw new Error("no master");
  }
});
Deno.bench("first key use: PBKDF2 600,000 iterations (format 1 tokens)", {
  group: "first key use",
  n: 5,
  warmup: 1,
}, async () => {
  const ring = new Keyring([{ kid: "k1", secret: V1_SECRET }]);
  // The token holds no access claims, so it is refused, once its key is
  // derived: the derivation is what is measured.
  await new Tokens(ring, Date.now).open("access", V1_TOKEN);
});
