/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document):
 * a client whose `client_id` is an https URL publishes its metadata at that
 * URL. The rules here are pure: which URLs may be client ids, whether a
 * fetched answer is a usable document, how long to keep it, and whether a
 * redirect URI matches it. Fetching is in client_metadata_fetch.ts.
 *
 * @module
 */

/** Why a `client_id` is not a client id URL we fetch. */
export type ClientIdUrlProblem =
  | "not_a_url"
  | "not_https"
  | "userinfo"
  | "fragment"
  | "no_path"
  | "dot_segment"
  | "not_canonical"
  | "too_long"
  | "port";

/** The longest client id URL we fetch. */
export const MAX_CLIENT_ID_LENGTH = 512;

/**
 * Whether `clientId` may name a metadata document: the draft's client
 * identifier URL (https, a path, no single- or double-dot segments, no
 * fragment, no username or password; a query and a port may be present).
 * Beyond the draft, the URL must be written as the WHATWG URL serializer
 * writes it (lower-case host, no default port, no `%2e` segments): the
 * document's `client_id` must equal it character for character, and the
 * cache is keyed by it, so one client cannot appear under several spellings.
 *
 * @example
 * ```ts
 * parseClientIdUrl("https://app.example/oauth/client.json"); // { kind: "url", … }
 * parseClientIdUrl("https://app.example/"); // { kind: "invalid", problem: "no_path" }
 * ```
 */
