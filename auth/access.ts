/**
 * Checking a bearer access token (RFC 6750) on every API call: sealed,
 * unexpired, and neither its family nor its user revoked. Verified tokens
 * are remembered per instance, so a warm call skips the cipher; expiry and
 * revocation are still checked every time.
 *
 * @module
 */
import { OAuthError } from "./oauth_error.ts";
import { keys, type RevocationStore } from "./revocation.ts";
import type { AccessClaims, Tokens } from "./tokens.ts";

/**
 * Most verified access tokens an instance remembers. ChatGPT presents the
 * same access token on every call for its hour, so a warm API request skips
 * the cipher entirely; expiry and revocation are still checked every time.
 */
export const VERIFIED_CACHE_SIZE = 10_000;

/** Authenticates access tokens. */
export class AccessTokens {
  readonly #tokens: Tokens;
  readonly #store: RevocationStore;
  readonly #now: () => number;
  /** Access token → its claims, for tokens this instance has already opened. */
  readonly #verified = new Map<string, AccessClaims>();

  /** `now` returns milliseconds since the epoch, like `Date.now`. */
  constructor(tokens: Tokens, store: RevocationStore, now: () => number) {
    this.#tokens = tokens;
    this.#store = store;
    this.#now = now;
  }

  /**
   * The KV key of the sign-in an access token belongs to. A write that must
   * not outlive an erasure checks that it still exists (see `Game`).
   */
  sessionKey(claims: AccessClaims): Deno.KvKey {
    return keys.family(claims.sub, claims.fid);
  }

  /**
   * Authenticates a bearer access token: sealed, unexpired, and neither its
   * family nor its user revoked. Throws `invalid_token` without saying which.
   */
  async authenticate(token: string): Promise<AccessClaims> {
    let claims = this.#verified.get(token);
    if (claims === undefined) {
      const opened = await this.#tokens.open("access", token);
      if (!opened.ok) {
        throw new OAuthError(
          "invalid_token",
          "The access token is invalid or expired.",
          `access token refused: ${opened.reason}`,
        );
      }
      claims = opened.claims;
      this.#verified.set(token, claims);
      if (this.#verified.size > VERIFIED_CACHE_SIZE) {
        // Maps iterate in insertion order: drop the oldest.
        this.#verified.delete(this.#verified.keys().next().value!);
      }
    } else if (claims.exp <= this.#now()) {
      this.#verified.delete(token);
      throw new OAuthError(
        "invalid_token",
        "The access token is invalid or expired.",
        "access token refused: expired",
      );
    }
    if (await this.#store.isRevoked(claims.sub, claims.fid, claims.iat)) {
      throw new OAuthError(
        "invalid_token",
        "The access token is invalid or expired.",
        "access token revoked",
      );
    }
    return claims;
  }
}
