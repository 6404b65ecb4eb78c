/**
 * The rules of `GET /oauth/authorize` (RFC 6749 §4.1.1, RFC 7636, RFC 9700)
 * as one function over the query string. It decides; the route renders:
 *
 * - `render_here`: the client or its redirect URI cannot be vouched for, so
 *   the answer is a page on this site and never a redirect (an open
 *   redirect otherwise, RFC 6749 §4.1.2.1);
 * - `redirect_error`: anything else wrong goes back to the client's
 *   redirect URI as `error=…` with its `state`;
 * - `proceed`: the pending request to hold in the login cookie, and the
 *   provider to go straight to when one was named.
 *
 * Nothing here touches Hono, KV or the clock.
 *
 * @module
 */
import type { ClientConfig } from "./clients.ts";
import { findClient, isAllowedRedirect } from "./clients.ts";
import type { OAuthErrorCode } from "./oauth_error.ts";
import { isS256Challenge } from "./pkce.ts";
import { audienceOf, resolveResource } from "./resource.ts";
import { grantScope } from "./scope.ts";
import type { Unstamped } from "./tokens.ts";

/** A pending authorization request, before the upstream leg adds its values. */
export type PendingRequest = Unstamped<"login">;

/** What the rules need besides the query. */
export interface AuthorizeContext<P> {
  clients: readonly ClientConfig[];
  /** The enabled providers by id, in the order an error message lists them. */
  providers: ReadonlyMap<string, P>;
  /** The resources tokens may be bound to (`resources()` in `resource.ts`). */
  resources: readonly string[];
}

/** The decision on an authorization request. */
export type AuthorizeDecision<P> =
  | {
    kind: "render_here";
    problem: "unknown_client";
    /** How many `client_id` values were sent (for the log). */
    clientIds: number;
  }
  | {
    kind: "render_here";
    problem: "redirect_not_allowed";
    client: ClientConfig;
    /** How many `redirect_uri` values were sent (for the log). */
    redirects: number;
    /** The refused address, when there was exactly one (for the log). */
    refused?: string;
  }
  | {
    kind: "redirect_error";
    redirect_uri: string;
    /** The client's `state`, when it sent exactly one. */
    state?: string;
    error: OAuthErrorCode;
    error_description: string;
  }
  | {
    kind: "proceed";
    client: ClientConfig;
    pending: PendingRequest;
    /** The provider named by `provider=`: skip the choice page. */
    provider?: P;
    loginHint?: string;
  };

/** Parameters that must appear at most once (RFC 6749 §3.1). */
const SINGLE = [
  "response_type",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
  "provider",
  "login_hint",
] as const;

/** The longest value accepted for any of {@linkcode SINGLE}. */
export const MAX_PARAM = 2048;

/**
 * The pending request travels in a sealed cookie, with the upstream state,
 * nonce and verifier added later: this bound on its JSON (in UTF-8 bytes,
 * where quotes and non-ASCII characters count for more) keeps the cookie well
 * inside browsers' 4 KiB.
 */
export const MAX_PENDING_BYTES = 2048;

const encoder = new TextEncoder();

/**
 * Applies every rule of the authorization endpoint to `query`.
 *
 * @example
 * ```ts
 * const decision = parseAuthorizeRequest(new URL(req.url).searchParams, { clients, providers, resources });
 * if (decision.kind === "proceed") decision.pending.scope; // "game"
 * ```
 */
