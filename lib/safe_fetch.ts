/**
 * Fetching a URL someone else chose (a Client ID Metadata Document) without
 * becoming their proxy into our network (server-side request forgery, as the
 * metadata document draft's security considerations warn): https
 * only, every address the host resolves to must be public, no redirect is
 * followed, the whole exchange has a deadline and the body a size cap that
 * is enforced while it streams in.
 *
 * DNS rebinding: the host is resolved here, and a hostile name server could
 * answer differently when `fetch` resolves it again to connect. So the
 * fetch is handed the checked address ({@linkcode AddressedFetch}), and the
 * service's fetch, `pinnedFetch` (lib/pinned_fetch.ts), connects to exactly
 * that address while TLS verifies the certificate for the host name. A
 * plain `fetch` also fits the type but ignores the address, leaving the
 * rebinding gap open: tests use one to land in an in-process app.
 *
 * @module
 */
import { canonicalIp, inRanges, type IpRange, parseRange } from "./ip.ts";

/** Resolves a host name to its addresses (A and AAAA); `[]` when none. */
export type Resolver = (
  hostname: string,
  signal: AbortSignal,
) => Promise<string[]>;

/** Why an address may not be fetched from, or `null` when it is public. */
export type AddressRisk =
  | "loopback"
  | "private"
  | "link_local"
  | "shared"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "invalid";

const METADATA = new Set(["169.254.169.254", "fd00:ec2::254"]);

function ranges(risk: AddressRisk, list: string[]): [AddressRisk, IpRange][] {
  return list.map((text) => {
    const range = parseRange(text);
    if (range === null) throw new Error(`bad built-in range ${text}`);
    return [risk, range];
  });
}

// IANA special-purpose registries (RFC 6890 and updates). IPv4-mapped IPv6
// addresses are read as their IPv4 address by canonicalIp, so the IPv4 rows
// cover them; NAT64, 6to4 and Teredo embed an IPv4 address we cannot vouch
// for, so they are refused whole. Parsed on the first address classified,
// not at every process start.
let special: readonly [AddressRisk, IpRange][] | undefined;
const specialRanges = (): readonly [AddressRisk, IpRange][] =>
  special ??= [
    ...ranges("unspecified", ["0.0.0.0/8", "::/128"]),
    ...ranges("loopback", ["127.0.0.0/8", "::1/128"]),
    ...ranges("private", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]),
    ...ranges("private", ["fc00::/7"]),
    ...ranges("shared", ["100.64.0.0/10"]),
    ...ranges("link_local", ["169.254.0.0/16", "fe80::/10"]),
    ...ranges("multicast", ["224.0.0.0/4", "ff00::/8"]),
    ...ranges("reserved", [
      "192.0.0.0/24",
      "192.0.2.0/24",
      "198.18.0.0/15",
      "198.51.100.0/24",
      "203.0.113.0/24",
      "240.0.0.0/4", // includes 255.255.255.255, the broadcast address
      "::/96", // IPv4-compatible, deprecated
      "64:ff9b::/96",
      "64:ff9b:1::/48",
      "100::/64",
      "2001::/23",
      "2001:db8::/32",
      "2002::/16",
      "3fff::/20",
    ]),
  ];

/**
 * Classifies one address (any form {@linkcode canonicalIp} reads, IPv4-mapped
 * IPv6 included): `null` when it is a public unicast address.
 *
 * @example
 * ```ts
 * addressRisk("::ffff:10.0.0.1"); // "private"
 * addressRisk("93.184.215.14"); // null
 * ```
 */
export function addressRisk(address: string): AddressRisk | null {
  const canonical = canonicalIp(address);
  if (canonical === null) return "invalid";
  if (METADATA.has(canonical)) return "metadata";
  for (const [risk, range] of specialRanges()) {
    if (inRanges(canonical, [range])) return risk;
  }
  return null;
}

/** A {@linkcode Resolver} over `Deno.resolveDns`, asking A and AAAA at once. */
export const resolveWithDns: Resolver = async (hostname, signal) => {
  const ask = (type: "A" | "AAAA") =>
    Deno.resolveDns(hostname, type, { signal }).catch(() => [] as string[]);
  const [v4, v6] = await Promise.all([ask("A"), ask("AAAA")]);
  return [...v4, ...v6];
};

/**
 * A GET of `url` to be sent to `init.address`, an address already checked.
 * `fetch` itself fits, minus the pinning.
 */
