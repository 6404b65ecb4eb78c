/**
 * The structured log: one JSON line per event, never a token, code, cookie,
 * secret or upstream credential.
 *
 * @module
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Writes one structured log line. Fields must never hold a token, code,
 * cookie, secret or upstream credential.
 */
export type Log = (
  level: LogLevel,
  msg: string,
  fields?: Record<string, unknown>,
) => void;

/** A log that writes JSON lines to standard output / error. */
export function jsonLog(
  write: (line: string, level: LogLevel) => void,
  now: () => number,
): Log {
  return function log(level, msg, fields) {
    write(
      JSON.stringify({
        time: new Date(now()).toISOString(),
        level,
        msg,
        ...fields,
      }),
      level,
    );
  };
}
