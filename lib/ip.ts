/**
 * IP addresses and ranges: one parser for both, so a range the configuration
 * accepts is exactly a range the allowlist matches. Ranges come as CIDR
 * lists, or in the JSON format OpenAI publishes for ChatGPT's egress
 * addresses.
 *
 * @module
 */

/**
 * An address range of one family: the addresses whose first `prefix` bits
 * equal `network`'s. An IPv4-mapped IPv6 range (`::ffff:192.0.2.0/120`) is
 * its IPv4 range, as a mapped address is its IPv4 address.
 */
export interface IpRange {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly mask: bigint;
  readonly prefix: number;
}

const PREFIX_LENGTH = /^(?:0|[1-9]\d{0,2})$/;

/**
 * Parses one address (`192.0.2.7`, `2001:db8::1`) or CIDR range
 * (`10.0.0.0/8`, `2001:db8::/32`) by the rules of {@linkcode parseIp}: no
 * leading zeros in IPv4, no port, brackets or zone. Host bits past the
 * prefix are ignored. `null` for anything else.
 *
 * @example
 * ```ts
 * parseRange("10.0.0.0/8"); // { family: 4, prefix: 8, … }
 * parseRange("01.2.3.4"); // null
 * ```
 */
export function parseRange(text: string): IpRange | null {
  const slash = text.lastIndexOf("/");
  const address = canonicalIp(slash < 0 ? text : text.slice(0, slash));
  if (address === null) return null;
  const { family, bits } = ipBits(address);
  const width = family === 4 ? 32 : 128;
  let prefix = width;
  if (slash >= 0) {
    const length = text.slice(slash + 1);
    if (!PREFIX_LENGTH.test(length)) return null;
    prefix = Number(length);
    // A mapped IPv6 range became IPv4: its prefix counts the 96 bits before.
    if (family === 4 && text.slice(0, slash).includes(":")) {
      if (prefix < 96) return null;
      prefix -= 96;
    }
    if (prefix > width) return null;
  }
  const mask = prefix === 0
    ? 0n
    : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { family, network: bits & mask, mask, prefix };
}

/** Whether `address` (any form {@linkcode parseIp} reads) lies in one of `ranges`. */
export function inRanges(
  address: string,
  ranges: readonly IpRange[],
): boolean {
  const canonical = parseIp(address);
  if (canonical === null) return false;
  const { family, bits } = ipBits(canonical);
  return ranges.some((r) =>
    r.family === family && (bits & r.mask) === r.network
  );
}

/**
 * Parses an allowlist: comma- or space-separated addresses and CIDR ranges
 * (see {@linkcode parseRange}), or the JSON format OpenAI publishes for its
 * egress ranges, `{"prefixes":[{"ipv4Prefix":"…"},{"ipv6Prefix":"…"}]}`.
 * Returns the ranges or the first bad entry.
 */
export function parseAllowlist(
  text: string,
): { ok: true; ranges: IpRange[] } | { ok: false; bad: string } {
  const trimmed = text.trim();
  let entries: string[];
  if (trimmed.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      return { ok: false, bad: "(not valid JSON)" };
    }
    const prefixes = (doc as { prefixes?: unknown }).prefixes;
    if (!Array.isArray(prefixes)) return { ok: false, bad: '(no "prefixes")' };
    entries = prefixes.map((p) =>
      String(
        (p as Record<string, unknown>)?.ipv4Prefix ??
          (p as Record<string, unknown>)?.ipv6Prefix ?? "",
      )
    );
  } else {
    entries = trimmed.split(/[\s,]+/).filter(Boolean);
  }
  const ranges: IpRange[] = [];
  for (const entry of entries) {
    const range = parseRange(entry);
    if (range === null) return { ok: false, bad: entry || "(empty entry)" };
    ranges.push(range);
  }
  if (ranges.length === 0) return { ok: false, bad: "(no ranges)" };
  return { ok: true, ranges };
}

const IPV4 = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;
const IPV4_PORT = /^([\d.]+):\d{1,5}$/;
const BRACKETED_PORT = /^\[([^\]]+)\](?::\d{1,5})?$/;
const MAPPED = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/**
 * The canonical form of one IP address, or `null` when `value` is not one:
 * IPv4 dotted decimal (no leading zeros, which some parsers read as octal);
 * IPv6 compressed and lower-case (`2001:db8::1`), an IPv4-mapped IPv6
 * address as its IPv4 (`::ffff:192.0.2.1` is `192.0.2.1`). A port is dropped
 * (`192.0.2.1:4711`, `[2001:db8::1]:443`, as some proxies write them), and
 * so are IPv6 brackets. Zone ids (`fe80::1%eth0`) are refused.
 *
 * @example
 * ```ts
 * parseIp("2001:DB8:0:0::1"); // "2001:db8::1"
 * parseIp("x".repeat(3000)); // null
 * ```
 */
export function parseIp(value: string): string | null {
  const text = value.trim();
  if (text.length > 64) return null;
  return canonicalIp(
    BRACKETED_PORT.exec(text)?.[1] ?? IPV4_PORT.exec(text)?.[1] ?? text,
  );
}

/**
 * The canonical form of an address written bare (no port, brackets or
 * spaces), or `null`: the one parser behind {@linkcode parseIp} and
 * {@linkcode parseRange}.
 */
export function canonicalIp(text: string): string | null {
  if (text.length > 64) return null;
  if (IPV4.test(text)) {
    return text.split(".").every((o) => Number(o) <= 255) ? text : null;
  }
  if (!/^[0-9a-f:.]+$/i.test(text) || !text.includes(":")) return null;
  const host = URL.parse(`http://[${text}]/`)?.hostname;
  if (!host) return null;
  const v6 = host.slice(1, -1);
  const mapped = MAPPED.exec(v6);
  if (!mapped) return v6;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** The bits of a canonical address (see {@linkcode canonicalIp}). */
function ipBits(address: string): { family: 4 | 6; bits: bigint } {
  if (!address.includes(":")) {
    let bits = 0n;
    for (const octet of address.split(".")) bits = (bits << 8n) | BigInt(octet);
    return { family: 4, bits };
  }
  // The URL serializer writes eight hex groups, or fewer around one "::".
  const [head, tail] = address.split("::") as [string, string?];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [
    ...left,
    ...Array(8 - left.length - right.length).fill("0"),
    ...right,
  ];
  let bits = 0n;
  for (const group of groups) bits = (bits << 16n) | BigInt(`0x${group}`);
  return { family: 6, bits };
}

/** Whether `address` (canonical, see {@linkcode parseIp}) is a loopback address. */
export function isLoopbackIp(address: string): boolean {
  return address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/**
 * What one client is, for per-address limits: an IPv4 address itself, and
 * an IPv6 address's /64. One machine, one home or one cloud instance holds
 * a whole /64, so counting each of its addresses apart would multiply every
 * limit by 2^64. Anything that is not an address is returned as it is.
 *
 * @example
 * ```ts
 * networkOf("2600:1f18:aaaa:bbbb::7"); // "2600:1f18:aaaa:bbbb::/64"
 * networkOf("203.0.113.9"); // "203.0.113.9"
 * ```
 */
export function networkOf(address: string): string {
  const ip = canonicalIp(address);
  if (ip === null) return address;
  if (!ip.includes(":")) return ip;
  let high = ipBits(ip).bits >> 64n;
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) {
    groups.unshift((high & 0xffffn).toString(16));
    high >>= 16n;
  }
  return `${groups.join(":")}::/64`;
}