export function parseClientIdUrl(
  clientId: string,
): { kind: "url"; url: URL } | {
  kind: "invalid";
  problem: ClientIdUrlProblem;
} {
  const invalid = (problem: ClientIdUrlProblem) =>
    ({ kind: "invalid", problem }) as const;
  if (clientId.length > MAX_CLIENT_ID_LENGTH) return invalid("too_long");
  const url = URL.parse(clientId);
  if (url === null) return invalid("not_a_url");
  if (url.protocol !== "https:") return invalid("not_https");
  if (url.username || url.password || /^https:\/\/[^/?#]*@/i.test(clientId)) {
    return invalid("userinfo");
  }
  if (clientId.includes("#")) return invalid("fragment");
  const rawPath = /^https:\/\/[^/?#]*(\/[^?#]*)?/i.exec(clientId)?.[1] ?? "";
  if (rawPath === "" || rawPath === "/") return invalid("no_path");
  if (
    rawPath.split("/").some((s) => /^(?:\.|%2e){1,2}$/i.test(s))
  ) {
    return invalid("dot_segment");
  }
  if (url.href !== clientId) return invalid("not_canonical");
  return { kind: "url", url };
}

/** What the service keeps of a valid document. */
export interface ClientMetadata {
  /** The URL, exactly. */
  clientId: string;
  /** Self-declared: show it escaped and marked as not verified. */
  clientName: string;
  redirectUris: readonly string[];
  /** Only public clients for now. */
  tokenEndpointAuthMethod: "none";
}

/** Why a fetched answer is not a usable document. */
export type MetadataProblem =
  | "status"
  | "not_json"
  | "not_an_object"
  | "client_id_mismatch"
  | "client_name"
  | "redirect_uris"
  | "auth_method"
  | "client_secret";

export const MAX_CLIENT_NAME_LENGTH = 100;
export const MAX_REDIRECT_URIS = 20;
export const MAX_REDIRECT_URI_LENGTH = 512;

/**
 * Validates the answer fetched for `clientId` (oauth4webapi style: the
 * caller fetches, this reads the `Response`). Only a `200` with a JSON
 * object whose `client_id` is `clientId` exactly, with a `client_name` and a
 * non-empty list of absolute `redirect_uris`, is a document. A
 * `token_endpoint_auth_method` other than `none` is refused: this server
 * does not yet verify `private_key_jwt`, and the draft forbids shared
 * secrets in a public document (so any `client_secret*` member is refused
 * too).
 *
 * @example
 * ```ts
 * await validateClientMetadata(id, new Response(JSON.stringify({ client_id: id, … })));
 * ```
 */
export async function validateClientMetadata(
  clientId: string,
  response: Response,
): Promise<
  | { kind: "valid"; metadata: ClientMetadata }
  | { kind: "invalid"; problem: MetadataProblem }
> {
  const invalid = (problem: MetadataProblem) =>
    ({ kind: "invalid", problem }) as const;
  if (response.status !== 200) {
    await response.body?.cancel();
    return invalid("status");
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await response.text());
  } catch {
    return invalid("not_json");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return invalid("not_an_object");
  }
  const fields = doc as Record<string, unknown>;
  if (fields.client_id !== clientId) return invalid("client_id_mismatch");
  if (Object.keys(fields).some((k) => k.startsWith("client_secret"))) {
    return invalid("client_secret");
  }
  const method = fields.token_endpoint_auth_method;
  if (method !== undefined && method !== "none") return invalid("auth_method");
  const name = fields.client_name;
  if (
    typeof name !== "string" || name.trim() === "" ||
    name.length > MAX_CLIENT_NAME_LENGTH ||
    // Control and format characters (U+202E and its kin) can make a
    // self-declared name read as another on the consent page.
    /[\p{Cc}\p{Cf}]/u.test(name)
  ) {
    return invalid("client_name");
  }
  const uris = fields.redirect_uris;
  if (
    !Array.isArray(uris) || uris.length === 0 ||
    uris.length > MAX_REDIRECT_URIS ||
    !uris.every(isAllowedRedirectUri)
  ) {
    return invalid("redirect_uris");
  }
  return {
    kind: "valid",
    metadata: {
      clientId,
      clientName: name,
      redirectUris: uris,
      tokenEndpointAuthMethod: "none",
    },
  };
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** A host name (letters, digits, hyphens, dots) or a bracketed IPv6 literal. */
const HOST = /^(?:[a-z0-9-]+\.)*[a-z0-9-]+\.?$|^\[[0-9a-f:.]+\]$/;

/**
 * A redirect URI a client may declare: absolute, without a fragment (RFC
 * 6749 §3.1.2), of bounded length, and https, http on a loopback host, or a
 * private-use scheme in reverse-domain form (RFC 8252 §7.1, `com.example.app:`).
 * Never `javascript:`, `data:` and the like, nor plain http elsewhere (RFC
 * 9700 §2.1): codes would travel in the clear, or run as script.
 */
export function isAllowedRedirectUri(value: unknown): value is string {
  if (
    typeof value !== "string" || value.length > MAX_REDIRECT_URI_LENGTH ||
    value.includes("#")
  ) {
    return false;
  }
  const url = URL.parse(value);
  if (url === null) return false;
  // A DNS name or an IP literal: URL parsers let `;`, `,` and `'` into a
  // host, and the origin goes into the consent page's CSP `form-action`.
  if (url.protocol === "https:") return HOST.test(url.hostname);
  if (url.protocol === "http:") return LOOPBACK_HOSTS.has(url.hostname);
  return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol);
}

/**
 * Whether `requested` matches one of `registered` (RFC 9700 §2.1: exact
 * string comparison), with one exception from RFC 8252 §7.3: a registered
 * `http` redirect on a loopback host (`127.0.0.1`, `localhost`, `[::1]`)
 * written without a port matches the same URI on any port, since native
 * apps listen on whatever port is free. Everything but the port must still
 * be identical.
 *
 * @example
 * ```ts
 * redirectUriMatches(["http://127.0.0.1/cb"], "http://127.0.0.1:49152/cb"); // true
 * redirectUriMatches(["https://app.example/cb"], "https://app.example/cb/"); // false
 * ```
 */
export function redirectUriMatches(
  registered: readonly string[],
  requested: string,
): boolean {
  if (registered.includes(requested)) return true;
  const asked = /^http:\/\/([^/?#@]+):(\d{1,5})([/?#].*)?$/s.exec(requested);
  if (asked === null) return false;
  const [, host, port, rest = ""] = asked;
  if (!LOOPBACK_HOSTS.has(host!) || Number(port) > 65535) return false;
  return registered.includes(`http://${host}${rest}`);
}

/** Bounds on how long a fetched document is kept. */
export interface CacheBounds {
  minSeconds: number;
  maxSeconds: number;
}

/** Default bounds: one minute to one day. */
export const CACHE_BOUNDS: CacheBounds = { minSeconds: 60, maxSeconds: 86_400 };

/**
 * How long to keep a document, from its `Cache-Control`: its `max-age`
 * (`s-maxage` is for shared caches, which this is not) clamped to `bounds`;
 * the floor when absent. `no-store`, `no-cache` and `max-age=0` get the
 * floor as well: the draft lets the server set its own bounds, and the
 * floor spares the client's host one fetch per sign-in step while leaving
 * a changed document in force within a minute.
 */
export function cacheSeconds(
  cacheControl: string | null,
  bounds: CacheBounds = CACHE_BOUNDS,
): number {
  const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d{1,10})"?/i.exec(
    cacheControl ?? "",
  )?.[1];
  const seconds = maxAge === undefined ? 0 : Number(maxAge);
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, seconds));
}
