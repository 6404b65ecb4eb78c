/**
 * Guards for an open-internet service: the client's address, an optional IP
 * allowlist, and rate limits kept in KV windows.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import { ipRestriction } from "hono/ip-restriction";

import type { Log } from "../lib/log.ts";
import { deleteAll, keysUnder } from "../lib/kv.ts";
import { isLoopbackIp, parseIp } from "../lib/ip.ts";

export { isCidr, parseAllowlist } from "../lib/ip.ts";

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
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests and some adapters carry no connection info.
  }
  return address === undefined ? "unknown" : parseIp(address) ?? address;
}

/** Refuses requests from outside `ranges` with a 403 JSON body. */
export function allowlist(
  ranges: readonly string[],
  address: AddressOf,
  render: (c: Context) => Response,
): MiddlewareHandler {
  return ipRestriction(
    address,
    { allowList: [...ranges] },
    (_, c) => render(c),
  );
}

/** A rate-limit decision. */
export type RateDecision = { ok: true } | { ok: false; retryAfter: number };

/**
 * Fixed-window rate limits in KV: `["rate", bucket, id, window]` counts the
 * requests of one window. A check is one read and, when allowed, one atomic
 * check-and-set (retried if another instance counted at the same moment), so
 * no request is ever left uncounted.
 */
export class RateLimiter {
  readonly #kv: Deno.Kv;
  readonly #now: () => number;

  constructor(kv: Deno.Kv, now: () => number) {
    this.#kv = kv;
    this.#now = now;
  }

  /** Deletes every window of `id` in `bucket` (a user erasing their data). */
  async forget(bucket: string, id: string): Promise<void> {
    await deleteAll(this.#kv, await keysUnder(this.#kv, ["rate", bucket, id]));
  }

  /** Counts one request of `id` in `bucket`; refuses past `limit` per `windowSeconds`. */
  async hit(
    bucket: string,
    id: string,
    limit: number,
    windowSeconds: number,
  ): Promise<RateDecision> {
    const windowMs = windowSeconds * 1000;
    const now = this.#now();
    const window = Math.floor(now / windowMs);
    const key = ["rate", bucket, id, window];
    for (;;) {
      const seen = await this.#kv.get<number>(key);
      const count = seen.value ?? 0;
      if (count >= limit) {
        const left = ((window + 1) * windowMs - now) / 1000;
        return { ok: false, retryAfter: Math.max(1, Math.ceil(left)) };
      }
      // expireIn is cleanup only; the window index in the key decides.
      const done = await this.#kv.atomic().check(seen)
        .set(key, count + 1, { expireIn: windowMs * 2 }).commit();
      if (done.ok) return { ok: true };
    }
  }
}

/** Options for {@linkcode rateLimit}. */
export interface RateLimitOptions {
  bucket: string;
  limit: number;
  windowSeconds: number;
  /** Whom to count: an address, a client, a user. */
  id: (c: Context) => string;
  /** The 429 body; `Retry-After` is set already. */
  render: (c: Context, retryAfter: number) => Response;
}

/**
 * Counts one request against a limit: `null` when it may go on, else the
 * refusal (with `Retry-After` set). The middleware below and the token
 * endpoint (which counts only once the client is known) both use it.
 */
export async function refuseOverLimit(
  limiter: RateLimiter,
  c: Context,
  options: Omit<RateLimitOptions, "id"> & { id: string },
): Promise<Response | null> {
  const decision = await limiter.hit(
    options.bucket,
    options.id,
    options.limit,
    options.windowSeconds,
  );
  if (decision.ok) return null;
  c.header("Retry-After", String(decision.retryAfter));
  return options.render(c, decision.retryAfter);
}

/** Middleware that applies one rate limit. */
export function rateLimit(
  limiter: RateLimiter,
  options: RateLimitOptions,
): MiddlewareHandler {
  return async function limited(c, next) {
    const refused = await refuseOverLimit(limiter, c, {
      ...options,
      id: options.id(c),
    });
    return refused ?? await next();
  };
}
