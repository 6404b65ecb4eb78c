/**
 * One generic OAuth 2.0 / OpenID Connect provider over `oauth4webapi`.
 * Google, GitHub and any OIDC issuer are data over it (`mod.ts`): endpoints,
 * scopes, extra parameters and, for plain OAuth providers, how to learn the
 * user's id.
 *
 * Every call has a timeout and goes through the injected `fetch`. ID tokens
 * are checked by `oauth4webapi` (issuer, audience, expiry, nonce) against the
 * injected clock; they arrive straight from the token endpoint over TLS, so
 * OpenID Connect Core §3.1.3.7 lets TLS stand in for the signature check.
 *
 * @module
 */
import * as oauth from "oauth4webapi";
import type {
  ProviderResult,
  UpstreamProvider,
  UpstreamRefresh,
} from "./types.ts";

/** What the generic provider needs from its environment. */
export interface ProviderEnv {
  fetch: typeof fetch;
  now: () => number;
  /** Milliseconds before a provider call is abandoned. */
  timeout: number;
}

/** A provider described as data. */
export interface ProviderSpec {
  id: string;
  name: string;
  userPrefix: string;
  clientId: string;
  clientSecret: string;
  /** The provider's metadata: written down, or discovered. */
  metadata: (options: CallOptions) => Promise<oauth.AuthorizationServer>;
  scope: string;
  /** OpenID Connect: a nonce is sent and an ID token required. */
  oidc: boolean;
  wantsRefreshToken?: boolean;
  /** Extra authorization parameters (e.g. Google's `access_type=offline`). */
  authorizeParams?: (input: { prompt?: "consent" }) => Record<string, string>;
  /** For plain OAuth 2.0 providers: the user's stable id, from their API. */
  subject?: (accessToken: string, call: Call) => Promise<SubjectResult>;
  /** Plain http is allowed (an issuer on loopback, for local testing). */
  insecure?: boolean;
  /**
   * Set only when the operator collects email (`COLLECT_EMAIL=1`): the
   * person's verified email from the validated ID token's claims or the
   * provider's API, or `undefined`. Never fails a sign-in.
   */
  email?: (input: {
    claims: oauth.IDToken | undefined;
    accessToken: string;
    call: Call;
  }) => Promise<string | undefined>;
}

/**
 * An email address as a provider sent it, if it looks like one: kept short
 * and printable, since it is shown to operators and exported.
 */
export function plausibleEmail(value: unknown): string | undefined {
  return typeof value === "string" && value.length <= 254 &&
      /^[^\s@\p{Cc}]{1,64}@[^\s@\p{Cc}]{1,253}$/u.test(value)
    ? value
    : undefined;
}

/**
 * OpenID Connect Core §5.1: `email` counts only with `email_verified`
 * exactly `true`.
 */
export function verifiedEmailClaim(
  claims: oauth.IDToken | undefined,
): string | undefined {
  return claims?.email_verified === true
    ? plausibleEmail(claims.email)
    : undefined;
}

/**
 * A `fetch` with the provider timeout applied. A provider that cannot be
 * reached (no connection, or no answer in time) rejects with
 * {@linkcode Unreachable}; an answer, whatever its status, resolves.
 */
export type Call = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** The provider could not be reached, or did not answer in time. */
export class Unreachable extends Error {
  override name = "Unreachable";
  constructor(readonly timedOut: boolean, cause: unknown) {
    super(timedOut ? "provider timed out" : "provider unreachable", { cause });
  }
}

/**
 * What a provider's user API said: who the person is, or why it could not
 * say, with the status it answered for the log.
 */
export type SubjectResult =
  | { ok: true; subject: string }
  | {
    ok: false;
    /** `temporarily_unavailable`: worth retrying soon (5xx, rate limits). */
    error: "server_error" | "temporarily_unavailable";
    reason: string;
  };

const isTimeout = (err: unknown) =>
  err instanceof DOMException &&
  (err.name === "TimeoutError" || err.name === "AbortError");

