/**
 * Checking a bearer access token (RFC 6750) on every API call: sealed,
 * unexpired, for the resource asked for (RFC 8707), and neither its family
 * nor its user revoked. Verified tokens are remembered per instance and per
 * audience, so a warm call skips the cipher; expiry and revocation are still
 * checked every time.
 *
 * @module
 */
import { OAuthError } from "./oauth_error.ts";
import { keys, type RevocationStore } from "./revocation.ts";
import type { AccessClaims, Tokens } from "./tokens.ts";

/**
 * Most verified access tokens an instance remembers (least recently used
 * first out; about 1 KB each, so about 10 MB). ChatGPT presents the same
 * access token on every call for its hour, so a warm API request skips the
 * cipher entirely; a token beyond the cache costs one open (about 13 µs),
 * never a KV read. Expiry and revocation are still checked every time.
 */
export const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Told of each authenticated call: the user and their sign-in's KV key. It
 * returns a promise only when it has work to do (see `Members.seen`), so a
 * warm call pays a map look-up.
 */
export type SeenHook = (
  sub: string,
  session: Deno.KvKey,
) => Promise<void> | undefined;

/** Authenticates access tokens. */
export class AccessTokens {
  readonly #tokens: Tokens;
  readonly #store: RevocationStore;
  readonly #now: () => number;
  readonly #cacheSize: number;
  /**
   * Audience and access token → its claims, for tokens this instance has
   * already opened and found to be for that audience; `used`: used since it
   * last reached the front of the queue.
   */
  readonly #verified = new Map<
    string,
    { claims: AccessClaims; used: boolean }
  >();
  readonly #seen: SeenHook | undefined;

  /**
   * `now` returns milliseconds since the epoch, like `Date.now`; `seen`
   * hears of every authenticated call (the members' last activity).
   */
  constructor(
    tokens: Tokens,
    store: RevocationStore,
    now: () => number,
    seen?: SeenHook,
    /** Verified tokens kept (`TOKEN_CACHE_SIZE`); {@linkcode VERIFIED_CACHE_SIZE} by default. */
    cacheSize: number = VERIFIED_CACHE_SIZE,
  ) {
    this.#tokens = tokens;
    this.#store = store;
    this.#now = now;
    this.#seen = seen;
    this.#cacheSize = cacheSize;
  }

  /**
   * Keeps the cache within its size: the oldest entry goes, unless it was
   * used since it was last here, in which case it gets a second chance at
   * the back of the queue (so a token in use stays, one not used for a
   * whole turn of the cache goes).
   */
  #evict(): void {
    while (this.#verified.size > this.#cacheSize) {
      const [oldest, entry] = this.#verified.entries().next().value!;
      this.#verified.delete(oldest);
      if (entry.used) {
        entry.used = false;
        this.#verified.set(oldest, entry);
      }
    }
  }

  /**
   * The KV key of the sign-in an access token belongs to. A write that must
   * not outlive an erasure checks that it still exists (see `Game`).
   */
  sessionKey(claims: AccessClaims): Deno.KvKey {
    return keys.family(claims.sub, claims.fid);
  }

  /**
   * Authenticates a bearer access token: sealed, unexpired, for `audience`
   * (its `aud` claim; none for the REST API, the default), and neither its
   * family nor its user revoked. Throws `invalid_token` without saying which.
   *
   * @example
   * ```ts
   * await access.authenticate(token); // the REST API: a token without `aud`
   * await access.authenticate(token, { audience: mcpResource(config.publicUrl) });
   * ```
   */
  async authenticate(
    token: string,
    options: { audience?: string } = {},
  ): Promise<AccessClaims> {
    const { audience } = options;
    // An audience is a URL, which holds no line break: everything up to the
    // first one is the audience, whatever the token holds.
    const key = `${audience ?? ""}\n${token}`;
    const entry = this.#verified.get(key);
    let claims: AccessClaims;
    if (entry === undefined) {
      const opened = await this.#tokens.open("access", token);
      if (!opened.ok) {
        throw new OAuthError(
          "invalid_token",
          "The access token is invalid or expired.",
          `access token refused: ${opened.reason}`,
        );
      }
      claims = opened.claims;
      if (claims.aud !== audience) throw forAnother(claims);
      this.#verified.set(key, { claims, used: false });
      this.#evict();
    } else if (entry.claims.exp <= this.#now()) {
      this.#verified.delete(key);
      throw new OAuthError(
        "invalid_token",
        "The access token is invalid or expired.",
        "access token refused: expired",
      );
    } else {
      // Second chance (CLOCK), an approximate LRU: a hit only marks the
      // entry. Moving it to the end of the Map on every hit instead costs
      // V8 tens of microseconds for a hot key.
      entry.used = true;
      claims = entry.claims;
    }
    // Also on a cache hit: the key keeps audiences apart, this check too.
    if (claims.aud !== audience) throw forAnother(claims);
    const { sub, fid, iat } = claims;
    if (
      this.#store.revokedNow(sub, fid, iat) ??
        await this.#store.isRevoked(sub, fid, iat)
    ) {
      throw new OAuthError(
        "invalid_token",
        "The access token is invalid or expired.",
        "access token revoked",
      );
    }
    const seen = this.#seen?.(sub, keys.family(sub, fid));
    if (seen) await seen;
    return claims;
  }
}

/** A token for another resource (RFC 8707): refused like any invalid one. */
function forAnother(claims: AccessClaims): OAuthError {
  return new OAuthError(
    "invalid_token",
    "The access token is invalid or expired.",
    `access token refused: for ${claims.aud ?? "the REST API"}`,
  );
}
