/**
 * The enabled upstream providers, in the order the sign-in page lists them:
 * Google, GitHub, a generic OpenID Connect issuer, then the development
 * provider. The real ones are data over `oauth.ts`.
 *
 * @module
 */
import * as oauth from "oauth4webapi";
import { devProvider } from "./dev.ts";
import {
  type Call,
  oauthProvider,
  plausibleEmail,
  type ProviderEnv,
  type SubjectResult,
  verifiedEmailClaim,
} from "./oauth.ts";
import type { UpstreamProvider } from "./types.ts";

export type {
  ProviderResult,
  ProviderStart,
  UpstreamLeg,
  UpstreamProvider,
  UpstreamRefresh,
} from "./types.ts";

/** An upstream OAuth client registered with a provider. */
export interface ProviderCredentials {
  clientId: string;
  clientSecret: string;
}

/** A generic OpenID Connect issuer, found by discovery. */
export interface OidcCredentials extends ProviderCredentials {
  issuer: URL;
  /** Shown on the sign-in page and used as the user-id prefix. */
  name: string;
}

/** What {@linkcode buildProviders} reads from the configuration. */
export interface ProvidersConfig {
  /** Our external origin (the development provider returns to it). */
  publicUrl: string;
  google: ProviderCredentials | null;
  github: ProviderCredentials | null;
  oidc: OidcCredentials | null;
  /** Enables the development provider. */
  devLogin: boolean;
  /** How long one provider call may take (ms). */
  upstream: { timeout: number };
  /** Ask for the person's verified email (`COLLECT_EMAIL=1`). */
  collectEmail: boolean;
}

/** Google's endpoints (from its discovery document), written down to save a fetch. */
export const GOOGLE: oauth.AuthorizationServer = {
  issuer: "https://accounts.google.com",
  authorization_endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
  token_endpoint: "https://oauth2.googleapis.com/token",
  jwks_uri: "https://www.googleapis.com/oauth2/v3/certs",
  revocation_endpoint: "https://oauth2.googleapis.com/revoke",
};

/** GitHub's OAuth endpoints (GitHub is not an OpenID provider for people). */
export const GITHUB: oauth.AuthorizationServer = {
  issuer: "https://github.com",
  authorization_endpoint: "https://github.com/login/oauth/authorize",
  token_endpoint: "https://github.com/login/oauth/access_token",
};

/**
 * GitHub's numeric user id: stable, unlike the login name. A refusal (401,
 * 403: the token we were just given does not work) is the provider's answer,
 * not an outage; 5xx and rate limits (429, or 403 with no requests left, or
 * `Retry-After`) are worth retrying. Either way the log gets the status.
 */
async function githubSubject(
  accessToken: string,
  call: Call,
): Promise<SubjectResult> {
  const res = await call("https://api.github.com/user", {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/vnd.github+json",
      "user-agent": "words-with-chat",
    },
  });
  if (!res.ok) {
    await res.body?.cancel();
    const limited = res.status === 429 ||
      (res.status === 403 &&
        (res.headers.get("x-ratelimit-remaining") === "0" ||
          res.headers.has("retry-after")));
    return {
      ok: false,
      error: limited || res.status >= 500
        ? "temporarily_unavailable"
        : "server_error",
      reason: `GitHub user API answered ${res.status}${
        limited ? " (rate limited)" : ""
      }`,
    };
  }
  let id: unknown;
  try {
    ({ id } = await res.json() as { id?: unknown });
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err; // e.g. the body timed out
    return {
      ok: false,
      error: "server_error",
      reason: "GitHub user API answered something other than JSON",
    };
  }
  if (!Number.isSafeInteger(id)) {
    return {
      ok: false,
      error: "server_error",
      reason: "GitHub user has no numeric id",
    };
  }
  return { ok: true, subject: String(id) };
}

/**
 * GitHub's primary address, when verified (`GET /user/emails`, which needs
 * the `user:email` scope). The public profile's `email` is whatever the
 * person chose to show, verified or not, so it is never used.
 */
async function githubEmail(
  { accessToken, call }: { accessToken: string; call: Call },
): Promise<string | undefined> {
  const res = await call("https://api.github.com/user/emails", {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/vnd.github+json",
      "user-agent": "words-with-chat",
    },
  });
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  const emails: unknown = await res.json();
  if (!Array.isArray(emails)) return undefined;
  const primary = emails.find((e) =>
    e?.primary === true && e?.verified === true
  );
  return plausibleEmail(primary?.email);
}

/** Google and OpenID Connect: the ID token's `email`, when verified. */
const oidcEmail = ({ claims }: { claims: oauth.IDToken | undefined }) =>
  Promise.resolve(verifiedEmailClaim(claims));

/** Builds the providers that configuration enables. */
export function buildProviders(
  config: ProvidersConfig,
  env: Omit<ProviderEnv, "timeout">,
): ReadonlyMap<string, UpstreamProvider> {
  const penv: ProviderEnv = { ...env, timeout: config.upstream.timeout };
  const providers: UpstreamProvider[] = [];
  if (config.google) {
    providers.push(oauthProvider({
      id: "google",
      name: "Google",
      userPrefix: "google",
      ...config.google,
      metadata: () => Promise.resolve(GOOGLE),
      // Only who you are: the stable subject, and the verified email when
      // the operator collects it; never the profile.
      scope: config.collectEmail ? "openid email" : "openid",
      oidc: true,
      ...(config.collectEmail ? { email: oidcEmail } : {}),
      wantsRefreshToken: true,
      authorizeParams: ({ prompt }) => ({
        access_type: "offline",
        ...(prompt ? { prompt } : {}),
      }),
    }, penv));
  }
  if (config.github) {
    providers.push(oauthProvider({
      id: "github",
      name: "GitHub",
      userPrefix: "github",
      ...config.github,
      metadata: () => Promise.resolve(GITHUB),
      // No scope: the public profile (and its numeric id) needs none;
      // reading the verified addresses needs `user:email`.
      scope: config.collectEmail ? "user:email" : "",
      oidc: false,
      subject: githubSubject,
      ...(config.collectEmail ? { email: githubEmail } : {}),
    }, penv));
  }
  if (config.oidc) {
    const { issuer, clientId, clientSecret, name } = config.oidc;
    providers.push(oauthProvider({
      id: "oidc",
      name,
      userPrefix: name,
      clientId,
      clientSecret,
      insecure: issuer.protocol === "http:",
      metadata: async (options) =>
        await oauth.processDiscoveryResponse(
          issuer,
          await oauth.discoveryRequest(issuer, {
            algorithm: "oidc",
            ...options,
          }),
        ),
      scope: config.collectEmail ? "openid email" : "openid",
      oidc: true,
      ...(config.collectEmail ? { email: oidcEmail } : {}),
    }, penv));
  }
  if (config.devLogin) providers.push(devProvider(config.publicUrl));
  return new Map(providers.map((p) => [p.id, p]));
}