/** Options every oauth4webapi call gets: our fetch, our clock. */
export interface CallOptions {
  [oauth.customFetch]: (
    url: string,
    init: oauth.CustomFetchOptions<string, unknown>,
  ) => Promise<Response>;
  [oauth.allowInsecureRequests]?: boolean;
}

/** Builds a provider from its spec. */
export function oauthProvider(
  spec: ProviderSpec,
  env: ProviderEnv,
): UpstreamProvider {
  const call: Call = async (url, init = {}) => {
    try {
      return await env.fetch(url, {
        ...init,
        signal: AbortSignal.timeout(env.timeout),
      });
    } catch (err) {
      throw new Unreachable(isTimeout(err), err);
    }
  };
  const options: CallOptions = {
    [oauth.customFetch]: (url, init) => call(url, init as RequestInit),
    ...(spec.insecure ? { [oauth.allowInsecureRequests]: true } : {}),
  };
  const auth = oauth.ClientSecretPost(spec.clientSecret);
  let metadata: Promise<oauth.AuthorizationServer> | undefined;
  const server = () => {
    metadata ??= spec.metadata(options).catch((err) => {
      metadata = undefined; // try discovery again next time
      throw err;
    });
    return metadata;
  };
  /** The client, with oauth4webapi's clock following ours. */
  const client = (): oauth.Client => ({
    client_id: spec.clientId,
    [oauth.clockSkew]: Math.round((env.now() - Date.now()) / 1000),
  });

  return {
    id: spec.id,
    name: spec.name,
    userPrefix: spec.userPrefix,
    wantsRefreshToken: spec.wantsRefreshToken,

    async start({ state, callbackUrl, loginHint, prompt }) {
      const as = await server();
      const verifier = oauth.generateRandomCodeVerifier();
      const url = new URL(as.authorization_endpoint!);
      const params: Record<string, string> = {
        response_type: "code",
        client_id: spec.clientId,
        redirect_uri: callbackUrl,
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        ...spec.authorizeParams?.({ prompt }),
      };
      if (spec.scope) params.scope = spec.scope;
      let nonce: string | undefined;
      if (spec.oidc) params.nonce = nonce = oauth.generateRandomNonce();
      if (loginHint) params.login_hint = loginHint;
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return { url: url.href, verifier, ...(nonce ? { nonce } : {}) };
    },

    async finish(
      { params, callbackUrl, state, nonce, verifier },
    ): Promise<ProviderResult> {
      try {
        const as = await server();
        const c = client();
        // Error answers are checked too (state, and `iss` where the provider
        // sends it: RFC 9207 §2.4) before they are believed.
        let checked: URLSearchParams;
        try {
          checked = oauth.validateAuthResponse(
            as,
            c,
            params,
            state,
          );
        } catch (err) {
          if (!(err instanceof oauth.AuthorizationResponseError)) throw err;
          return err.error === "access_denied"
            ? fail(
              "access_denied",
              `You declined to sign in with ${spec.name}.`,
              "person declined at the provider",
            )
            : fail(
              "server_error",
              `${spec.name} could not sign you in.`,
              `provider answered error=${err.error.slice(0, 40)}`,
            );
        }
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          c,
          auth,
          checked,
          callbackUrl,
          verifier ?? oauth.nopkce,
          options,
        );
        const said = await errorCode(response);
        if (said !== undefined) {
          const misconfigured = CLIENT_REFUSED.has(said);
          return {
            ...fail(
              "server_error",
              `${spec.name} could not sign you in.`,
              misconfigured
                ? refusedUs(said, spec.id)
                : `provider answered error=${said}`,
            ),
            ...(misconfigured ? { misconfigured } : {}),
          };
        }
        const tokens = await oauth.processAuthorizationCodeResponse(
          as,
          c,
          response,
          spec.oidc
            ? { expectedNonce: nonce, requireIdToken: true }
            : undefined,
        );
        let subject: string | undefined;
        const claims = spec.oidc
          ? oauth.getValidatedIdTokenClaims(tokens)
          : undefined;
        if (spec.oidc) {
          subject = claims?.sub;
        } else {
          const found = await spec.subject!(tokens.access_token, call);
          if (!found.ok) {
            return fail(
              found.error,
              found.error === "temporarily_unavailable"
                ? `${spec.name} is not answering right now. Try again in a moment.`
                : `${spec.name} could not sign you in.`,
              found.reason,
            );
          }
          subject = found.subject;
        }
        if (!subject) {
          return fail(
            "server_error",
            `${spec.name} did not say who you are.`,
            "no subject",
          );
        }
        const email = await spec.email?.({
          claims,
          accessToken: tokens.access_token,
          call,
        }).catch(() => undefined);
        return {
          ok: true,
          subject,
          ...(email !== undefined ? { email } : {}),
          ...(tokens.refresh_token
            ? { refreshToken: tokens.refresh_token }
            : {}),
        };
      } catch (err) {
        return failure(spec.name, err);
      }
    },

    async refresh(refreshToken): Promise<UpstreamRefresh> {
      try {
        const as = await server();
        const c = client();
        const response = await oauth.refreshTokenGrantRequest(
          as,
          c,
          auth,
          refreshToken,
          options,
        );
        // GitHub answers errors with 200 and its own codes: read the code
        // whatever the status, before the response is judged.
        const said = await errorCode(response);
        if (said !== undefined && REVOKED.has(said)) {
          return { ok: false, kind: "revoked", reason: `provider: ${said}` };
        }
        if (said !== undefined && CLIENT_REFUSED.has(said)) {
          return {
            ok: false,
            kind: "misconfigured",
            reason: refusedUs(said, spec.id),
          };
        }
        const tokens = await oauth.processRefreshTokenResponse(as, c, response);
        return {
          ok: true,
          ...(tokens.refresh_token
            ? { refreshToken: tokens.refresh_token }
            : {}),
        };
      } catch (err) {
        return { ok: false, kind: "unavailable", reason: describe(err) };
      }
    },
  };
}

