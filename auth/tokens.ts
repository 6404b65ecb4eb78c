/**
 * Typed claims over sealed tokens: what each purpose carries, how long it
 * lives, and the checks made after opening (shape, then expiry against the
 * injected clock). Like `seal.ts`, nothing here touches Hono or KV.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  type Keyring,
  type Opened,
  type OpenFailure,
  openNow,
  type Purpose,
  sealBytes,
} from "./seal.ts";

/**
 * Stamped on every token when it is sealed. Times are Unix **milliseconds**:
 * a user-level revocation ("everything issued before t") then has no
 * same-second ambiguity between the tokens it kills and a fresh sign-in.
 */
export interface Stamp {
  iat: number;
  exp: number;
  jti: string;
}

/** An authorization code (RFC 6749 §4.1.2), bound to everything it was issued for. */
export interface CodeClaims extends Stamp {
  sub: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  /** PKCE S256 challenge, when the client sent one. */
  code_challenge?: string;
  /** The refresh family this code will start; revoked if the code is replayed. */
  fid: string;
  /**
   * The version of the user's sign-out record when the code was issued
   * (`""`: none): the code redeems only while it is unchanged.
   */
  rev?: string;
}

/** A bearer access token for `/api/*`. */
export interface AccessClaims extends Stamp {
  sub: string;
  client_id: string;
  scope: string;
  fid: string;
}

/** A rotating refresh token: `gen` counts rotations within family `fid`. */
export interface RefreshClaims extends Stamp {
  sub: string;
  client_id: string;
  scope: string;
  fid: string;
  gen: number;
}

/**
 * A pending authorization request, held in the browser's login cookie while
 * the person signs in upstream.
 */
export interface LoginClaims extends Stamp {
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string;
  code_challenge?: string;
  /** Set when the upstream leg starts: which provider, and its one-time values. */
  provider?: string;
  upstream_state?: string;
  nonce?: string;
  verifier?: string;
  /** Set once the upstream leg was repeated asking for consent. */
  prompt?: string;
}

/** A provider's refresh token, sealed before it is stored in KV. */
export interface UpstreamClaims extends Stamp {
  sub: string;
  provider: string;
  refresh_token: string;
}

/** A game round handle: whose round, and which. The round itself lives in KV. */
export interface RoundClaims extends Stamp {
  sub: string;
  rid: string;
}

/** The claims each purpose carries. */
export interface ClaimsByPurpose {
  code: CodeClaims;
  access: AccessClaims;
  refresh: RefreshClaims;
  login: LoginClaims;
  upstream: UpstreamClaims;
  round: RoundClaims;
}

/** What a caller supplies; `iat`, `exp` and `jti` are stamped by `seal`. */
export type Unstamped<P extends Purpose> = Omit<
  ClaimsByPurpose[P],
  keyof Stamp
>;

/** Default lifetimes in seconds (DESIGN.md §4). */
export const LIFETIME: Readonly<Record<Purpose, number>> = {
  code: 5 * 60,
  access: 60 * 60,
  refresh: 30 * 24 * 60 * 60,
  // Long enough to sign in at a provider, short enough that a stale tab dies.
  login: 15 * 60,
  // Re-sealed on every successful upstream refresh; KV deletion revokes it.
  upstream: 400 * 24 * 60 * 60,
  round: 60 * 60,
};

type Shape = (c: Record<string, unknown>) => boolean;
const str = (v: unknown): v is string => typeof v === "string";
const optStr = (v: unknown) => v === undefined || typeof v === "string";
const int = (v: unknown): v is number => Number.isSafeInteger(v);

