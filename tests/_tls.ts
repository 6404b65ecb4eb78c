/**
 * An https server on loopback with a certificate made for this run, and a
 * `fetch` that trusts it (and nothing else more than Deno does).
 */
import selfsigned from "./_deps/selfsigned.ts";

export interface TlsServer extends AsyncDisposable {
  /** `https://localhost:<port>` */
  origin: string;
  port: number;
  /** The certificate (PEM), valid for localhost, docs.test and 127.0.0.1. */
  cert: string;
  /** A `fetch` that trusts this server's certificate. */
  fetch: typeof fetch;
}

export async function serveTls(
  handler: (request: Request) => Response | Promise<Response>,
): Promise<TlsServer> {
  const pems = await selfsigned.generate(
    [{ name: "commonName", value: "localhost" }],
    {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 2, value: "docs.test" },
          { type: 7, ip: "127.0.0.1" },
        ],
      }],
    },
  );
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: pems.cert,
    key: pems.private,
    onListen() {},
  }, handler);
  const client = Deno.createHttpClient({ caCerts: [pems.cert] });
  const port = server.addr.port;
  return {
    origin: `https://localhost:${port}`,
    port,
    cert: pems.cert,
    fetch: (input, init) => fetch(input, { ...init, client }),
    async [Symbol.asyncDispose]() {
      client.close();
      await server.shutdown();
    },
  };
}
