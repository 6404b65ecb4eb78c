/**
 * Sealed tokens: AES-256-GCM blobs keyed from a rotating keyring.
 *
 * Layout of a token (DESIGN.md §4):
 *
 * ```
 * <prefix for the purpose> base64url( version | kid length | kid | salt(16) | iv(12) | ciphertext | tag(16) )
 * ```
 *
 * - Each keyring secret becomes a 32-byte master key by HKDF-SHA-256 (format
 *   version 2), lazily, the first time its kid is used: microseconds, so a
 *   process answers its first request without a start-up derivation. The
 *   secrets are random keys with an enforced strength floor (auth/strength.ts),
 *   not passwords: stretching buys nothing against guessing a 128-bit secret,
 *   and a count a cold start could afford (2^13 or so) would not rescue a
 *   weaker one.
 * - Tokens of format version 1 (sealed before, with masters stretched by
 *   PBKDF2-HMAC-SHA-256 at 600,000 iterations) still open while their key is
 *   in the ring: the version byte says which master to use, and that slow
 *   derivation runs only for a key that meets such a token, once per process,
 *   off the main thread. New tokens are always version 2.
 * - Each token gets a fresh random salt; HKDF-SHA-256(master, salt, purpose)
 *   gives a single-use AES key, so a key/IV pair never repeats even across
 *   billions of tokens, and a key for one purpose is useless for another.
 * - The additional data binds format version, kid and purpose: a token sealed
 *   for one purpose cannot be opened as another even if its prefix is edited.
 *
 * The per-request work uses `node:crypto`'s synchronous HKDF and AES-GCM: in
 * Deno each WebCrypto call is an async hop that costs far more than the
 * cipher itself (DESIGN.md §8; see `bench/tokens_bench.ts`).
 *
 * This module imports nothing from Hono or KV and never throws when opening.
 *
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  pbkdf2,
  randomBytes,
} from "node:crypto";

/** What a token is for; part of the authenticated data. */
export type Purpose =
  | "code"
  | "access"
  | "refresh"
  | "login"
  | "upstream"
  | "round"
  | "client"
  | "upgrade"
  | "portal"
  | "admin";

/** Every purpose, for tests and iteration. */
export const PURPOSES: readonly Purpose[] = [
  "code",
  "access",
  "refresh",
  "login",
  "upstream",
  "round",
  "client",
  "upgrade",
  "portal",
  "admin",
];

/**
 * Recognisable prefixes, so secret scanners and people reading logs can tell
 * what leaked. Base64url never contains a dot, so the prefix is unambiguous.
 */
export const PREFIX: Readonly<Record<Purpose, string>> = {
  code: "wwc_code.",
  access: "wwc_at.",
  refresh: "wwc_rt.",
  login: "wwc_login.",
  upstream: "wwc_up.",
  round: "wwc_round.",
  client: "wwc_cl.",
  upgrade: "wwc_upgrade.",
  portal: "wwc_portal.",
  admin: "wwc_adm.",
};

/** The format sealed now: HKDF masters. */
const VERSION = 2;
/** The format sealed before: PBKDF2 masters; opened, never sealed. */
const PBKDF2_VERSION = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PBKDF2_ITERATIONS = 600_000;
/** Longest token we will even try to decode (a large login cookie fits). */
export const MAX_TOKEN_CHARS = 4096;
/** A kid is short and printable: it travels inside every token. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const encoder = new TextEncoder();

/** One entry of `SEAL_KEYS`: `kid:secret`. */
export interface KeySpec {
  kid: string;
  secret: string;
}

/**
 * The keys that seal and open tokens. The first key seals; every key opens.
 * Nothing is derived until a kid is used.
 *
 * @example
 * ```ts
 * const keyring = new Keyring([{ kid: "k2", secret: newSecret }, { kid: "k1", secret: oldSecret }]);
 * ```
 */
export class Keyring {
  readonly #specs: ReadonlyMap<string, string>;
  /** Version 2 masters, derived on first use. */
  readonly #masters = new Map<string, KeyObject>();
  /** Version 1 masters, readable synchronously once derived. */
  readonly #legacy = new Map<string, KeyObject>();
  readonly #pending = new Map<string, Promise<KeyObject>>();
  /** The kid that seals new tokens. */
  readonly sealingKid: string;

