/**
 * Dynamic Client Registration (RFC 7591), stateless: the `client_id` handed
 * out is a sealed token (purpose `client`, prefix `wwc_cl.`) carrying the
 * client's metadata, so a registered client survives restarts and works on
 * every instance with nothing stored. A confidential client's secret is
 * random (256 bits) and handed out once; its id keeps only the secret's
 * SHA-256 and the authentication method, so the secret dies with the id.
 * Every registered client uses PKCE S256, confidential or not (OAuth 2.1).
 * Nothing here touches Hono or KV.
 *
 * @module
 */
import {
  isAllowedRedirectUri,
  MAX_CLIENT_NAME_LENGTH,
} from "./client_metadata.ts";
import { OAuthError } from "./oauth_error.ts";
import { PREFIX } from "./seal.ts";
import {
  type ClientClaims,
  randomId,
  type Tokens,
  type Unstamped,
} from "./tokens.ts";
import { type AuthMethod, type ClientConfig, hashSecret } from "./clients.ts";

/** The most redirect URIs one registration may declare. */
export const MAX_REGISTERED_REDIRECTS = 10;

/** Registered metadata, validated. */
export interface Registration {
  client_name?: string;
  redirect_uris: string[];
  token_endpoint_auth_method: AuthMethod;
}

/** The bytes of a client secret: 256 bits, handed out as 43 base64url characters. */
export const CLIENT_SECRET_BYTES = 32;

/**
 * The most bytes of `client_name` and `redirect_uris` sealed into a client id
 * (as JSON). With a confidential client's method and secret hash (about 110
 * bytes more) the id stays under 1.2 KB, so a login cookie holding it stays
 * inside browsers' 4 KiB.
 */
export const MAX_REGISTRATION_BYTES = 600;

const GRANT_TYPES = new Set(["authorization_code", "refresh_token"]);
const AUTH_METHODS: ReadonlySet<string> = new Set<AuthMethod>([
  "none",
  "client_secret_post",
  "client_secret_basic",
]);

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
  // RFC 7591 §2: omitted means client_secret_basic.
  const method = fields.token_endpoint_auth_method ?? "client_secret_basic";
  if (typeof method !== "string" || !AUTH_METHODS.has(method)) {
    throw bad(
      "token_endpoint_auth_method must be none, client_secret_post or client_secret_basic.",
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
  const metadata = {
    ...(typeof name === "string" ? { client_name: name } : {}),
    redirect_uris: [...new Set(uris)],
  };
  // The id carries this and rides in every code, token and login cookie.
  if (
    new TextEncoder().encode(JSON.stringify(metadata)).length >
      MAX_REGISTRATION_BYTES
  ) {
    throw bad(
      `The metadata is too large: client_name and redirect_uris together must stay under ${MAX_REGISTRATION_BYTES} bytes.`,
    );
  }
  return { ...metadata, token_endpoint_auth_method: method as AuthMethod };
}

/** A registered client: its id, when it was issued and expires, its secret if confidential. */
export interface Registered {
  clientId: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds: the id, and with it the secret, expires then. */
  expiresAt: number;
  /** Only for `client_secret_post` and `client_secret_basic`; kept nowhere. */
  clientSecret?: string;
}

/**
 * Seals a validated registration into a client id. A confidential client
 * gets a fresh random secret, of which the id keeps only the SHA-256: the
 * secret exists only in this answer and with the client.
 */
export async function register(
  tokens: Tokens,
  registration: Registration,
): Promise<Registered> {
  const { token_endpoint_auth_method: method, ...metadata } = registration;
  let claims: Unstamped<"client"> = metadata;
  let clientSecret: string | undefined;
  if (method !== "none") {
    clientSecret = randomId(CLIENT_SECRET_BYTES);
    claims = {
      ...metadata,
      token_endpoint_auth_method: method,
      secret_sha256: hashSecret(clientSecret),
    };
  }
  const sealed = await tokens.seal("client", claims);
  return {
    clientId: sealed.token,
    issuedAt: Math.floor(sealed.claims.iat / 1000),
    expiresAt: Math.floor(sealed.claims.exp / 1000),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
  };
}

/**
 * The client a `wwc_cl.` id opens to: its redirects exact (loopback any
 * port), PKCE S256 required (`secret: null`), authenticating only by its
 * registered method. A public client's id carries no method: `none`.
 */
export function registeredClient(
  id: string,
  claims: ClientClaims,
): ClientConfig {
  const method = claims.token_endpoint_auth_method;
  return {
    id,
    name: claims.client_name ?? "An unnamed application",
    secret: null,
    redirectUris: claims.redirect_uris,
    registered: true,
    authMethod: method === undefined ? "none" : method,
    ...(claims.secret_sha256 !== undefined
      ? { secretSha256: claims.secret_sha256 }
      : {}),
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
