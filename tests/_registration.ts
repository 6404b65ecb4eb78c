/**
 * Registered clients (RFC 7591) in tests: registering through
 * `/oauth/register`, signing in as one through the consent page, and calling
 * the token and revocation endpoints with the credentials a method sends.
 */
import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import type { TestApp } from "./_app.ts";
import { authorizeUrl, ORIGIN, throughConsent as signInAs } from "./_flow.ts";

export const CALLBACK = "https://claude.ai/api/mcp/auth_callback";
export const VERIFIER = "a-verifier-of-enough-length-for-pkce-0123456789abcdef";

/** POSTs `body` as JSON to `/oauth/register`. */
export function register(t: TestApp, body: unknown): Promise<Response> {
  return Promise.resolve(t.app.request(`${ORIGIN}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }));
}

/** A registration's answer: the id, and the secret of a confidential client. */
export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method: string;
  [field: string]: unknown;
}

/** Registers "Claude" (public unless `body` says otherwise) and checks the 201. */
export async function registeredClient(
  t: TestApp,
  body: Record<string, unknown> = {},
): Promise<RegisteredClient> {
  const res = await register(t, {
    client_name: "Claude",
    redirect_uris: [CALLBACK, "http://127.0.0.1/callback"],
    token_endpoint_auth_method: "none",
    ...body,
  });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json();
}

/** The id of a freshly registered public client. */
export async function registered(
  t: TestApp,
  body: Record<string, unknown> = {},
): Promise<string> {
  return (await registeredClient(t, body)).client_id;
}

/** POSTs a form to `path` (`/oauth/token` by default), with extra headers. */
export function tokenRequest(
  t: TestApp,
  form: Record<string, string>,
  headers: Record<string, string> = {},
  path = "/oauth/token",
): Promise<Response> {
  return Promise.resolve(t.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(form),
  }));
}

/** Authorize with provider=dev, see consent, pick dev, sign in: the client's redirect. */
export function signInRegistered(
  t: TestApp,
  clientId: string,
  redirect = CALLBACK,
): Promise<URLSearchParams> {
  return throughConsent(
    t,
    authorizeUrl({
      client_id: clientId,
      redirect_uri: redirect,
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
      provider: "dev",
      login_hint: "alice",
    }),
    redirect,
  );
}

/** Through the consent page as alice, back to `redirect` (default {@linkcode CALLBACK}). */
export function throughConsent(
  t: TestApp,
  url: string,
  redirect = CALLBACK,
): Promise<URLSearchParams> {
  return signInAs(t, url, redirect);
}
