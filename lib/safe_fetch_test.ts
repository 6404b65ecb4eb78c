import assert from "node:assert/strict";
import { Hono } from "hono";
import { fetchInto } from "../tests/_fake_fetch.ts";
import { serveTls } from "../tests/_tls.ts";
import {
  addressRisk,
  type Resolver,
  safeFetch,
  type SafeFetchOptions,
} from "./safe_fetch.ts";

Deno.test("addressRisk() refuses every non-public address, IPv4-mapped forms included", () => {
  const table: [string, string | null][] = [
    ["93.184.215.14", null],
    ["8.8.8.8", null],
    ["2606:4700:4700::1111", null],
    ["2001:4860:4860::8888", null],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:192.168.1.1", "private"],
    ["::ffff:c0a8:101", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["100.64.0.1", "shared"],
    ["100.127.255.254", "shared"],
    ["169.254.1.1", "link_local"],
    ["fe80::1", "link_local"],
    ["169.254.169.254", "metadata"],
    ["::ffff:169.254.169.254", "metadata"],
    ["fd00:ec2::254", "metadata"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["240.0.0.1", "reserved"],
    ["192.0.2.1", "reserved"],
    ["64:ff9b::a00:1", "reserved"],
    ["2002:a00:1::1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["not an address", "invalid"],
    ["0127.0.0.1", "invalid"],
  ];
  for (const [address, risk] of table) {
    assert.equal(addressRisk(address), risk, address);
  }
});

/** A resolver from a table, counting the names asked. */
function resolver(
  table: Record<string, string[]>,
): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (host: string) => {
    asked.push(host);
    return Promise.resolve(table[host] ?? []);
  };
  return Object.assign(resolve, { asked });
}

/** A document host on a public name, counting the requests it got. */
function documentHost() {
  const app = new Hono();
  const seen: string[] = [];
  app.use(async (c, next) => {
    seen.push(new URL(c.req.url).pathname);
    await next();
  });
  app.get("/doc.json", (c) => c.json({ hello: "world" }));
  app.get("/moved", (c) => c.redirect("https://docs.test/doc.json", 302));
  app.get("/endless", () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 10_000) throw new Error("the reader never stopped");
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    return new Response(stream, {
      headers: { "content-type": "application/json" },
    });
  });
  app.get("/declared", () =>
    new Response("{}", {
      headers: {
        "content-length": "999999",
        "content-type": "application/json",
      },
    }));
  app.get("/slow", () => new Promise<Response>(() => {}));
  return { fetch: fetchInto(app), seen };
}

function options(
  overrides: Partial<SafeFetchOptions> & Pick<SafeFetchOptions, "fetch">,
): SafeFetchOptions {
  return {
    resolve: resolver({ "docs.test": ["93.184.215.14"] }),
    timeoutMs: 5_000,
    maxBytes: 5_120,
    allowLoopback: false,
    ...overrides,
  };
}

Deno.test("safeFetch() reads a document from a public address", async () => {
  const host = documentHost();
  const got = await safeFetch(
    new URL("https://docs.test/doc.json"),
    options({ fetch: host.fetch }),
  );
  assert.equal(got.kind, "ok");
  assert.ok(got.kind === "ok");
  assert.deepEqual(await got.response.json(), { hello: "world" });
});

Deno.test("safeFetch() refuses a name that resolves to a loopback, private, link-local or metadata address, before connecting", async () => {
  const table: Record<string, string[]> = {
    "loop.test": ["127.0.0.1"],
    "private.test": ["93.184.215.14", "10.0.0.7"],
    "v6private.test": ["fd00::1"],
    "link.test": ["fe80::1"],
    "cgnat.test": ["100.64.1.1"],
    "metadata.test": ["169.254.169.254"],
    "mapped.test": ["::ffff:192.168.0.1"],
  };
  const host = documentHost();
  for (const name of Object.keys(table)) {
    const got = await safeFetch(
      new URL(`https://${name}/doc.json`),
      options({ fetch: host.fetch, resolve: resolver(table) }),
    );
    assert.equal(got.kind, "address", name);
  }
  assert.deepEqual(host.seen, [], "no request was sent");
});

