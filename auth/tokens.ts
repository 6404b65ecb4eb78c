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

/** A check of one claim: the type it proves is the claim's type. */
type Check<T> = (value: unknown) => value is T;
/** A claim that may be absent; when present, `check` holds. */
interface Optional<T> {
  readonly optional: Check<T>;
}
type Field = Check<unknown> | Optional<unknown>;
type Schema = Readonly<Record<string, Field>>;

const str: Check<string> = (v): v is string => typeof v === "string";
const int: Check<number> = (v): v is number => Number.isSafeInteger(v);
const count: Check<number> = (v): v is number =>
  Number.isSafeInteger(v) && (v as number) >= 0;
const strings: Check<string[]> = (v): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === "string");
const optional = <T>(check: Check<T>): Optional<T> => ({ optional: check });
const secretMethod: Check<"client_secret_post" | "client_secret_basic"> = (
  v,
): v is "client_secret_post" | "client_secret_basic" =>
  v === "client_secret_post" || v === "client_secret_basic";

/** The claims a schema proves: each check's type, optional ones optional. */
type Proven<S extends Schema> =
  & {
    -readonly [K in keyof S as S[K] extends Optional<unknown> ? never : K]:
      S[K] extends Check<infer T> ? T : never;
  }
  & {
    -readonly [K in keyof S as S[K] extends Optional<unknown> ? K : never]?:
      S[K] extends Optional<infer T> ? T : never;
  };

/**
 * Stamped on every token when it is sealed. Times are Unix **milliseconds**:
 * a user-level revocation ("everything issued before t") then has no
 * same-second ambiguity between the tokens it kills and a fresh sign-in.
 */
const STAMP = { iat: int, exp: int, jti: str } as const;

/**
 * The claims of each purpose, declared once: the types below are derived
 * from these checks, and `open` runs exactly these checks.
 */
const CLAIMS = {
  code: {
    sub: str,
    client_id: str,
    redirect_uri: str,
    scope: str,
    /** PKCE S256 challenge, when the client sent one. */
    code_challenge: optional(str),
    /** The refresh family this code will start; revoked if the code is replayed. */
    fid: str,
    /**
     * The version of the user's sign-out record when the code was issued
     * (`""`: none): the code redeems only while it is unchanged.
     */
    rev: optional(str),
    /** The resource (RFC 8707) the tokens will be for; absent: the REST API. */
    aud: optional(str),
  },
  access: {
    sub: str,
    client_id: str,
    scope: str,
    fid: str,
    /** The resource this token is for (RFC 8707); absent: the REST API. */
    aud: optional(str),
  },
  refresh: {
    sub: str,
    client_id: str,
    scope: str,
    fid: str,
    /** Rotations so far within family `fid`. */
    gen: count,
    /**
     * The resource of the whole family, copied on every rotation: a refresh
     * stays bound to it. Absent: the REST API.
     */
    aud: optional(str),
  },
  login: {
    client_id: str,
    redirect_uri: str,
    scope: str,
    state: str,
    code_challenge: optional(str),
    /** The canonical resource indicator the client asked for (RFC 8707). */
    resource: optional(str),
    /** Set when the upstream leg starts: which provider, and its one-time values. */
    provider: optional(str),
    upstream_state: optional(str),
    nonce: optional(str),
    verifier: optional(str),
    /** Set once the upstream leg was repeated asking for consent. */
    prompt: optional(str),
    /**
     * Set when the consent page is drawn: its provider buttons carry it, and
     * `/login/<provider>/start` refuses without it, so no other page can
     * walk a browser past the consent page.
     */
    consent: optional(str),
  },
  upstream: { sub: str, provider: str, refresh_token: str },
  round: { sub: str, rid: str },
  /**
   * A client registered dynamically (RFC 7591): its id is this token, which
   * carries its metadata, so nothing is stored. `client_name` is self-declared.
   * A confidential client's id adds its method and its secret's SHA-256
   * (base64url); a public client's has neither.
   */
  client: {
    client_name: optional(str),
    redirect_uris: strings,
    token_endpoint_auth_method: optional(secretMethod),
    secret_sha256: optional(str),
  },
  /**
   * A player's link to pay (`/billing/upgrade`): whose, and the sign-in
   * family it was issued under, so signing out or erasing kills it too.
   */
  upgrade: { sub: str, fid: str },
  /** A pro player's link to Stripe's customer portal (`/billing/portal`). */
  portal: { sub: str, fid: str },
  /**
   * An operator's session on `/admin`, in its own cookie: who signed in,
   * the random value its forms must echo (CSRF), and the version of their
   * sign-out record when it began (a sign-out everywhere, an erasure or the
   * provider's revocation since ends it).
   */
  admin: { sub: str, csrf: str, rv: str },
} as const satisfies Readonly<Record<Purpose, Schema>>;