  constructor(keys: readonly KeySpec[]) {
    const first = keys[0];
    if (!first) throw new TypeError("a keyring needs at least one key");
    for (const { kid } of keys) {
      if (!KID_PATTERN.test(kid)) {
        throw new TypeError(`key id "${kid}" must match ${KID_PATTERN}`);
      }
    }
    this.#specs = new Map(keys.map((k) => [k.kid, k.secret]));
    if (this.#specs.size !== keys.length) {
      throw new TypeError("key ids in a keyring must be unique");
    }
    this.sealingKid = first.kid;
  }

  /** The key ids, sealing key first. */
  get kids(): string[] {
    return [...this.#specs.keys()];
  }

  /**
   * The master key for `kid` (format version 2), derived now if this is its
   * first use; `undefined` for an unknown kid.
   */
  master(kid: string): KeyObject | undefined {
    const derived = this.#masters.get(kid);
    if (derived) return derived;
    const secret = this.#specs.get(kid);
    if (secret === undefined) return undefined;
    // RFC 5869: the secret is the input keying material; the salt separates
    // this application, this format and this kid.
    const master = createSecretKey(
      new Uint8Array(
        hkdfSync(
          "sha256",
          secret,
          `words-with-chat/seal/v${VERSION}/${kid}`,
          "master",
          32,
        ),
      ),
    );
    this.#masters.set(kid, master);
    return master;
  }

  /**
   * The master key for `kid` in format version 1 (PBKDF2, 600,000
   * iterations): already derived, a promise of it (the first version 1
   * token of this key in this process), or `undefined` for an unknown kid.
   */
  legacyMaster(kid: string): KeyObject | Promise<KeyObject> | undefined {
    const derived = this.#legacy.get(kid);
    if (derived) return derived;
    const pending = this.#pending.get(kid);
    if (pending) return pending;
    const secret = this.#specs.get(kid);
    if (secret === undefined) return undefined;
    const master = new Promise<KeyObject>((resolve, reject) => {
      pbkdf2(
        secret,
        `words-with-chat/seal/v${PBKDF2_VERSION}/${kid}`,
        PBKDF2_ITERATIONS,
        32,
        "sha256",
        (err, key) => {
          if (err) return reject(err);
          const object = createSecretKey(key);
          this.#legacy.set(kid, object);
          this.#pending.delete(kid);
          resolve(object);
        },
      );
    });
    this.#pending.set(kid, master);
    return master;
  }
}

/** The result of opening a token: the bytes inside, or a reason for logs. */
export type Opened =
  | { ok: true; kid: string; plaintext: Uint8Array }
  | { ok: false; reason: OpenFailure };

/** Why a token did not open. For server logs only, never for the wire. */
export type OpenFailure =
  | "not_a_string"
  | "too_long"
  | "wrong_prefix"
  | "bad_encoding"
  | "bad_version"
  | "too_short"
  | "unknown_kid"
  | "bad_tag";

const aadCache = new Map<string, Uint8Array>();
function aad(version: number, kid: string, purpose: Purpose): Uint8Array {
  const label = `wwc/v${version}/${kid}/${purpose}`;
  let bytes = aadCache.get(label);
  if (!bytes) {
    bytes = encoder.encode(label);
    // Bounded by two versions times the configured kids times the purposes.
    aadCache.set(label, bytes);
  }
  return bytes;
}

function tokenKey(
  master: KeyObject,
  salt: Uint8Array,
  purpose: Purpose,
): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", master, salt, purpose, 32));
}

/**
 * Seals `plaintext` for `purpose` with the keyring's first key.
 *
 * @example
 * ```ts
 * const token = await sealBytes(keyring, "access", new TextEncoder().encode("{}"));
 * token.startsWith("wwc_at."); // true
 * ```
 */
