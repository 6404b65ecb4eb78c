/**
 * A GET over https to an address chosen in advance: the TCP connection goes
 * to the address {@linkcode safeFetch} checked, and TLS still verifies the
 * certificate for the URL's host name (SNI and name check through
 * `Deno.startTls`). This closes the DNS-rebinding gap of checking one
 * resolution and letting `fetch` connect after another: Deno's `fetch` has
 * no way to be given the address (`Deno.createHttpClient` takes no
 * resolver, and its `proxy: { transport: "tcp" }` speaks plain HTTP).
 *
 * Deliberately small: one HTTP/1.1 request per connection
 * (`Connection: close`), a bodiless GET, the answer's head capped at
 * {@linkcode MAX_HEAD_BYTES}, the body as a stream (fixed length, chunked or
 * up to the close) that the caller caps. Certificates are those Deno trusts
 * (its root store, `DENO_CERT`), plus `caCerts`.
 *
 * @module
 */
import type { AddressedFetch } from "./safe_fetch.ts";

/** The largest status line and headers accepted. */
export const MAX_HEAD_BYTES = 16_384;

const CRLF = new Uint8Array([13, 10]);
const HEAD_END = new Uint8Array([13, 10, 13, 10]);

/**
 * A {@linkcode AddressedFetch} that connects to `init.address` itself.
 *
 * @example
 * ```ts
 * const got = await safeFetch(url, { fetch: pinnedFetch(), resolve: resolveWithDns, … });
 * ```
 */
export function pinnedFetch(
  tls: { caCerts?: string[] } = {},
): AddressedFetch {
  return async function pinnedFetch(url, init) {
    if (url.protocol !== "https:") throw new TypeError("https only");
    const signal = init.signal ?? undefined;
    const tcp = await Deno.connect({
      hostname: init.address,
      port: Number(url.port || 443),
      signal,
    });
    let conn: Deno.Conn = tcp;
    const close = () => {
      try {
        conn.close();
      } catch { /* already closed */ }
    };
    signal?.addEventListener("abort", close, { once: true });
    try {
      conn = await Deno.startTls(tcp, {
        hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
        caCerts: tls.caCerts,
        alpnProtocols: ["http/1.1"],
      });
      const headers = new Headers(init.headers);
      headers.set("host", url.host);
      headers.set("connection", "close");
      if (!headers.has("user-agent")) headers.set("user-agent", "Deno");
      let head = `GET ${url.pathname}${url.search} HTTP/1.1\r\n`;
      for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
      const writer = conn.writable.getWriter();
      await writer.write(new TextEncoder().encode(`${head}\r\n`));
      writer.releaseLock();
      const reader = new ByteReader(conn.readable.getReader());
      let status: number;
      let answer: Headers;
      do {
        ({ status, headers: answer } = parseHead(
          await reader.readUntil(HEAD_END, MAX_HEAD_BYTES),
        ));
      } while (status < 200); // 1xx interim answers precede the real one
      const body = status === 204 || status === 304
        ? null
        : bodyStream(reader, answer, close);
      if (body === null) close();
      return new Response(body, { status, headers: answer });
    } catch (error) {
      close();
      throw signal?.aborted ? signal.reason : error;
    }
  };
}

function parseHead(bytes: Uint8Array): { status: number; headers: Headers } {
  const lines = new TextDecoder("latin1").decode(bytes).split("\r\n");
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? "");
  if (statusLine === null) throw new TypeError("not an HTTP/1.1 answer");
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new TypeError("malformed header");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(statusLine[1]), headers };
}

/** The body as a stream: chunked, of a fixed length, or up to the close. */
function bodyStream(
  reader: ByteReader,
  headers: Headers,
  close: () => void,
): ReadableStream<Uint8Array> {
  const chunked = /(?:^|,)\s*chunked\s*$/i.test(
    headers.get("transfer-encoding") ?? "",
  );
  const length = headers.get("content-length");
  let left = chunked || length === null ? Infinity : Number(length);
  if (!chunked && length !== null && !/^\d{1,15}$/.test(length)) {
    throw new TypeError("bad content-length");
  }
  let chunkLeft = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (chunked && chunkLeft === 0) {
          const line = new TextDecoder().decode(
            await reader.readUntil(CRLF, 1024),
          );
          chunkLeft = parseInt(line.split(";")[0]!.trim(), 16);
          if (!Number.isSafeInteger(chunkLeft) || chunkLeft < 0) {
            throw new TypeError("bad chunk size");
          }
          if (chunkLeft === 0) {
            close();
            return controller.close();
          }
        }
        const want = chunked ? chunkLeft : left;
        if (want === 0) {
          close();
          return controller.close();
        }
        const bytes = await reader.read(want);
        if (bytes === null) {
          close();
          if (left === Infinity && !chunked) return controller.close();
          throw new TypeError("answer cut short");
        }
        if (chunked) {
          chunkLeft -= bytes.byteLength;
          if (chunkLeft === 0) await reader.readUntil(CRLF, 2);
        } else if (left !== Infinity) {
          left -= bytes.byteLength;
        }
        controller.enqueue(bytes);
      } catch (error) {
        close();
        controller.error(error);
      }
    },
    cancel() {
      close();
    },
  });
}

/** Reads a byte stream by delimiter or by count, keeping what is left over. */
class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buffer = new Uint8Array(0);

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  async #fill(): Promise<boolean> {
    const { done, value } = await this.#reader.read();
    if (done) return false;
    const joined = new Uint8Array(this.#buffer.byteLength + value.byteLength);
    joined.set(this.#buffer);
    joined.set(value, this.#buffer.byteLength);
    this.#buffer = joined;
    return true;
  }

  /** The bytes before `delimiter` (which is consumed); throws past `max`. */
  async readUntil(delimiter: Uint8Array, max: number): Promise<Uint8Array> {
    for (;;) {
      const at = indexOf(this.#buffer, delimiter);
      if (at >= 0) {
        const found = this.#buffer.slice(0, at);
        this.#buffer = this.#buffer.slice(at + delimiter.byteLength);
        return found;
      }
      if (this.#buffer.byteLength > max) throw new TypeError("line too long");
      if (!await this.#fill()) throw new TypeError("answer cut short");
    }
  }

  /** Up to `most` bytes, or `null` at the end of the stream. */
  async read(most: number): Promise<Uint8Array | null> {
    if (this.#buffer.byteLength === 0 && !await this.#fill()) return null;
    const n = Math.min(most, this.#buffer.byteLength);
    const part = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return part;
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.byteLength - needle.byteLength; i++) {
    for (let j = 0; j < needle.byteLength; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}