export function parseAuthorizeRequest<P>(
  query: URLSearchParams,
  context: AuthorizeContext<P>,
): AuthorizeDecision<P> {
  // Parameters sent without a value count as omitted (RFC 6749 §3.1).
  const q = new URLSearchParams([...query].filter(([, v]) => v !== ""));
  const clientIds = q.getAll("client_id");
  const redirects = q.getAll("redirect_uri");
  // Never redirect to a URI we cannot vouch for (open redirect): render here.
  const client = clientIds.length === 1
    ? findClient(context.clients, clientIds[0]!)
    : undefined;
  if (!client) {
    return {
      kind: "render_here",
      problem: "unknown_client",
      clientIds: clientIds.length,
    };
  }
  if (redirects.length !== 1 || !isAllowedRedirect(client, redirects[0]!)) {
    return {
      kind: "render_here",
      problem: "redirect_not_allowed",
      client,
      redirects: redirects.length,
      // Not a secret (the browser sent it in the clear), but bounded.
      ...(redirects.length === 1
        ? { refused: redirects[0]!.slice(0, 300) }
        : {}),
    };
  }
  const redirectUri = redirects[0]!;
  const states = q.getAll("state");
  const back = (
    error: OAuthErrorCode,
    error_description: string,
  ): AuthorizeDecision<P> => ({
    kind: "redirect_error",
    redirect_uri: redirectUri,
    ...(states.length === 1 ? { state: states[0]! } : {}),
    error,
    error_description,
  });
  for (const name of SINGLE) {
    const values = q.getAll(name);
    if (values.length > 1) {
      return back("invalid_request", `${name} is repeated.`);
    }
    if ((values[0]?.length ?? 0) > MAX_PARAM) {
      return back("invalid_request", `${name} is too long.`);
    }
  }
  const responseType = q.get("response_type");
  if (responseType === null) {
    return back("invalid_request", "response_type is required.");
  }
  if (responseType !== "code") {
    return back(
      "unsupported_response_type",
      "Only response_type=code is supported.",
    );
  }
  const state = q.get("state");
  // The client's only defence against CSRF on its callback: required.
  if (!state) return back("invalid_request", "state is required.");
  const challenge = q.get("code_challenge");
  const method = q.get("code_challenge_method");
  if (challenge === null && method !== null) {
    return back(
      "invalid_request",
      "code_challenge_method without code_challenge.",
    );
  }
  if (challenge === null && client.secret === null) {
    return back(
      "invalid_request",
      "A public client must send code_challenge (PKCE S256).",
    );
  }
  if (challenge !== null) {
    // RFC 7636 §4.3: a missing method means plain, which we refuse.
    if (method !== "S256") {
      return back(
        "invalid_request",
        "Only code_challenge_method=S256 is supported.",
      );
    }
    if (!isS256Challenge(challenge)) {
      return back(
        "invalid_request",
        "code_challenge must be 43 base64url characters.",
      );
    }
  }
  const providerId = q.get("provider");
  const provider = providerId === null
    ? undefined
    : context.providers.get(providerId);
  if (providerId !== null && provider === undefined) {
    return back(
      "invalid_request",
      `provider must be one of: ${[...context.providers.keys()].join(", ")}.`,
    );
  }
  // RFC 8707 §2: an unknown, malformed or repeated resource is refused.
  const target = resolveResource(q.getAll("resource"), context.resources);
  if (target.kind === "refused") {
    return back("invalid_target", target.description);
  }
  const pending: PendingRequest = {
    client_id: client.id,
    redirect_uri: redirectUri,
    scope: grantScope(q.get("scope")),
    state,
    ...(challenge !== null ? { code_challenge: challenge } : {}),
    // The REST API's resource (the origin) binds nothing: as if none was sent.
    ...(target.kind === "known" && audienceOf(target.resource) !== undefined
      ? { resource: target.resource }
      : {}),
  };
  if (encoder.encode(JSON.stringify(pending)).length > MAX_PENDING_BYTES) {
    return back(
      "invalid_request",
      "The request is too large to hold during sign-in; keep state under 1,000 characters.",
    );
  }
  const loginHint = q.get("login_hint");
  return {
    kind: "proceed",
    client,
    pending,
    ...(provider !== undefined ? { provider } : {}),
    ...(loginHint !== null ? { loginHint } : {}),
  };
}