const SHAPES: Readonly<Record<Purpose, Shape>> = {
  code: (c) =>
    str(c.sub) && str(c.client_id) && str(c.redirect_uri) && str(c.scope) &&
    optStr(c.code_challenge) && str(c.fid) && optStr(c.rev),
  access: (c) => str(c.sub) && str(c.client_id) && str(c.scope) && str(c.fid),
  refresh: (c) =>
    str(c.sub) && str(c.client_id) && str(c.scope) && str(c.fid) &&
    int(c.gen) && c.gen >= 0,
  login: (c) =>
    str(c.client_id) && str(c.redirect_uri) && str(c.scope) && str(c.state) &&
    optStr(c.code_challenge) && optStr(c.provider) &&
    optStr(c.upstream_state) && optStr(c.nonce) && optStr(c.verifier) &&
    optStr(c.prompt),
  upstream: (c) => str(c.sub) && str(c.provider) && str(c.refresh_token),
  round: (c) => str(c.sub) && str(c.rid),
};

/** Why a token was refused. For server logs only, never for the wire. */
export type Refusal = OpenFailure | "bad_claims" | "expired";

/** The result of {@linkcode Tokens.open}. */
export type OpenResult<P extends Purpose> =
  | { ok: true; claims: ClaimsByPurpose[P] }
  | { ok: false; reason: Refusal };

const encoder = new TextEncoder();
// Not fatal: the bytes are authenticated, and we wrote them as UTF-8.
const decoder = new TextDecoder();

/** A random identifier: 16 bytes, base64url. */
export function randomId(bytes = 16): string {
  return new Uint8Array(randomBytes(bytes)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/**
 * Seals and opens typed tokens against a clock.
 *
 * @example
 * ```ts
 * const tokens = new Tokens(keyring, Date.now);
 * const { token } = await tokens.seal("access", { sub: "dev:alice", client_id: "gpt", scope: "game", fid: "f1" });
 * const opened = await tokens.open("access", token);
 * if (opened.ok) opened.claims.sub; // "dev:alice"
 * ```
 */
export class Tokens {
  readonly #keyring: Keyring;
  readonly #now: () => number;

  /** `now` returns milliseconds since the epoch, like `Date.now`. */
  constructor(keyring: Keyring, now: () => number) {
    this.#keyring = keyring;
    this.#now = now;
  }

  /**
   * Seals `claims` for `purpose`, living `ttl` seconds (default:
   * {@linkcode LIFETIME}), stamped later than `after` (ms) when given.
   */
  async seal<P extends Purpose>(
    purpose: P,
    claims: Unstamped<P>,
    ttl: number = LIFETIME[purpose],
    after?: number,
  ): Promise<{ token: string; claims: ClaimsByPurpose[P] }> {
    // `after`: a time this token must be stamped later than, whatever this
    // instance's clock says (the user's last revocation, read from KV).
    const now = this.#now();
    const iat = after !== undefined && after >= now ? after + 1 : now;
    const full = {
      ...claims,
      iat,
      exp: iat + ttl * 1000,
      jti: randomId(),
    } as ClaimsByPurpose[P];
    const token = await sealBytes(
      this.#keyring,
      purpose,
      encoder.encode(JSON.stringify(full)),
    );
    return { token, claims: full };
  }

  /**
   * Opens a token sealed for `purpose`: authenticity first, then the shape of
   * the claims, then expiry. Never throws.
   */
  async open<P extends Purpose>(
    purpose: P,
    token: unknown,
  ): Promise<OpenResult<P>> {
    let opened: Opened | Promise<Opened> = openNow(
      this.#keyring,
      purpose,
      token,
    );
    if (opened instanceof Promise) opened = await opened;
    if (!opened.ok) return opened;
    let claims: unknown;
    try {
      claims = JSON.parse(decoder.decode(opened.plaintext));
    } catch {
      return { ok: false, reason: "bad_claims" };
    }
    if (
      typeof claims !== "object" || claims === null || Array.isArray(claims)
    ) {
      return { ok: false, reason: "bad_claims" };
    }
    const c = claims as Record<string, unknown>;
    if (!int(c.iat) || !int(c.exp) || !str(c.jti) || !SHAPES[purpose](c)) {
      return { ok: false, reason: "bad_claims" };
    }
    if (c.exp <= this.#now()) return { ok: false, reason: "expired" };
    return { ok: true, claims: c as unknown as ClaimsByPurpose[P] };
  }
}
