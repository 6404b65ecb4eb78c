/**
 * Dynamic Client Registration (RFC 7591), stateless: the `client_id` handed
 * out is a sealed token (purpose `client`, prefix `wwc_cl.`) carrying the
 * client's metadata, so a registered client survives restarts and works on
 * every instance with nothing stored. Only public clients (PKCE S256) are
 * registered. Nothing here touches Hono or KV.
 *
 * @module
 */
import {
  isAllowedRedirectUri,
  MAX_CLIENT_NAME_LENGTH,
} from "./client_metadata.ts";
import { OAuthError } from "./oauth_error.ts";
import { PREFIX } from "./seal.ts";
import type { ClientClaims, Tokens } from "./tokens.ts";
import type { ClientConfig } from "./clients.ts";

/** The most redirect URIs one registration may declare. */
export const MAX_REGISTERED_REDIRECTS = 10;

/** Registered metadata, as sealed into the client id. */
export interface Registration {
  client_name?: string;
  redirect_uris: string[];
}

/**
 * The most bytes of metadata sealed into a client id (as JSON): keeps the id
 * near 1 KB, so a login cookie holding it stays inside browsers' 4 KiB.
 */
export const MAX_REGISTRATION_BYTES = 600;

const GRANT_TYPES = new Set(["authorization_code", "refresh_token"]);

function subsetOf(value: unknown, allowed: Set<string>): boolean {
  return Array.isArray(value) &&
    value.every((v) => typeof v === "string" && allowed.has(v));
}

/**
 * Validates a registration request's JSON body (RFC 7591 §2). Throws
 * `invalid_redirect_uri` or `invalid_client_metadata` (RFC 7591 §3.2.2).
 */
export function validateRegistration(body: unknown): Registration {
  const bad = (description: string) =>
    new OAuthError("invalid_client_metadata", description);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw bad("The body must be a JSON object.");
  }
  const fields = body as Record<string, unknown>;
  const uris = fields.redirect_uris;
  if (
    !Array.isArray(uris) || uris.length === 0 ||
    uris.length > MAX_REGISTERED_REDIRECTS
  ) {
    throw new OAuthError(
      "invalid_redirect_uri",
      `redirect_uris must list 1 to ${MAX_REGISTERED_REDIRECTS} URIs.`,
    );
  }
  if (!uris.every(isAllowedRedirectUri)) {
    throw new OAuthError(
      "invalid_redirect_uri",
      "Each redirect URI must be https, http on a loopback host, or a reverse-domain private-use scheme, without a fragment.",
    );
  }
  const method = fields.token_endpoint_auth_method;
  if (method !== undefined && method !== "none") {
    throw bad(
      "Only public clients with PKCE S256 are supported: token_endpoint_auth_method must be none.",
    );
  }
  if (
    fields.grant_types !== undefined &&
    !subsetOf(fields.grant_types, GRANT_TYPES)
  ) {
    throw bad(
      "grant_types may hold only authorization_code and refresh_token.",
    );
  }
  if (
    fields.response_types !== undefined &&
    !subsetOf(fields.response_types, new Set(["code"]))
  ) {
    throw bad("response_types may hold only code.");
  }
  const name = fields.client_name;
  if (
    name !== undefined &&
    (typeof name !== "string" || name.trim() === "" ||
      name.length > MAX_CLIENT_NAME_LENGTH ||
      // Control and format characters can make a name read as another.
      /[\p{Cc}\p{Cf}]/u.test(name))
  ) {
    throw bad(
      `client_name must be 1 to ${MAX_CLIENT_NAME_LENGTH} characters, without control or format characters.`,
    );
  }
  const registration = {
    ...(typeof name === "string" ? { client_name: name } : {}),
    redirect_uris: [...new Set(uris)],
  };
  // The id carries this and rides in every code, token and login cookie.
  if (
    new TextEncoder().encode(JSON.stringify(registration)).length >
      MAX_REGISTRATION_BYTES
  ) {
    throw bad(
      `The metadata is too large: client_name and redirect_uris together must stay under ${MAX_REGISTRATION_BYTES} bytes.`,
    );
  }
  return registration;
}

/** The client a `wwc_cl.` id opens to: public, its redirects exact (loopback any port). */
export function registeredClient(
  id: string,
  claims: ClientClaims,
): ClientConfig {
  return {
    id,
    name: claims.client_name ?? "An unnamed application",
    secret: null,
    redirectUris: claims.redirect_uris,
    registered: true,
  };
}

/**
 * The configured clients, plus the registered client `id` names when it is
 * a valid `wwc_cl.` id (a forged, tampered or expired one adds nothing, so
 * it is refused as an unknown client).
 */
export async function withRegistered(
  tokens: Tokens,
  clients: readonly ClientConfig[],
  id: string | undefined,
): Promise<readonly ClientConfig[]> {
  if (id === undefined || !id.startsWith(PREFIX.client)) return clients;
  const opened = await tokens.open("client", id);
  return opened.ok
    ? [...clients, registeredClient(id, opened.claims)]
    : clients;
}
