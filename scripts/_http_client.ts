/**
 * A minimal HTTP/1.1 keep-alive client for the load test: one connection per
 * worker, requests written as prepared bytes, answers read by
 * `Content-Length` or chunked framing. `fetch` spends several times the
 * server's cost per request on its own bookkeeping; on a shared 2-core
 * machine that would cap the fastest peer and flatter every ratio.
 *
 * It speaks only what the load test sends: no redirects, no compression, no
 * pipelining; a `Connection: close` answer or a reset reconnects.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One request, prepared once and sent many times. */
export interface Prepared {
  bytes: Uint8Array;
}

/** Builds the bytes of a request to `origin` (`http://host:port`). */
export function prepare(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Prepared {
  const host = new URL(origin).host;
  const payload = body === undefined ? undefined : encoder.encode(body);
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    head += `${name}: ${value}\r\n`;
  }
  if (payload) head += `content-length: ${payload.length}\r\n`;
  head += "\r\n";
  const headBytes = encoder.encode(head);
  if (!payload) return { bytes: headBytes };
  const bytes = new Uint8Array(headBytes.length + payload.length);
  bytes.set(headBytes);
  bytes.set(payload, headBytes.length);
  return { bytes };
}

/** An answer: its status, and its body when asked for. */
export interface Answer {
  status: number;
  body?: string;
  headers?: string;
}

/** Where `\r\n\r\n` (or `\r\n` when `blank` is false) starts, or -1. */
function lineEnd(bytes: Uint8Array, from: number, end: number, blank: boolean) {
  for (
    let i = bytes.indexOf(13, from);
    i >= 0 && i < end;
    i = bytes.indexOf(13, i + 1)
  ) {
    if (bytes[i + 1] !== 10) continue;
    if (!blank) return i + 1 < end ? i : -1;
    if (i + 3 < end && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** One keep-alive connection. */
export class Connection {
  #conn: Deno.TcpConn | undefined;
  #buffer = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;

  constructor(readonly hostname: string, readonly port: number) {}

  static to(origin: string): Connection {
    const url = new URL(origin);
    return new Connection(url.hostname, Number(url.port));
  }

  async #connect(): Promise<Deno.TcpConn> {
    this.#conn ??= await Deno.connect({
      hostname: this.hostname,
      port: this.port,
    });
    return this.#conn;
  }

  close(): void {
    try {
      this.#conn?.close();
    } catch {
      // already closed
    }
    this.#conn = undefined;
    this.#start = this.#end = 0;
  }

  /** Reads more bytes into the buffer; false at end of stream. */
  async #fill(conn: Deno.TcpConn): Promise<boolean> {
    if (this.#start > 0 && this.#start === this.#end) {
      this.#start = this.#end = 0;
    }
    if (this.#end === this.#buffer.length) {
      const live = this.#end - this.#start;
      const bigger = new Uint8Array(
        live * 2 > this.#buffer.length
          ? this.#buffer.length * 2
          : this.#buffer.length,
      );
      bigger.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = bigger;
      this.#start = 0;
      this.#end = live;
    }
    const n = await conn.read(this.#buffer.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  /** Sends `request` and reads its whole answer. */
  async send(
    request: Prepared,
    keep: "status" | "body" = "status",
  ): Promise<Answer> {
    const conn = await this.#connect();
    try {
      let written = 0;
      while (written < request.bytes.length) {
        written += await conn.write(request.bytes.subarray(written));
      }
      return await this.#read(conn, keep);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  async #read(conn: Deno.TcpConn, keep: "status" | "body"): Promise<Answer> {
    let headEnd: number;
    while (
      (headEnd = lineEnd(this.#buffer, this.#start, this.#end, true)) < 0
    ) {
      if (!(await this.#fill(conn))) throw new Error("connection closed");
    }
    const b = this.#buffer;
    const at = this.#start;
    // "HTTP/1.1 200 ": the status from its digits, without decoding.
    const status = (b[at + 9]! - 48) * 100 + (b[at + 10]! - 48) * 10 +
      b[at + 11]! - 48;
    const head = decoder.decode(b.subarray(at, headEnd));
    // Deno.serve writes header names in lowercase; Node's http (a peer) not.
    const lower = head.toLowerCase();
    this.#start = headEnd + 4;
    const lengthAt = lower.indexOf("\r\ncontent-length: ");
    let body: Uint8Array[] = [];
    if (lengthAt >= 0) {
      const n = parseInt(head.slice(lengthAt + 18, lengthAt + 30), 10);
      while (this.#end - this.#start < n) {
        if (!(await this.#fill(conn))) throw new Error("connection closed");
      }
      if (keep === "body") {
        body.push(this.#buffer.slice(this.#start, this.#start + n));
      }
      this.#start += n;
    } else if (lower.includes("\r\ntransfer-encoding: chunked")) {
      body = await this.#chunks(conn, keep === "body");
    } else if (status !== 204 && status !== 304) {
      throw new Error("an answer without a length");
    }
    if (lower.includes("\r\nconnection: close")) this.close();
    if (keep === "status") return { status };
    const bytes = new Uint8Array(body.reduce((n, b) => n + b.length, 0));
    let offset = 0;
    for (const part of body) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return { status, body: decoder.decode(bytes), headers: head };
  }

  async #chunks(conn: Deno.TcpConn, keep: boolean): Promise<Uint8Array[]> {
    const parts: Uint8Array[] = [];
    for (;;) {
      let eol: number;
      while ((eol = lineEnd(this.#buffer, this.#start, this.#end, false)) < 0) {
        if (!(await this.#fill(conn))) throw new Error("connection closed");
      }
      const size = parseInt(
        decoder.decode(this.#buffer.subarray(this.#start, eol)),
        16,
      );
      this.#start = eol + 2;
      while (this.#end - this.#start < size + 2) {
        if (!(await this.#fill(conn))) throw new Error("connection closed");
      }
      if (keep && size > 0) {
        parts.push(this.#buffer.slice(this.#start, this.#start + size));
      }
      this.#start += size + 2;
      if (size === 0) return parts;
    }
  }
}
