import assert from "node:assert/strict";
import { serveTls } from "../tests/_tls.ts";
import { pinnedFetch } from "./pinned_fetch.ts";
import { safeFetch, type SafeFetchOptions } from "./safe_fetch.ts";

/** A document server on loopback https, counting the requests it got. */
async function documentServer() {
  const seen: string[] = [];
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  const server = await serveTls((request) => {
    const url = new URL(request.url);
    seen.push(`${request.headers.get("host")} ${url.pathname}`);
    switch (url.pathname) {
      case "/doc.json":
        return Response.json({ hello: "world" });
      case "/streamed": {
        const parts = ['{"a":', '"b"', "}"];
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              const part = parts.shift();
              if (part === undefined) return controller.close();
              controller.enqueue(new TextEncoder().encode(part));
            },
          }),
        );
      }
      case "/endless": {
        let pulled = 0;
        return new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (++pulled > 100_000) return controller.close();
              controller.enqueue(new Uint8Array(1024).fill(32));
            },
          }),
        );
      }
      case "/moved":
        return Response.redirect("https://docs.test/doc.json", 302);
      case "/slow":
        return released.then(() => new Response("late"));
      case "/empty":
        return new Response(null, { status: 204 });
    }
    return new Response("no", { status: 404 });
  });
  const stop = server[Symbol.asyncDispose];
  return Object.assign(server, {
    seen,
    async [Symbol.asyncDispose]() {
      release();
      await stop();
    },
  });
}

function pinnedOptions(
  cert: string,
  address: string,
  overrides: Partial<SafeFetchOptions> = {},
): SafeFetchOptions {
  return {
    fetch: pinnedFetch({ caCerts: [cert] }),
    resolve: () => Promise.resolve([address]),
    timeoutMs: 5_000,
    maxBytes: 5_120,
    allowLoopback: true,
    ...overrides,
  };
}

Deno.test("pinnedFetch() connects to the given address and checks the certificate for the URL's name", async () => {
  await using server = await documentServer();
  const fetchPinned = pinnedFetch({ caCerts: [server.cert] });
  // docs.test is in no DNS: only the pinned address can have been used.
  const response = await fetchPinned(
    new URL(`https://docs.test:${server.port}/doc.json?x=1`),
    { address: "127.0.0.1", headers: { accept: "application/json" } },
  );
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { hello: "world" });
  assert.deepEqual(server.seen, [`docs.test:${server.port} /doc.json`]);
  await assert.rejects(
    fetchPinned(new URL(`https://elsewhere.test:${server.port}/doc.json`), {
      address: "127.0.0.1",
    }),
    "a certificate for another name is refused",
  );
  await assert.rejects(
    pinnedFetch()(new URL(`https://docs.test:${server.port}/doc.json`), {
      address: "127.0.0.1",
    }),
    "an untrusted certificate is refused",
  );
});

Deno.test("pinnedFetch() reads chunked and empty bodies", async () => {
  await using server = await documentServer();
  const fetchPinned = pinnedFetch({ caCerts: [server.cert] });
  const streamed = await fetchPinned(
    new URL(`https://docs.test:${server.port}/streamed`),
    { address: "127.0.0.1" },
  );
  assert.equal(streamed.headers.get("transfer-encoding"), "chunked");
  assert.deepEqual(await streamed.json(), { a: "b" });
  const empty = await fetchPinned(
    new URL(`https://docs.test:${server.port}/empty`),
    { address: "127.0.0.1" },
  );
  assert.equal(empty.status, 204);
  assert.equal(await empty.text(), "");
});

Deno.test("safeFetch() with pinnedFetch(): a name resolving to loopback is refused before any connection outside development", async () => {
  await using server = await documentServer();
  const got = await safeFetch(
    new URL(`https://docs.test:${server.port}/doc.json`),
    pinnedOptions(server.cert, "127.0.0.1", { allowLoopback: false }),
  );
  assert.deepEqual(got, {
    kind: "address",
    address: "127.0.0.1",
    risk: "loopback",
  });
  assert.deepEqual(server.seen, []);
});

Deno.test("safeFetch() with pinnedFetch() over the network: a document, a refused 302, a body cut at the cap", async () => {
  await using server = await documentServer();
  const url = (path: string) =>
    new URL(`https://docs.test:${server.port}${path}`);
  const ok = await safeFetch(
    url("/doc.json"),
    pinnedOptions(server.cert, "127.0.0.1"),
  );
  assert.equal(ok.kind, "ok");
  assert.ok(ok.kind === "ok");
  assert.deepEqual(await ok.response.json(), { hello: "world" });
  const moved = await safeFetch(
    url("/moved"),
    pinnedOptions(server.cert, "127.0.0.1"),
  );
  assert.deepEqual(moved, { kind: "redirect", status: 302 });
  const endless = await safeFetch(
    url("/endless"),
    pinnedOptions(server.cert, "127.0.0.1"),
  );
  assert.equal(endless.kind, "too_large");
});

Deno.test("safeFetch() with pinnedFetch(): the deadline closes a connection to a host that never answers", async () => {
  await using server = await documentServer();
  const got = await safeFetch(
    new URL(`https://docs.test:${server.port}/slow`),
    pinnedOptions(server.cert, "127.0.0.1", { timeoutMs: 300 }),
  );
  assert.equal(got.kind, "timeout");
});

Deno.test("pinnedFetch() trusts a certificate DENO_CERT names, as the development guide says", async () => {
  await using server = await serveTls(() => Response.json({ hello: "cert" }));
  const dir = await Deno.makeTempDir();
  try {
    const certFile = `${dir}/cert.pem`;
    await Deno.writeTextFile(certFile, server.cert);
    const script = `
      import { pinnedFetch } from ${
      JSON.stringify(import.meta.resolve("./pinned_fetch.ts"))
    };
      const res = await pinnedFetch()(new URL(${
      JSON.stringify(`${server.origin}/doc.json`)
    }), { address: "127.0.0.1" });
      console.log(res.status, await res.text());
    `;
    const run = (env: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        args: ["eval", "--no-lock", script],
        env: { NO_COLOR: "1", ...env },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const trusted = await run({ DENO_CERT: certFile });
    const text = new TextDecoder().decode(trusted.stdout).trim();
    assert.equal(
      text,
      '200 {"hello":"cert"}',
      new TextDecoder().decode(trusted.stderr),
    );
    const untrusted = await run({});
    assert.equal(untrusted.success, false, "without it, the certificate fails");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