/** Stamped on every token when it is sealed (times in Unix milliseconds). */
export interface Stamp extends Proven<typeof STAMP> {}

/** An authorization code (RFC 6749 §4.1.2), bound to everything it was issued for. */
export interface CodeClaims extends Stamp, Proven<typeof CLAIMS.code> {}

/**
 * A bearer access token: for `/api/*` without `aud`, for the resource `aud`
 * names otherwise.
 */
export interface AccessClaims extends Stamp, Proven<typeof CLAIMS.access> {}

/** A rotating refresh token: `gen` counts rotations within family `fid`. */
export interface RefreshClaims extends Stamp, Proven<typeof CLAIMS.refresh> {}

/**
 * A pending authorization request, held in the browser's login cookie while
 * the person signs in upstream.
 */
export interface LoginClaims extends Stamp, Proven<typeof CLAIMS.login> {}

/** A provider's refresh token, sealed before it is stored in KV. */
export interface UpstreamClaims extends Stamp, Proven<typeof CLAIMS.upstream> {}

/** A game round handle: whose round, and which. The round itself lives in KV. */
export interface RoundClaims extends Stamp, Proven<typeof CLAIMS.round> {}

/** A dynamically registered public client, its metadata sealed into its id. */
export interface ClientClaims extends Stamp, Proven<typeof CLAIMS.client> {}

/** A link to pay, or to manage what was paid: whose, under which sign-in. */
export interface BillingLinkClaims
  extends Stamp, Proven<typeof CLAIMS.upgrade> {}
/** An operator's `/admin` session. */
export interface AdminClaims extends Stamp, Proven<typeof CLAIMS.admin> {}

/** The claims each purpose carries. */
export interface ClaimsByPurpose {
  code: CodeClaims;
  access: AccessClaims;
  refresh: RefreshClaims;
  login: LoginClaims;
  upstream: UpstreamClaims;
  round: RoundClaims;
  client: ClientClaims;
  upgrade: BillingLinkClaims;
  portal: BillingLinkClaims;
  admin: AdminClaims;
}

/** The checks `open` runs for one purpose, flattened for its hot path. */
interface Checks {
  readonly keys: readonly string[];
  readonly checks: readonly ((value: unknown) => boolean)[];
  readonly optional: readonly boolean[];
}

/** The checks of a schema: the stamp's, then the purpose's. */
function checksOf(schema: Schema): Checks {
  const fields = Object.entries<Field>({ ...STAMP, ...schema });
  return {
    keys: fields.map(([key]) => key),
    checks: fields.map(([, f]) => typeof f === "function" ? f : f.optional),
    optional: fields.map(([, f]) => typeof f !== "function"),
  };
}

const CHECKS: Readonly<Record<Purpose, Checks>> = {
  code: checksOf(CLAIMS.code),
  access: checksOf(CLAIMS.access),
  refresh: checksOf(CLAIMS.refresh),
  login: checksOf(CLAIMS.login),
  upstream: checksOf(CLAIMS.upstream),
  round: checksOf(CLAIMS.round),
  client: checksOf(CLAIMS.client),
  upgrade: checksOf(CLAIMS.upgrade),
  portal: checksOf(CLAIMS.portal),
  admin: checksOf(CLAIMS.admin),
};

/** Whether `c` has every claim of `checks`, each of its type. */
function proves(c: Record<string, unknown>, checks: Checks): boolean {
  const { keys, optional } = checks;
  for (let i = 0; i < keys.length; i++) {
    const value = c[keys[i]!];
    if (value === undefined ? !optional[i] : !checks.checks[i]!(value)) {
      return false;
    }
  }
  return true;
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
  // A registered client id: re-registering is the only renewal.
  client: 365 * 24 * 60 * 60,
  // Links shown to a person in a chat: followed at once, or asked for again.
  upgrade: 30 * 60,
  portal: 30 * 60,
  // An operator signs in again after an hour: a stolen cookie dies soon.
  admin: 60 * 60,
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
    if (!proves(c, CHECKS[purpose])) return { ok: false, reason: "bad_claims" };
    const proven = c as unknown as ClaimsByPurpose[P];
    if (proven.exp <= this.#now()) return { ok: false, reason: "expired" };
    return { ok: true, claims: proven };
  }
}
