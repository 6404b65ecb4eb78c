/**
 * The members as CSV (RFC 4180: comma-separated, CRLF line ends, a cell
 * quoted when it holds a quote, comma or line break, its quotes doubled).
 *
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some
 * with a tab or carriage return) as a formula: a nickname like
 * `=HYPERLINK(…)` would run on the operator's machine. Such a cell gets a
 * leading `'`, which spreadsheets show as text (the OWASP advice on CSV
 * injection).
 *
 * @module
 */
import type { MemberView } from "./admin.tsx";

/** The columns, in order. */
export const CSV_COLUMNS = [
  "user_id",
  "provider",
  "nickname",
  "first_seen",
  "last_active",
  "score",
  "plan",
  "email",
] as const;

/** One cell, made safe for spreadsheets, then quoted as RFC 4180 asks. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One member's line. Times are ISO 8601 in UTC. */
export function csvRow(m: MemberView): string {
  return [
    m.sub,
    m.provider,
    m.nickname,
    new Date(m.firstSeen).toISOString(),
    new Date(m.lastActive).toISOString(),
    String(m.score),
    m.plan,
    m.email,
  ].map(csvCell).join(",") + "\r\n";
}

/** The header line. */
export const CSV_HEADER = CSV_COLUMNS.join(",") + "\r\n";
