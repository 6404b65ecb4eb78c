/**
 * Resource indicators (RFC 8707): which protected resource a token is for.
 *
 * A client names the resource with `resource=` at the authorization and
 * token endpoints; the code, the refresh token and the access token then
 * carry it as their audience (`aud`), and each resource accepts only tokens
 * of its own audience. Tokens issued without a resource (as custom-GPT
 * actions ask) have no `aud` and are for the REST API (`/api/*`) only.
 *
 * Nothing here touches Hono, KV or the clock.
 *
 * @module
 */

/** The resource of the MCP server, as tokens for it carry it in `aud`. */
export function mcpResource(publicUrl: string): string {
  return `${publicUrl}/mcp`;
}

/**
 * The resources this authorization server issues tokens for, in canonical
 * form (the only place they are listed): the REST API, named by the
 * service's origin as its protected-resource metadata says, and the MCP
 * server. Only the MCP server's tokens carry an audience (see
 * {@linkcode audienceOf}): REST tokens have none, so existing GPT actions
 * keep working unchanged.
 */
export function resources(config: { publicUrl: string }): readonly string[] {
  return [new URL(config.publicUrl).origin, mcpResource(config.publicUrl)];
}

/**
 * The audience a token for `resource` carries: none for the service's
 * origin (the REST API), the resource itself otherwise.
 */
export function audienceOf(resource: string): string | undefined {
  return URL.parse(resource)?.pathname === "/" ? undefined : resource;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The canonical form of a resource indicator, or `null` when it cannot be
 * one (RFC 8707 §2): an absolute URL with no fragment, no query and no
 * credentials; https, or http on a loopback host only (development, where
 * `PUBLIC_URL` is `http://localhost:…`). Scheme and host are lower-cased,
 * a default port is dropped and one trailing slash is removed (the root
 * becomes the bare origin); the path is otherwise kept as written, so it
 * compares exactly.
 *
 * @example
 * ```ts
 * canonicalResource("HTTPS://Words.Example.com/mcp/"); // "https://words.example.com/mcp"
 * canonicalResource("https://words.example.com/mcp#x"); // null
 * ```
 */
export function canonicalResource(value: string): string | null {
  // An empty fragment or query leaves no trace in the parsed URL: look first.
  if (value.includes("#") || value.includes("?")) return null;
  const url = URL.parse(value);
  if (url === null || url.username !== "" || url.password !== "") return null;
  if (
    url.protocol !== "https:" &&
    !(url.protocol === "http:" && LOOPBACK.has(url.hostname))
  ) {
    return null;
  }
  const path = url.pathname === "/"
    ? ""
    : url.pathname.endsWith("/")
    ? url.pathname.slice(0, -1)
    : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}

/** The outcome of {@linkcode resolveResource}. */
export type ResourceTarget =
  | { kind: "none" }
  | { kind: "known"; resource: string }
  /** Refused with `invalid_target`; `description` is fit for the wire. */
  | { kind: "refused"; description: string };

/**
 * Resolves the `resource` values of a request against the `known` resources:
 * none sent, one known (in canonical form), or refused: malformed, unknown,
 * or more than one (RFC 8707 allows several; we issue tokens for one
 * resource at a time).
 */
export function resolveResource(
  values: readonly string[],
  known: readonly string[],
): ResourceTarget {
  if (values.length === 0) return { kind: "none" };
  if (values.length > 1) {
    return { kind: "refused", description: "Send one resource at most." };
  }
  const resource = canonicalResource(values[0]!);
  return resource !== null && known.includes(resource)
    ? { kind: "known", resource }
    : {
      kind: "refused",
      description: `resource must be one of: ${known.join(", ")}.`,
    };
}
