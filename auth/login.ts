/**
 * The rules that finish a sign-in when the provider sends the person back to
 * `/login/<provider>/callback`: whose sign-in this is, what the provider's
 * answer means for the client, and when to ask the provider once more.
 *
 * The two I/O steps it depends on, the provider's `finish` and the look-up
 * of a stored upstream refresh token, are handed in as functions: the first
 * must not run at all for a callback that belongs to another browser (login
 * CSRF, RFC 9700 §4.7), the second only when the answer depends on it. The
 * route does the rest of the I/O (the cookie, storing the upstream token,
 * issuing the code) and renders the outcome.
 *
 * @module
 */
import { constantTimeEqual } from "./compare.ts";
import type { PendingRequest } from "./authorize.ts";
import type {
  ProviderFailure,
  ProviderResult,
  UpstreamLeg,
} from "./providers/types.ts";
import type { LoginClaims } from "./tokens.ts";

/** What the rules need to know about the provider. */
export interface LoginProvider {
  readonly id: string;
  readonly name: string;
  readonly userPrefix: string;
  readonly wantsRefreshToken?: boolean;
}

/** What a callback comes with. */
export interface LoginCallback {
  /** The pending sign-in from this browser's cookie. */
  login: LoginClaims;
  /** The provider whose callback was called. */
  provider: LoginProvider;
  /** The callback's `state` parameter. */
  state: string | null;
  /** Completes the upstream leg (the provider's `finish`). */
  finish: (leg: UpstreamLeg) => Promise<ProviderResult>;
  /** Whether an upstream refresh token is stored for this subject. */
  hasRefreshToken: (subject: string) => Promise<boolean>;
}

/** The outcome of a callback. */
export type LoginOutcome =
  | {
    /** Someone else's sign-in result delivered to this browser: a page here. */
    kind: "refuse_here";
  }
  | {
    kind: "issue_code";
    /** The user id: `<userPrefix>:<subject>`. */
    sub: string;
    /** The provider's subject. */
    subject: string;
    /** A refresh token the provider gave, to store sealed. */
    refreshToken?: string;
    /** The verified email, only when the operator collects it. */
    email?: string;
  }
  | {
    /**
     * No upstream refresh token, none stored, and the provider should give
     * one: start the upstream leg once more, asking for consent.
     */
    kind: "ask_consent";
    pending: PendingRequest;
    /** The subject, so the person need not pick their account again. */
    loginHint: string;
  }
  | {
    kind: "client_error";
    error: ProviderFailure;
    error_description: string;
    /** For the log only. */
    reason: string;
    /** Our own credentials were refused: every sign-in will fail. */
    misconfigured: boolean;
  };

/**
 * Decides what a provider callback leads to.
 *
 * @example
 * ```ts
 * const outcome = await completeLogin({ login, provider, state: params.get("state"), finish, hasRefreshToken });
 * if (outcome.kind === "issue_code") await server.issueCode(login, outcome.sub);
 * ```
 */
export async function completeLogin(
  callback: LoginCallback,
): Promise<LoginOutcome> {
  const { login, provider } = callback;
  if (
    login.provider !== provider.id || !login.upstream_state ||
    !constantTimeEqual(callback.state ?? "", login.upstream_state)
  ) {
    return { kind: "refuse_here" };
  }
  let result: ProviderResult;
  try {
    result = await callback.finish({
      state: login.upstream_state,
      ...(login.nonce !== undefined ? { nonce: login.nonce } : {}),
      ...(login.verifier !== undefined ? { verifier: login.verifier } : {}),
    });
  } catch (err) {
    result = {
      ok: false,
      error: "server_error",
      message: `${provider.name} sign-in failed unexpectedly.`,
      reason: `provider threw: ${err instanceof Error ? err.name : "error"}`,
    };
  }
  if (!result.ok) {
    return {
      kind: "client_error",
      error: result.error,
      error_description: result.message,
      reason: result.reason,
      misconfigured: result.misconfigured === true,
    };
  }
  if (
    !result.refreshToken && provider.wantsRefreshToken &&
    !login.prompt &&
    !(await callback.hasRefreshToken(result.subject))
  ) {
    // Google issues a refresh token only on first consent: without one we
    // could not follow a revocation there, so ask once more, for consent.
    return {
      kind: "ask_consent",
      pending: pendingRequest(login),
      loginHint: result.subject,
    };
  }
  return {
    kind: "issue_code",
    sub: `${provider.userPrefix}:${result.subject}`,
    subject: result.subject,
    ...(result.refreshToken ? { refreshToken: result.refreshToken } : {}),
    ...(result.email !== undefined ? { email: result.email } : {}),
  };
}

/** The client's request inside a login, without any upstream leg's values. */
export function pendingRequest(login: LoginClaims): PendingRequest {
  const { client_id, redirect_uri, scope, state, code_challenge, resource } =
    login;
  return {
    client_id,
    redirect_uri,
    scope,
    state,
    ...(code_challenge !== undefined ? { code_challenge } : {}),
    ...(resource !== undefined ? { resource } : {}),
  };
}