/** Provider error codes that mean the refresh token is no longer valid. */
const REVOKED = new Set([
  "invalid_grant",
  // GitHub Apps with expiring user tokens, after the person revoked the app.
  "bad_refresh_token",
]);

/** Provider error codes that mean our own client credentials were refused. */
const CLIENT_REFUSED = new Set(["invalid_client", "unauthorized_client"]);

/** Where these are set, from the spec's id: `GOOGLE_CLIENT_ID` and so on. */
function refusedUs(said: string, id?: string): string {
  return `provider refused our client credentials (${said})${
    id ? `: check ${id.toUpperCase()}_CLIENT_ID and _CLIENT_SECRET` : ""
  }`;
}

/** The `error` field of a token-endpoint answer, whatever its status. */
async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = await response.clone().json();
    return typeof body?.error === "string"
      ? body.error.slice(0, 40)
      : undefined;
  } catch {
    return undefined; // not JSON: oauth4webapi will say what is wrong
  }
}

function fail(
  error: "access_denied" | "server_error" | "temporarily_unavailable",
  message: string,
  reason: string,
): ProviderResult {
  return { ok: false, error, message, reason };
}

/** Names a failure without echoing anything the provider sent back. */
function describe(err: unknown): string {
  if (err instanceof oauth.ResponseBodyError) {
    return `provider error response ${err.status} ${err.error}`;
  }
  if (err instanceof oauth.OperationProcessingError) {
    return `provider response refused: ${err.code}: ${err.message}`;
  }
  if (err instanceof oauth.AuthorizationResponseError) {
    return `authorization response refused: ${err.error}`;
  }
  if (err instanceof Unreachable) return err.message;
  // A body read past the timeout.
  if (isTimeout(err)) return "provider timed out";
  return err instanceof Error ? err.name : "unknown failure";
}

function failure(name: string, err: unknown): ProviderResult {
  const reason = describe(err);
  if (err instanceof Unreachable || isTimeout(err)) {
    return fail(
      "temporarily_unavailable",
      `${name} did not answer in time. Try again in a moment.`,
      reason,
    );
  }
  return fail(
    "server_error",
    `${name} sent an answer we could not accept.`,
    reason,
  );
}
