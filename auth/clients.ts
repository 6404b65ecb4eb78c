/**
 * The clients: the GPT (confidential) and, in development, the playground
 * (public, PKCE required). Their redirect-URI rules and their
 * authentication at the token and revocation endpoints (RFC 6749 §2.3.1).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { constantTimeEqual, digestOf, digestsEqual } from "./compare.ts";
import { OAuthError } from "./oauth_error.ts";
import { redirectUriMatches } from "./client_metadata.ts";

/** An OAuth client: the GPT (DESIGN.md §6), or the development playground. */
export interface ClientConfig {
  id: string;
  /** Shown on the consent page (`OAUTH_CLIENT_NAME`, default "ChatGPT"). */
  name: string;
  /**
   * The configured secret; `null` for every other client, which must use
   * PKCE S256 (a registered confidential client too: OAuth 2.1 asks PKCE of
   * every client, and its secret is checked by `secretSha256`).
   */
  secret: string | null;
  /**
   * The secret being replaced (`OAUTH_CLIENT_SECRET_PREVIOUS`), accepted too
   * while the GPT builder still holds it; `null` when not rotating.
   */
  previousSecret?: string | null;
  /** Exact redirect URIs, or `null` for the ChatGPT callback shapes. */
  redirectUris: readonly string[] | null;
  /**
   * Registered dynamically (RFC 7591): its name is self-declared, consent is
   * never skipped, and a loopback redirect matches on any port.
   */
  registered?: boolean;
  /**
   * For a client whose id is a Client ID Metadata Document URL: the host
   * that publishes the document, which the consent page shows.
   */
  publishedBy?: string;
  /**
   * The one way a registered client authenticates at the token and
   * revocation endpoints (RFC 7591 §2), enforced; unset for the configured
   * clients, which may use the body or HTTP Basic.
   */
  authMethod?: AuthMethod;
  /**
   * A registered confidential client's secret as SHA-256, base64url: the
   * secret itself is never kept, and a presented one is hashed and compared.
   */
  secretSha256?: string;
}

/** Client authentication methods (RFC 7591 §2) a client may register. */
export type AuthMethod = "none" | "client_secret_post" | "client_secret_basic";

/** A client secret's SHA-256, base64url: what a registered client id keeps. */
export function hashSecret(secret: string): string {
  return new Uint8Array(createHash("sha256").update(secret).digest())
    .toBase64({ alphabet: "base64url", omitPadding: true });
}

/**
 * ChatGPT's action callback shapes. The id changes whenever the GPT's auth
 * settings are edited, so it cannot be listed in advance; the client is
 * confidential, so a code sent to another GPT's callback is useless without
 * our client secret.
 */
const CHATGPT_CALLBACK =
  /^https:\/\/(?:chat\.openai\.com|chatgpt\.com)\/aip\/[A-Za-z0-9_-]{1,128}\/oauth\/callback$/;

/** Exact redirect-URI matching (RFC 9700 §2.1): no prefixes, no normalising. */
export function isAllowedRedirect(
  client: ClientConfig,
  redirectUri: string,
): boolean {
  if (client.registered && client.redirectUris) {
    return redirectUriMatches(client.redirectUris, redirectUri);
  }
  if (client.redirectUris) return client.redirectUris.includes(redirectUri);
  return CHATGPT_CALLBACK.test(redirectUri);
}

/** Client credentials as presented in a request. */
export interface PresentedCredentials {
  /** The `Authorization` header, if any. */
  authorization: string | undefined;
  /** `client_id` and `client_secret` from the body, if any. */
  bodyId: string | undefined;
  bodySecret: string | undefined;
}

function parseBasic(header: string): { id: string; secret: string } | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.fromBase64(match[1]!),
    );
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const formDecode = (s: string) => decodeURIComponent(s.replaceAll("+", " "));
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return null;
  }
}

/** The digests a client's credentials are compared by. */
interface Digests {
  id: Uint8Array;
  secret: Uint8Array;
  previousSecret: Uint8Array;
}

/**
 * Each client's digests, taken on its first comparison: a configured client
 * is one object for the life of the process, so its id and secrets are
 * hashed once, and a request hashes only what it presents.
 */
const digests = new WeakMap<ClientConfig, Digests>();
const NO_CLIENT: Digests = {
  id: digestOf(""),
  secret: digestOf(""),
  previousSecret: digestOf(""),
};

function digestsOf(client: ClientConfig | undefined): Digests {
  if (!client) return NO_CLIENT;
  let known = digests.get(client);
  if (!known) {
    known = {
      id: digestOf(client.id),
      secret: digestOf(client.secret ?? ""),
      previousSecret: digestOf(client.previousSecret ?? ""),
    };
    digests.set(client, known);
  }
  return known;
}

