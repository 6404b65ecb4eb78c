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

/**
 * A log that writes JSON lines: `time`, `level`, `msg`, then the fields.
 * The line is built from strings, not from a merged object, since one is
 * written for every request.
 */
export function jsonLog(
  write: (line: string, level: LogLevel) => void,
  now: () => number,
): Log {
  // Lines logged within one millisecond share its timestamp's text.
  let lastMs = NaN;
  let lastTime = "";
  return function log(level, msg, fields) {
    const ms = now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastTime = new Date(ms).toISOString();
    }
    const head = `{"time":"${lastTime}","level":"${level}","msg":${
      JSON.stringify(msg)
    }`;
    const rest = fields === undefined ? "}" : JSON.stringify(fields);
    write(rest.length > 2 ? `${head},${rest.slice(1)}` : `${head}}`, level);
  };
}

/** Where a {@linkcode LineBuffer} writes: `Deno.stdout`, `Deno.stderr`, a file. */
export interface LineSink {
  write(bytes: Uint8Array): Promise<number>;
  writeSync(bytes: Uint8Array): number;
}

/**
 * Log lines gathered in memory and written in batches, off the request:
 * one asynchronous write per 20 ms of lines (`delayMs`), or as soon as
 * `maxChars` are waiting, instead of one blocking write per line. An
 * asynchronous write costs Deno tens of microseconds whatever its size, so
 * batches are made large rather than frequent; a slow reader (a full pipe)
 * delays the batches, never a request. Nothing
 * is dropped: {@linkcode LineBuffer.close} (at shutdown) waits for the
 * write under way and writes the rest, and {@linkcode LineBuffer.flushSync}
 * (on `unload`, when the process ends some other way) writes what is
 * waiting before the process goes.
 */
export class LineBuffer {
  #lines: string[] = [];
  #chars = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> | undefined;
  readonly #encoder = new TextEncoder();

  constructor(
    readonly sink: LineSink,
    readonly options: { maxChars?: number; delayMs?: number } = {},
  ) {}

  get #maxChars(): number {
    return this.options.maxChars ?? 64 * 1024;
  }

  /** Queues one line (without its newline). */
  push(line: string): void {
    this.#lines.push(line);
    this.#chars += line.length + 1;
    if (this.#chars >= this.#maxChars) {
      this.#flush();
    } else if (this.#timer === undefined && this.#writing === undefined) {
      this.#arm();
    }
  }

  #arm(): void {
    const timer = setTimeout(() => this.#flush(), this.options.delayMs ?? 20);
    // A pending batch never keeps the process alive: shutdown flushes it.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Lines queued and not yet handed to the sink. */
  get waiting(): number {
    return this.#lines.length;
  }

  #take(): Uint8Array | undefined {
    if (this.#lines.length === 0) return undefined;
    const text = this.#lines.join("\n") + "\n";
    this.#lines = [];
    this.#chars = 0;
    return this.#encoder.encode(text);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // One write at a time, in order.
    this.#writing ??= this.#write();
  }

  async #write(): Promise<void> {
    try {
      let bytes = this.#take();
      while (bytes) {
        let written = 0;
        while (written < bytes.length) {
          written += await this.sink.write(bytes.subarray(written));
        }
        // Lines queued meanwhile wait for their own batch, unless they are
        // a full one already: a write per batch, not per event-loop turn.
        bytes = this.#chars >= this.#maxChars ? this.#take() : undefined;
      }
    } finally {
      this.#writing = undefined;
      if (this.#lines.length > 0 && this.#timer === undefined) this.#arm();
    }
  }

  /** Writes everything queued, waiting for the write under way first. */
  async close(): Promise<void> {
    while (this.#writing !== undefined || this.#lines.length > 0) {
      if (this.#writing === undefined) this.#flush();
      await this.#writing;
    }
  }

  /**
   * Writes what is queued now, blocking: for `unload`, when no promise will
   * be awaited any more. A batch already being written finishes on its own.
   */
  flushSync(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const bytes = this.#take();
    if (!bytes) return;
    let written = 0;
    while (written < bytes.length) {
      written += this.sink.writeSync(bytes.subarray(written));
    }
  }
}

/** The process's log: {@linkcode jsonLog} over batched standard output and error. */
export interface StdioLog {
  /** `info` and `debug` lines go to standard output, `warn` and `error` to standard error. */
  log: Log;
  /** Writes everything waiting, after the writes under way (shutdown). */
  close(): Promise<void>;
  /** Writes what is waiting now, blocking (before `Deno.exit`). */
  flushSync(): void;
}

/**
 * The log `main.ts` serves with: JSON lines written in batches off the
 * request path, and written out on `unload` too, so a process ending by
 * `Deno.exit` keeps its last lines.
 */
export function stdioLog(now: () => number): StdioLog {
  const out = new LineBuffer(Deno.stdout);
  const errors = new LineBuffer(Deno.stderr);
  const flushSync = () => {
    out.flushSync();
    errors.flushSync();
  };
  globalThis.addEventListener("unload", flushSync);
  return {
    log: jsonLog(
      (line, level) =>
        (level === "error" || level === "warn" ? errors : out).push(line),
      now,
    ),
    close: async () => {
      await Promise.all([out.close(), errors.close()]);
    },
    flushSync,
  };
}

/**
 * Request ids: a random prefix drawn once per process, then a counter.
 * Unique across instances and restarts (48 random bits), cheap to make, and
 * not secret: an id only ties a request's log lines together and authorises
 * nothing, so it need not be unguessable.
 */
export function requestIds(): () => string {
  const prefix = crypto.getRandomValues(new Uint8Array(6)).toBase64({
    alphabet: "base64url",
  });
  let counter = 0;
  return function nextRequestId() {
    return `${prefix}.${(++counter).toString(36)}`;
  };
}

/** The id of the request being handled, for every line logged meanwhile. */
const currentRequestId = new AsyncLocalStorage<string>();

/** Runs `handle` with `id` as the request id that {@linkcode withRequestId} adds. */
export function runWithRequestId<T>(id: string, handle: () => T): T {
  return currentRequestId.run(id, handle);
}

/**
 * `log`, with the id of the request being handled (the `X-Request-Id` the
 * client saw) added to every line written while it is handled, so a refusal's
 * reason can be matched with its request line.
 */
export function withRequestId(log: Log): Log {
  return function logWithId(level, msg, fields) {
    const id = currentRequestId.getStore();
    // The request line names its id itself: no copy of its fields.
    log(
      level,
      msg,
      id === undefined || fields?.id === id ? fields : { id, ...fields },
    );
  };
}
