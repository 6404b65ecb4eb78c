/**
 * Guards for an open-internet service: the client's address, an optional IP
 * allowlist, a body limit, and rate limits kept in KV windows. A guard
 * refuses by throwing {@linkcode Refused}; the sub-app it guards draws the
 * refusal in its protocol's shape.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { counters } from "../lib/telemetry.ts";

import { bodyLimit } from "hono/body-limit";
import type { Log } from "../lib/log.ts";
import { inRanges, type IpRange, isLoopbackIp, parseIp } from "../lib/ip.ts";
import type { RateLimiter } from "../lib/rate_limit.ts";
import { MAX_BODY_BYTES, Refused } from "./_common.ts";

/** Finds the client's address for a request. */
export type AddressOf = (c: Context) => string;

/**
 * How to find the client's address: from the connection, or — only when the
 * operator says a proxy sets it — from one request header. For
 * `X-Forwarded-For` the last entry is used, the one our proxy appended; the
 * ones before it are whatever the client claimed. The header's value counts
 * only when it is an IP address (see {@linkcode parseIp}): it becomes a KV
 * key (rate-limit windows), so anything else falls back to the connection's
 * address, and `log` says so once per instance.
 *
 * Build one per app, so that "once" holds.
 */
export function clientAddress(
  trustedHeader: string | null,
  log?: Log,
): AddressOf {
  if (!trustedHeader) return connectionAddress;
  const header = trustedHeader.toLowerCase();
  let warned = false;
  return function fromHeader(c) {
    const found = headerAddress(c, header);
    if (found !== null) return found;
    if (!warned) {
      warned = true;
      log?.(
        "warn",
        "trusted proxy header holds no IP address; using the connection's address",
        {
          header,
          reason: c.req.header(header) === undefined
            ? "missing"
            : "not an IP address",
          hint:
            "check that the proxy sets TRUST_PROXY_HEADER on every request; logged once",
        },
      );
    }
    return connectionAddress(c);
  };
}

/**
 * The address a trusted proxy header gives (its last entry, canonical), or
 * `null` when the header is missing or that entry is not an IP address.
 */
export function headerAddress(c: Context, header: string): string | null {
  const value = c.req.header(header);
  if (value === undefined) return null;
  return parseIp(value.slice(value.lastIndexOf(",") + 1));
}

/**
 * Headers that say a request was relayed: by a proxy, or by a local tunnel
 * (ngrok, cloudflared), whose client connects from loopback on behalf of
 * every visitor on the internet.
 */
const FORWARDING_HEADERS = [
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-real-ip",
  "cf-connecting-ip",
  "true-client-ip",
] as const;

/** Names that reach this machine whatever DNS says. */
const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"] as const;

/**
 * Whether a request surely comes from this machine, asking for this machine,
 * directly. All three must hold:
 *
 * - the connection address is loopback (127.0.0.0/8, `::1`);
 * - the host the request names (`Host`) is `localhost`, `127.0.0.1` or
 *   `[::1]`, any port, or the host of `publicUrl` when that is loopback too
 *   (`127.0.0.2`, `words.localhost`). Otherwise a page on a foreign name
 *   that now resolves to 127.0.0.1 (DNS rebinding) reads the answer as its
 *   own origin;
 * - no forwarding header is present: a tunnel connects from loopback too.
 *
 * Behind a trusted proxy (`trustedHeader`) the answer is always no: the
 * connection is the proxy's, and a proxy on this machine may itself front a
 * tunnel, so even a loopback address in its header proves nothing.
 *
 * A raw TCP forward (`ssh -R`, `ngrok tcp`) adds no header and passes on
 * whatever `Host` its visitor wrote: nothing in the request tells it apart.
 */
export function fromThisMachine(options: {
  publicUrl: string;
  trustedHeader: string | null;
}): (c: Context) => boolean {
  if (options.trustedHeader) return () => false;
  const publicHost = new URL(options.publicUrl).hostname;
  const hosts = new Set<string>(LOCAL_HOSTS);
  if (isLoopbackName(publicHost)) hosts.add(publicHost);
  return function fromThisMachine(c) {
    return isLoopbackIp(connectionAddress(c)) &&
      hosts.has(new URL(c.req.url).hostname) &&
      FORWARDING_HEADERS.every((name) => c.req.header(name) === undefined);
  };
}

/**
 * Whether a URL's host name can only mean this machine: a loopback address,
 * `localhost`, or a name under `.localhost` (RFC 6761; no public DNS answer
 * can point one elsewhere).
 */
function isLoopbackName(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  const address = parseIp(hostname);
  return address !== null && isLoopbackIp(address);
}

/** The connection's remote address, canonical when it is an IP address. */
export function connectionAddress(c: Context): string {
  // Deno.serve passes its handler info as the app's env (what `hono/deno`'s
  // getConnInfo reads; that module is not imported: it loads Hono's static
  // file, SSG and WebSocket helpers too, a start-up cost for one field).
  // app.request() in tests carries no connection info.
  const info = c.env as Partial<Deno.ServeHandlerInfo> | undefined;
  const remote = info?.remoteAddr as Partial<Deno.NetAddr> | undefined;
  const address = remote?.hostname;
  return address === undefined ? "unknown" : parseIp(address) ?? address;
}

/**
 * Refuses requests from outside `ranges`: a 403 in the sub-app's shape. The
 * ranges come from the parser the configuration used (`parseRange` in
 * lib/ip.ts), so every range it accepted matches here.
 */
export function allowlist(
  ranges: readonly IpRange[],
  address: AddressOf,
): MiddlewareHandler {
  return async function allowlist(c, next) {
    if (!inRanges(address(c), ranges)) throw new Refused({ kind: "forbidden" });
    await next();
  };
}

/**
 * Refuses bodies over `maxSize` (default {@linkcode MAX_BODY_BYTES}): a 413
 * in the sub-app's shape.
 */
export function limitBody(maxSize = MAX_BODY_BYTES): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize,
    onError() {
      throw new Refused({ kind: "too_large" });
    },
  });
  return function limitBody(c, next) {
    // No route reads the body of a GET or HEAD, so there is none to limit
    // (and asking Deno for it would cost every read a stream's set-up).
    const { method } = c.req;
    return method === "GET" || method === "HEAD" ? next() : limit(c, next);
  };
}

/** Options for {@linkcode rateLimit}. */
export interface RateLimitOptions {
  bucket: string;
  /** Requests per window; 0 or less: no limit. */
  limit: number;
  windowSeconds: number;
  /** Whom to count: an address, a client, a user. */
  id: (c: Context) => string;
}

/**
 * Counts one request of `id` against a limit; over it, throws the 429
 * (with `Retry-After`) that the sub-app's error renderer draws. The
 * middleware below and the token endpoint (which counts only once the client
 * is known) both use it.
 */
export async function countRequest(
  limiter: RateLimiter,
  options: Omit<RateLimitOptions, "id"> & { id: string },
): Promise<void> {
  if (options.limit <= 0) return;
  const decision = await limiter.hit(
    options.bucket,
    options.id,
    options.limit,
    options.windowSeconds,
  );
  if (!decision.ok) {
    counters.rateLimitHits.add(1, { bucket: options.bucket });
    throw new Refused({ kind: "too_many", retryAfter: decision.retryAfter });
  }
}

/** Middleware that applies one rate limit. */
export function rateLimit(
  limiter: RateLimiter,
  options: RateLimitOptions,
): MiddlewareHandler {
  return async function limited(c, next) {
    await countRequest(limiter, { ...options, id: options.id(c) });
    await next();
  };
}
