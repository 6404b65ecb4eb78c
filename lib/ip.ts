/**
 * IP ranges: parsing CIDR lists, including the JSON format OpenAI publishes
 * for ChatGPT's egress addresses. Matching is Hono's `ipRestriction`.
 *
 * @module
 */

const IPV4_CIDR =
  /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const IPV6_CIDR = /^([0-9a-f:.]+)(?:\/(\d{1,3}))?$/i;

/** Whether `range` is an IPv4 or IPv6 address or CIDR range. */
export function isCidr(range: string): boolean {
  const v4 = IPV4_CIDR.exec(range);
  if (v4) {
    return v4.slice(1, 5).every((o) => Number(o) <= 255) &&
      (v4[5] === undefined || Number(v4[5]) <= 32);
  }
  const v6 = IPV6_CIDR.exec(range);
  if (!v6 || !v6[1]!.includes(":")) return false;
  if (v6[2] !== undefined && Number(v6[2]) > 128) return false;
  return URL.canParse(`http://[${v6[1]}]/`);
}

/**
 * Parses an allowlist: comma- or space-separated CIDR ranges, or the JSON
 * format OpenAI publishes for its egress ranges,
 * `{"prefixes":[{"ipv4Prefix":"…"},{"ipv6Prefix":"…"}]}`. Returns the ranges
 * or the first bad entry.
 */
export function parseAllowlist(
  text: string,
): { ok: true; ranges: string[] } | { ok: false; bad: string } {
  const trimmed = text.trim();
  let ranges: string[];
  if (trimmed.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      return { ok: false, bad: "(not valid JSON)" };
    }
    const prefixes = (doc as { prefixes?: unknown }).prefixes;
    if (!Array.isArray(prefixes)) return { ok: false, bad: '(no "prefixes")' };
    ranges = prefixes.map((p) =>
      String(
        (p as Record<string, unknown>)?.ipv4Prefix ??
          (p as Record<string, unknown>)?.ipv6Prefix ?? "",
      )
    );
  } else {
    ranges = trimmed.split(/[\s,]+/).filter(Boolean);
  }
  const bad = ranges.find((r) => !isCidr(r));
  if (bad !== undefined) return { ok: false, bad: bad || "(empty entry)" };
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
  let text = value.trim();
  if (text.length > 64) return null;
  text = BRACKETED_PORT.exec(text)?.[1] ?? IPV4_PORT.exec(text)?.[1] ?? text;
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

/** Whether `address` (canonical, see {@linkcode parseIp}) is a loopback address. */
export function isLoopbackIp(address: string): boolean {
  return address === "::1" || /^127\.\d+\.\d+\.\d+$/.test(address);
}
