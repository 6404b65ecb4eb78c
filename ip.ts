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