export type AddressedFetch = (
  url: URL,
  init: RequestInit & { address: string },
) => Promise<Response>;

/** How {@linkcode safeFetch} fetches. */
export interface SafeFetchOptions {
  fetch: AddressedFetch;
  resolve: Resolver;
  /** The deadline for resolving, connecting and reading the whole body. */
  timeoutMs: number;
  /** The most body bytes read; one more and the answer is refused. */
  maxBytes: number;
  /**
   * Development only: loopback addresses (and `localhost`) may be fetched,
   * so a document served on this machine can be tried.
   */
  allowLoopback: boolean;
  /** Sent as `Accept`. */
  accept?: string;
}

/** Why {@linkcode safeFetch} fetched nothing usable. */
export type SafeFetchRefusal =
  | { kind: "bad_url" }
  | { kind: "unresolvable" }
  | { kind: "address"; address: string; risk: AddressRisk }
  | { kind: "redirect"; status: number }
  | { kind: "too_large" }
  | { kind: "timeout" }
  | { kind: "network"; message: string };

/** The answer, its body read in full (at most `maxBytes`), or a refusal. */
export type SafeFetchResult =
  | { kind: "ok"; response: Response }
  | SafeFetchRefusal;

const LOCALHOST = /^(?:.+\.)?localhost$/;

/** The addresses `url`'s host stands for, or a refusal. */
async function addressesOf(
  url: URL,
  options: SafeFetchOptions,
  signal: AbortSignal,
): Promise<string[] | SafeFetchRefusal> {
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (canonicalIp(host) !== null) return [host];
  // RFC 6761 §6.3: localhost names are loopback, whatever DNS says.
  if (LOCALHOST.test(host)) return ["127.0.0.1", "::1"];
  const found = await options.resolve(host, signal);
  signal.throwIfAborted(); // a resolver may answer [] when cut short
  return found.length === 0 ? { kind: "unresolvable" } : found;
}

/**
 * GETs `url` under the rules of this module. The returned `Response` holds
 * the body already read (so it can be consumed once more, e.g. with
 * `json()`); its status may be anything but a redirect.
 *
 * @example
 * ```ts
 * const got = await safeFetch(new URL("https://app.example/client.json"), {
 *   fetch: pinnedFetch(), resolve: resolveWithDns, timeoutMs: 5000, maxBytes: 5120,
 *   allowLoopback: false,
 * });
 * if (got.kind === "ok") await got.response.json();
 * ```
 */
export async function safeFetch(
  url: URL,
  options: SafeFetchOptions,
): Promise<SafeFetchResult> {
  if (url.protocol !== "https:" || url.username || url.password) {
    return { kind: "bad_url" };
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const addresses = await addressesOf(url, options, signal);
    if (!Array.isArray(addresses)) return addresses;
    for (const address of addresses) {
      const risk = addressRisk(address);
      if (risk === null) continue;
      if (risk === "loopback" && options.allowLoopback) continue;
      return { kind: "address", address, risk };
    }
    const response = await fetchFirst(url, addresses, options, signal);
    if (
      (response.status >= 300 && response.status < 400) ||
      response.type === "opaqueredirect"
    ) {
      await response.body?.cancel();
      return { kind: "redirect", status: response.status };
    }
    const body = await readCapped(response, options.maxBytes);
    if (body === null) return { kind: "too_large" };
    return {
      kind: "ok",
      response: new Response(body, {
        status: response.status,
        headers: response.headers,
      }),
    };
  } catch (error) {
    if (signal.aborted) return { kind: "timeout" };
    return { kind: "network", message: String(error) };
  }
}

/**
 * The answer from the first of `addresses` that can be reached, in the
 * resolver's order (IPv4 first with {@linkcode resolveWithDns}).
 */
async function fetchFirst(
  url: URL,
  addresses: string[],
  options: SafeFetchOptions,
  signal: AbortSignal,
): Promise<Response> {
  let failure: unknown;
  for (const address of addresses) {
    try {
      return await options.fetch(url, {
        address,
        redirect: "manual",
        signal,
        headers: { accept: options.accept ?? "application/json" },
      });
    } catch (error) {
      if (signal.aborted) throw error;
      failure = error;
    }
  }
  throw failure;
}

/**
 * The body, or `null` as soon as it is known to exceed `maxBytes`: a
 * declared `Content-Length` is believed when too large, and the stream is
 * cancelled the moment it passes the cap, so a server that never stops
 * sending costs us `maxBytes`, not memory.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    return null;
  }
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
