/**
 * The one OAuth error type (RFC 6749 §4.1.2.1, §5.2). The wire gets its
 * generic description (routes/oauth/errors.ts draws it); the detailed reason
 * goes to the server log only.
 *
 * @module
 */

/**
 * Error codes from RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 and
 * RFC 8707 §2 (`invalid_target`).
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "unsupported_token_type"
  | "invalid_scope"
  | "invalid_target"
  | "access_denied"
  | "invalid_token"
  | "server_error"
  | "temporarily_unavailable"
  // RFC 7591 §3.2.2: client registration.
  | "invalid_redirect_uri"
  | "invalid_client_metadata";

/** Exhaustive by type: a new code does not compile until it has a status. */
const STATUS: Readonly<Record<OAuthErrorCode, 400 | 401 | 500 | 503>> = {
  invalid_request: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  unsupported_token_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  access_denied: 400,
  invalid_token: 401,
  server_error: 500,
  temporarily_unavailable: 503,
};

/**
 * An OAuth error. `description` is safe for the wire; `reason` is for logs.
 *
 * @example
 * ```ts
 * throw new OAuthError("invalid_grant", "The code is invalid or was already used.", "code replayed");
 * ```
 */
export class OAuthError extends Error {
  override name = "OAuthError";
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly reason: string = description,
  ) {
    super(`${code}: ${reason}`);
  }

  /** HTTP status for this error on the token, revocation or resource endpoints. */
  get status(): 400 | 401 | 500 | 503 {
    return STATUS[this.code];
  }
}
