/**
 * The structured log: one JSON line per event, never a token, code, cookie,
 * secret or upstream credential.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

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

/** The id of the request being handled, for every line logged meanwhile. */
const requestIds = new AsyncLocalStorage<string>();

/** Runs `handle` with `id` as the request id that {@linkcode withRequestId} adds. */
export function runWithRequestId<T>(id: string, handle: () => T): T {
  return requestIds.run(id, handle);
}

/**
 * `log`, with the id of the request being handled (the `X-Request-Id` the
 * client saw) added to every line written while it is handled, so a refusal's
 * reason can be matched with its request line.
 */
export function withRequestId(log: Log): Log {
  return function logWithId(level, msg, fields) {
    const id = requestIds.getStore();
    log(level, msg, id === undefined ? fields : { id, ...fields });
  };
}
