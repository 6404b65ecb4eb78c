/**
 * Sealed tokens: AES-256-GCM blobs keyed from a rotating keyring.
 *
 * Layout of a token (DESIGN.md §4):
 *
 * ```
 * <prefix for the purpose> base64url( version | kid length | kid | salt(16) | iv(12) | ciphertext | tag(16) )
 * ```
 *
 * - Each keyring secret is stretched once with PBKDF2-HMAC-SHA-256 (600,000
 *   iterations) into a 32-byte master key. That cost is paid lazily, once per
 *   key, never per request.
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
  admin: "wwc_adm.",
};

const VERSION = 1;
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
 *
 * @example
 * ```ts
 * const keyring = new Keyring([{ kid: "k2", secret: newSecret }, { kid: "k1", secret: oldSecret }]);
 * await keyring.ready(); // optional: pay the PBKDF2 cost at start-up
 * ```
 */
export class Keyring {
  readonly #specs: ReadonlyMap<string, string>;
  readonly #pending = new Map<string, Promise<KeyObject>>();
  /** Derived masters, readable synchronously on the hot path. */
  readonly #masters = new Map<string, KeyObject>();
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

  /** Derives every master key now instead of on first use. */
  async ready(): Promise<void> {
    await Promise.all(this.kids.map((kid) => this.master(kid)));
  }

  /**
   * The master key for `kid`: already derived (synchronous hot path), a
   * promise of it (first use), or `undefined` for an unknown kid.
   */
  master(kid: string): KeyObject | Promise<KeyObject> | undefined {
    const derived = this.#masters.get(kid);
    if (derived) return derived;
    const pending = this.#pending.get(kid);
    if (pending) return pending;
    const secret = this.#specs.get(kid);
    if (secret === undefined) return undefined;
    const master = new Promise<KeyObject>((resolve, reject) => {
      // The salt separates this application and key id; the secret itself
      // carries the entropy (keygen makes 32 random bytes).
      pbkdf2(
        secret,
        `words-with-chat/seal/v${VERSION}/${kid}`,
        PBKDF2_ITERATIONS,
        32,
        "sha256",
        (err, key) => {
          if (err) return reject(err);
          const object = createSecretKey(key);
          this.#masters.set(kid, object);
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
function aad(kid: string, purpose: Purpose): Uint8Array {
  const label = `wwc/v${VERSION}/${kid}/${purpose}`;
  let bytes = aadCache.get(label);
  if (!bytes) {
    bytes = encoder.encode(label);
    // Bounded by the number of configured kids times seven purposes.
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
export async function sealBytes(
  keyring: Keyring,
  purpose: Purpose,
  plaintext: Uint8Array,
): Promise<string> {
  const kid = keyring.sealingKid;
  // Never undefined: the sealing kid is in the keyring by construction.
  const master = await keyring.master(kid)!;
  const kidBytes = encoder.encode(kid);
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(
    "aes-256-gcm",
    tokenKey(master, salt, purpose),
    iv,
  );
  cipher.setAAD(aad(kid, purpose));
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
  // Only the first token of a key waits for its PBKDF2 derivation.
  return opened instanceof Promise ? await opened : opened;
}

/**
 * {@linkcode openBytes} without the async hop: a plain value once the key is
 * derived (the hot path), a promise only while PBKDF2 runs for a new key.
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
  if (body[0] !== VERSION) return fail("bad_version");
  const kidLength = body[1] ?? 0;
  const saltAt = 2 + kidLength;
  if (
    kidLength === 0 || body.length < saltAt + SALT_BYTES + IV_BYTES + TAG_BYTES
  ) {
    return fail("too_short");
  }
  // Kids are printable ASCII (KID_PATTERN); anything else is not ours.
  const kid = String.fromCharCode(...body.subarray(2, saltAt));
  const master = keyring.master(kid);
  if (!master) return fail("unknown_kid");
  if (master instanceof Promise) {
    return master.then((m) => decrypt(m, kid, purpose, body, saltAt));
  }
  return decrypt(master, kid, purpose, body, saltAt);
}

function decrypt(
  master: KeyObject,
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
    decipher.setAAD(aad(kid, purpose));
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
