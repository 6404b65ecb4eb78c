/**
 * The upstream identity provider interface. The development provider
 * implements it here; Google, GitHub and generic OpenID Connect implement it
 * over one OAuth 2.0 / OIDC client.
 *
 * The caller (the login routes) owns the browser side: it makes the random
 * `state`, keeps what `start` returns in the sealed login cookie, checks the
 * returned `state` against that cookie before calling `finish`, and turns
 * the subject into a user id `<userPrefix>:<subject>`. A provider sees only
 * its own leg's values, never the client's pending request.
 *
 * @module
 */

/** Where to send the browser, and one-time values to keep until the callback. */
export interface ProviderStart {
  url: string;
  /** OIDC nonce, checked in the ID token. */
  nonce?: string;
  /** PKCE code verifier for the upstream leg. */
  verifier?: string;
}

/** The one-time values of one upstream sign-in, handed back to `finish`. */
export interface UpstreamLeg {
  /** The `state` sent to the provider by `start`'s caller. */
  state: string;
  /** The OIDC nonce `start` returned, if any. */
  nonce?: string;
  /** The PKCE verifier `start` returned, if any. */
  verifier?: string;
}

/** Why an upstream sign-in failed, as an OAuth error for the client. */
export type ProviderFailure =
  /** The person declined, or the provider refused them. */
  | "access_denied"
  /** The provider answered something wrong. */
  | "server_error"
  /** The provider could not be reached in time. */
  | "temporarily_unavailable";

/** The outcome of the upstream leg. */
export type ProviderResult =
  | {
    ok: true;
    /** The provider's stable subject identifier for the person. */
    subject: string;
    /** An upstream refresh token to keep sealed, when the provider gave one. */
    refreshToken?: string;
    /**
     * The person's email, only when the operator collects it
     * (`COLLECT_EMAIL=1`) and the provider says it is verified.
     */
    email?: string;
  }
  | {
    ok: false;
    error: ProviderFailure;
    /** What the person sees. */
    message: string;
    /** What the server log gets (never a credential). */
    reason: string;
    /** The provider refused our own client credentials: an operator's problem. */
    misconfigured?: boolean;
  };

/** The outcome of checking a stored refresh token at its provider. */
export type UpstreamRefresh =
  | { ok: true; refreshToken?: string }
  | {
    ok: false;
    /**
     * `misconfigured`: the provider refused our client credentials. Served
     * like an outage (the person did nothing wrong), logged as an error.
     */
    kind: "revoked" | "unavailable" | "misconfigured";
    reason: string;
  };

/** An upstream identity provider. */
export interface UpstreamProvider {
  /** Path segment of `/login/<id>/callback`: `dev`, `google`, `github`, `oidc`. */
  readonly id: string;
  /** Name on the sign-in button. */
  readonly name: string;
  /** Prefix of user ids: `<userPrefix>:<subject>`. */
  readonly userPrefix: string;
  /**
   * Whether sign-ins should leave us a refresh token to follow revocation
   * with (Google). When one is missing and none is stored, the sign-in is
   * repeated once with `prompt: "consent"`.
   */
  readonly wantsRefreshToken?: boolean;
  /** Builds the URL that starts the upstream sign-in. */
  start(input: {
    state: string;
    callbackUrl: string;
    loginHint?: string;
    /** Ask the person to consent again (so the provider issues a refresh token). */
    prompt?: "consent";
  }): Promise<ProviderStart>;
  /**
   * Uses a stored refresh token at the provider: still valid (perhaps with a
   * rotated token), revoked, or the provider could not be asked.
   */
  refresh?(refreshToken: string): Promise<UpstreamRefresh>;
  /**
   * Completes the sign-in from the callback's query parameters and the
   * values of the leg `start` began.
   */
  finish(
    input: UpstreamLeg & {
      params: URLSearchParams;
      callbackUrl: string;
    },
  ): Promise<ProviderResult>;
}