/** The registered client with this id, compared in constant time. */
export function findClient(
  clients: readonly ClientConfig[],
  id: string,
): ClientConfig | undefined {
  const presented = digestOf(id);
  let found: ClientConfig | undefined;
  for (const client of clients) {
    if (digestsEqual(presented, digestsOf(client).id)) found ??= client;
  }
  return found;
}

/**
 * The client id a request presents: the body's `client_id`, else the one in
 * HTTP Basic (`client_secret_basic` sends it there alone). Which client it
 * names, and whether the credentials hold, is {@linkcode authenticateClient}'s.
 */
export function presentedClientId(
  presented: PresentedCredentials,
): string | undefined {
  if (presented.bodyId !== undefined) return presented.bodyId;
  if (presented.authorization === undefined) return undefined;
  return parseBasic(presented.authorization)?.id;
}

/**
 * A registered client authenticates by the method it registered and no
 * other (RFC 7591 §2; RFC 6749 §2.3: one method per request): `none` sends
 * no secret at all, `client_secret_basic` its secret in HTTP Basic only,
 * `client_secret_post` in the body only. The secret is compared by its
 * SHA-256, in constant time. `secret` is the one found in the request.
 */
function authenticateRegistered(
  client: ClientConfig,
  presented: PresentedCredentials,
  secret: string | undefined,
): ClientConfig {
  const refuse = (reason: string) =>
    new OAuthError("invalid_client", "Client authentication failed.", reason);
  const basic = presented.authorization !== undefined;
  const body = presented.bodySecret !== undefined;
  switch (client.authMethod) {
    case "none":
      if (basic || body) throw refuse("a public client sent a secret");
      return client;
    case "client_secret_basic":
      if (!basic || body) throw refuse("not the registered method (basic)");
      break;
    case "client_secret_post":
      if (basic || !body) throw refuse("not the registered method (post)");
      break;
    default:
      throw refuse("unknown registered method");
  }
  if (
    secret === undefined || client.secretSha256 === undefined ||
    !constantTimeEqual(hashSecret(secret), client.secretSha256)
  ) {
    throw refuse("wrong registered client secret");
  }
  return client;
}

/** A client that authenticated, and whether it used the secret being replaced. */
export interface Authenticated {
  client: ClientConfig;
  previousSecret: boolean;
}

/**
 * Authenticates the client by `client_secret` in the body or HTTP Basic;
 * both are accepted, and both at once must agree. A public client sends its
 * `client_id` alone (RFC 6749 §3.2.1). During a secret rotation the previous
 * secret is accepted too. A registered client must use the one method it
 * registered ({@linkcode authenticateRegistered}). Returns the client or
 * throws `invalid_client`.
 */
export function authenticateClient(
  clients: readonly ClientConfig[],
  presented: PresentedCredentials,
): Authenticated {
  let id = presented.bodyId;
  let secret = presented.bodySecret;
  if (presented.authorization !== undefined) {
    const basic = parseBasic(presented.authorization);
    if (!basic) {
      throw new OAuthError(
        "invalid_client",
        "Client authentication failed.",
        "malformed Authorization header",
      );
    }
    if (
      (id !== undefined && id !== basic.id) ||
      (secret !== undefined && !constantTimeEqual(secret, basic.secret))
    ) {
      throw new OAuthError(
        "invalid_client",
        "Client authentication failed.",
        "HTTP Basic and body credentials differ",
      );
    }
    id = basic.id;
    secret = basic.secret;
  }
  if (id === undefined) {
    throw new OAuthError(
      "invalid_client",
      "Client authentication failed.",
      "no client credentials",
    );
  }
  const client = findClient(clients, id);
  if (client?.authMethod !== undefined) {
    return {
      client: authenticateRegistered(client, presented, secret),
      previousSecret: false,
    };
  }
  if (client?.secret === null) {
    if (secret !== undefined && secret !== "") {
      throw new OAuthError(
        "invalid_client",
        "Client authentication failed.",
        "a public client sent a secret",
      );
    }
    return { client, previousSecret: false };
  }
  if (secret === undefined) {
    throw new OAuthError(
      "invalid_client",
      "Client authentication failed.",
      "no client secret",
    );
  }
  // Compare against both, even for an unknown id, so timing does not
  // reveal which failed.
  const presentedSecret = digestOf(secret);
  const known = digestsOf(client);
  const current = digestsEqual(presentedSecret, known.secret);
  const previous = digestsEqual(presentedSecret, known.previousSecret) &&
    Boolean(client?.previousSecret);
  if (!client || !(current || previous)) {
    throw new OAuthError(
      "invalid_client",
      "Client authentication failed.",
      client ? "wrong client secret" : "unknown client_id",
    );
  }
  return { client, previousSecret: !current };
}