// Async so that a failure is a rejection, as callers expect, not a throw.
// deno-lint-ignore require-await
export async function sealBytes(
  keyring: Keyring,
  purpose: Purpose,
  plaintext: Uint8Array,
): Promise<string> {
  const kid = keyring.sealingKid;
  // Never undefined: the sealing kid is in the keyring by construction.
  const master = keyring.master(kid)!;
  const kidBytes = encoder.encode(kid);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(
    "aes-256-gcm",
    tokenKey(master, salt, purpose),
    iv,
  );
  cipher.setAAD(aad(VERSION, kid, purpose));
  const ciphertext = cipher.update(plaintext);
  cipher.final();
  const tag = cipher.getAuthTag();

  const body = new Uint8Array(
    2 + kidBytes.length + SALT_BYTES + IV_BYTES + ciphertext.length +
      TAG_BYTES,
  );
  let at = 0;
  body[at++] = VERSION;
  body[at++] = kidBytes.length;
  for (const part of [kidBytes, salt, iv, ciphertext, tag]) {
    body.set(part, at);
    at += part.length;
  }
  return PREFIX[purpose] + body.toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/**
 * Opens a token sealed for `purpose`. Never throws: any problem is a failure
 * value whose reason is meant for logs only.
 */
export async function openBytes(
  keyring: Keyring,
  purpose: Purpose,
  token: unknown,
): Promise<Opened> {
  const opened = openNow(keyring, purpose, token);
  // Only the first version 1 token of a key waits for its PBKDF2 derivation.
  return opened instanceof Promise ? await opened : opened;
}

/**
 * {@linkcode openBytes} without the async hop: a plain value, except for the
 * first version 1 token of a key, which waits for its PBKDF2 derivation.
 */
export function openNow(
  keyring: Keyring,
  purpose: Purpose,
  token: unknown,
): Opened | Promise<Opened> {
  if (typeof token !== "string") return fail("not_a_string");
  if (token.length > MAX_TOKEN_CHARS) return fail("too_long");
  const prefix = PREFIX[purpose];
  if (!token.startsWith(prefix)) return fail("wrong_prefix");
  const encoded = token.slice(prefix.length);
  if (!BASE64URL.test(encoded)) return fail("bad_encoding");
  let body: Uint8Array;
  try {
    body = Uint8Array.fromBase64(encoded, { alphabet: "base64url" });
  } catch {
    return fail("bad_encoding");
  }
  // Base64 can hide unused bits in its last character; only the canonical
  // spelling of these bytes is accepted, so every character is significant.
  if (body.toBase64({ alphabet: "base64url", omitPadding: true }) !== encoded) {
    return fail("bad_encoding");
  }
  const version = body[0];
  if (version !== VERSION && version !== PBKDF2_VERSION) {
    return fail("bad_version");
  }
  const kidLength = body[1] ?? 0;
  const saltAt = 2 + kidLength;
  if (
    kidLength === 0 || body.length < saltAt + SALT_BYTES + IV_BYTES + TAG_BYTES
  ) {
    return fail("too_short");
  }
  // Kids are printable ASCII (KID_PATTERN); anything else is not ours.
  const kid = String.fromCharCode(...body.subarray(2, saltAt));
  const master = version === VERSION
    ? keyring.master(kid)
    : keyring.legacyMaster(kid);
  if (!master) return fail("unknown_kid");
  if (master instanceof Promise) {
    return master.then((m) => decrypt(m, version, kid, purpose, body, saltAt));
  }
  return decrypt(master, version, kid, purpose, body, saltAt);
}

function decrypt(
  master: KeyObject,
  version: number,
  kid: string,
  purpose: Purpose,
  body: Uint8Array,
  saltAt: number,
): Opened {
  const ivAt = saltAt + SALT_BYTES;
  const ciphertextAt = ivAt + IV_BYTES;
  const tagAt = body.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv(
      "aes-256-gcm",
      tokenKey(master, body.subarray(saltAt, ivAt), purpose),
      body.subarray(ivAt, ciphertextAt),
    );
    decipher.setAAD(aad(version, kid, purpose));
    decipher.setAuthTag(body.subarray(tagAt));
    const head = decipher.update(body.subarray(ciphertextAt, tagAt));
    const tail = decipher.final();
    const plaintext = tail.length === 0 ? head : concat(head, tail);
    return { ok: true, kid, plaintext };
  } catch {
    return fail("bad_tag");
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function fail(reason: OpenFailure): Opened {
  return { ok: false, reason };
}