Deno.test("safeFetch() refuses literal non-public addresses in the URL without resolving them", async () => {
  const host = documentHost();
  const resolve = resolver({});
  for (
    const url of [
      "https://127.0.0.1/doc.json",
      "https://[::1]/doc.json",
      "https://10.0.0.1/doc.json",
      "https://169.254.169.254/latest/meta-data",
      "https://[fd00:ec2::254]/doc.json",
      "https://[::ffff:10.0.0.1]/doc.json",
      "https://0x7f000001/doc.json",
      "https://2130706433/doc.json",
      "https://localhost/doc.json",
      "https://api.localhost/doc.json",
    ]
  ) {
    const got = await safeFetch(
      new URL(url),
      options({ fetch: host.fetch, resolve }),
    );
    assert.equal(got.kind, "address", url);
  }
  assert.deepEqual(resolve.asked, []);
  assert.deepEqual(host.seen, []);
});

Deno.test("safeFetch() refuses an unresolvable name, plain http and userinfo", async () => {
  const host = documentHost();
  const fetchOf = (url: string) =>
    safeFetch(new URL(url), options({ fetch: host.fetch }));
  assert.equal(
    (await fetchOf("https://nowhere.test/doc.json")).kind,
    "unresolvable",
  );
  assert.equal((await fetchOf("http://docs.test/doc.json")).kind, "bad_url");
  assert.equal(
    (await fetchOf("https://u:p@docs.test/doc.json")).kind,
    "bad_url",
  );
  assert.deepEqual(host.seen, []);
});

Deno.test("safeFetch() refuses a 302 instead of following it", async () => {
  const host = documentHost();
  const got = await safeFetch(
    new URL("https://docs.test/moved"),
    options({ fetch: host.fetch }),
  );
  assert.deepEqual(got, { kind: "redirect", status: 302 });
  assert.deepEqual(host.seen, ["/moved"]);
});

Deno.test("safeFetch() stops reading a body that streams past the cap", async () => {
  const host = documentHost();
  const got = await safeFetch(
    new URL("https://docs.test/endless"),
    options({ fetch: host.fetch }),
  );
  assert.equal(got.kind, "too_large");
  const declared = await safeFetch(
    new URL("https://docs.test/declared"),
    options({ fetch: host.fetch }),
  );
  assert.equal(declared.kind, "too_large");
});

Deno.test("safeFetch() gives up on a host that never answers", async () => {
  const host = documentHost();
  const got = await safeFetch(
    new URL("https://docs.test/slow"),
    options({ fetch: host.fetch, timeoutMs: 50 }),
  );
  assert.equal(got.kind, "timeout");
});

Deno.test("safeFetch() over real TLS: loopback is refused, and allowed in development", async () => {
  await using server = await serveTls(() => Response.json({ ok: true }));
  const url = new URL(`${server.origin}/doc.json`);
  const refused = await safeFetch(url, options({ fetch: server.fetch }));
  assert.equal(refused.kind, "address");
  const allowed = await safeFetch(
    url,
    options({ fetch: server.fetch, allowLoopback: true }),
  );
  assert.equal(allowed.kind, "ok", JSON.stringify(allowed));
  assert.ok(allowed.kind === "ok");
  assert.deepEqual(await allowed.response.json(), { ok: true });
  const literal = await safeFetch(
    new URL(`https://127.0.0.1:${server.port}/doc.json`),
    options({ fetch: server.fetch, allowLoopback: true }),
  );
  assert.equal(literal.kind, "ok");
});

Deno.test("safeFetch() counts a resolution cut short by the deadline as a timeout", async () => {
  const host = documentHost();
  const slowResolver: Resolver = (_name, signal) =>
    new Promise((resolve) =>
      signal.addEventListener("abort", () => resolve([]), { once: true })
    );
  const got = await safeFetch(
    new URL("https://docs.test/doc.json"),
    options({ fetch: host.fetch, resolve: slowResolver, timeoutMs: 50 }),
  );
  assert.equal(got.kind, "timeout");
  assert.deepEqual(host.seen, []);
});
