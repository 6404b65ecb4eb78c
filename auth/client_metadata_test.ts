import assert from "node:assert/strict";
import { Hono } from "hono";
import { fetchInto } from "../tests/_fake_fetch.ts";
import { serveTls } from "../tests/_tls.ts";
import { pinnedFetch } from "../lib/pinned_fetch.ts";
import {
  cacheSeconds,
  isAllowedRedirectUri,
  parseClientIdUrl,
  redirectUriMatches,
  validateClientMetadata,
} from "./client_metadata.ts";
import { ClientMetadataStore } from "./client_metadata_fetch.ts";

Deno.test("parseClientIdUrl() takes only https URLs with a path, no fragment, userinfo or dot segments, written canonically", () => {
  const table: [string, string][] = [
    ["https://app.example/oauth/client.json", "url"],
    ["https://app.example:8443/client", "url"],
    ["https://app.example/client?v=2", "url"],
    ["https://app.example", "no_path"],
    ["https://app.example/", "no_path"],
    ["https://app.example?x=1", "no_path"],
    ["http://app.example/client.json", "not_https"],
    ["https://app.example/client.json#x", "fragment"],
    ["https://app.example/client.json#", "fragment"],
    ["https://user:pw@app.example/client.json", "userinfo"],
    ["https://@app.example/client.json", "userinfo"],
    ["https://app.example/a/../client.json", "dot_segment"],
    ["https://app.example/./client.json", "dot_segment"],
    ["https://app.example/a/%2E%2e/client.json", "dot_segment"],
    ["https://App.Example/client.json", "not_canonical"],
    ["https://app.example:443/client.json", "not_canonical"],
    ["https://app.example/client json", "not_canonical"],
    ["client-123", "not_a_url"],
    [`https://app.example/${"a".repeat(600)}`, "too_long"],
  ];
  for (const [input, expected] of table) {
    const parsed = parseClientIdUrl(input);
    assert.equal(
      parsed.kind === "url" ? "url" : parsed.problem,
      expected,
      input,
    );
  }
});

const ID = "https://app.example/oauth/client.json";
const GOOD = {
  client_id: ID,
  client_name: "Example App",
  redirect_uris: ["https://app.example/callback", "http://127.0.0.1/callback"],
};

async function problemOf(body: unknown, init?: ResponseInit) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const checked = await validateClientMetadata(ID, new Response(text, init));
  return checked.kind === "valid" ? "valid" : checked.problem;
}

Deno.test("validateClientMetadata() accepts a document naming itself, with a name and redirect URIs", async () => {
  const checked = await validateClientMetadata(
    ID,
    Response.json({ ...GOOD, token_endpoint_auth_method: "none" }),
  );
  assert.deepEqual(checked, {
    kind: "valid",
    metadata: {
      clientId: ID,
      clientName: "Example App",
      redirectUris: GOOD.redirect_uris,
      tokenEndpointAuthMethod: "none",
    },
  });
});

Deno.test("validateClientMetadata() refuses what is not a usable document", async () => {
  const table: [unknown, string, ResponseInit?][] = [
    [GOOD, "status", { status: 404 }],
    [GOOD, "status", { status: 203 }],
    ["<html>hello</html>", "not_json"],
    ["", "not_json"],
    [[GOOD], "not_an_object"],
    ["null", "not_an_object"],
    [
      { ...GOOD, client_id: "https://app.example/oauth/client.json/" },
      "client_id_mismatch",
    ],
    [
      { ...GOOD, client_id: "https://evil.example/oauth/client.json" },
      "client_id_mismatch",
    ],
    [{ ...GOOD, client_id: undefined }, "client_id_mismatch"],
    [{ ...GOOD, client_name: undefined }, "client_name"],
    [{ ...GOOD, client_name: " " }, "client_name"],
    [{ ...GOOD, client_name: 7 }, "client_name"],
    [{ ...GOOD, client_name: "x".repeat(101) }, "client_name"],
    [{ ...GOOD, redirect_uris: [] }, "redirect_uris"],
    [{ ...GOOD, redirect_uris: "https://app.example/cb" }, "redirect_uris"],
    [{ ...GOOD, redirect_uris: ["/relative"] }, "redirect_uris"],
    [
      { ...GOOD, redirect_uris: ["https://app.example/cb#frag"] },
      "redirect_uris",
    ],
    [{ ...GOOD, redirect_uris: [7] }, "redirect_uris"],
    [{ ...GOOD, token_endpoint_auth_method: "private_key_jwt" }, "auth_method"],
    [
      { ...GOOD, token_endpoint_auth_method: "client_secret_basic" },
      "auth_method",
    ],
    [{ ...GOOD, client_secret: "s3cret" }, "client_secret"],
    [{ ...GOOD, client_secret_expires_at: 0 }, "client_secret"],
  ];
  for (const [body, expected, init] of table) {
    assert.equal(await problemOf(body, init), expected, JSON.stringify(body));
  }
});

Deno.test("redirectUriMatches() compares exactly, but a port-less loopback http redirect matches any port", () => {
  const registered = [
    "https://app.example/callback",
    "http://127.0.0.1/callback",
    "http://localhost/cb",
    "http://[::1]/cb?x=1",
    "http://127.0.0.1:8080/fixed",
  ];
  const table: [string, boolean][] = [
    ["https://app.example/callback", true],
    ["https://app.example/callback/", false],
    ["https://APP.example/callback", false],
    ["https://app.example/callback?x=1", false],
    ["https://app.example:8443/callback", false],
    ["http://127.0.0.1/callback", true],
    ["http://127.0.0.1:49152/callback", true],
    ["http://127.0.0.1:1/callback", true],
    ["http://127.0.0.1:49152/callback/more", false],
    ["http://127.0.0.1:49152/other", false],
    ["http://127.0.0.1:99999/callback", false],
    ["http://127.0.0.2:49152/callback", false],
    ["https://127.0.0.1:49152/callback", false],
    ["http://localhost:3000/cb", true],
    ["http://[::1]:3000/cb?x=1", true],
    ["http://[::1]:3000/cb", false],
    ["http://127.0.0.1:8080/fixed", true],
    ["http://127.0.0.1:8081/fixed", false],
    ["http://user@127.0.0.1:80/callback", false],
  ];
  for (const [requested, expected] of table) {
    assert.equal(
      redirectUriMatches(registered, requested),
      expected,
      requested,
    );
  }
  assert.equal(
    redirectUriMatches(
      ["https://app.example/cb"],
      "https://app.example:443/cb",
    ),
    false,
    "no port exception beyond loopback http",
  );
});

Deno.test("cacheSeconds() follows max-age within one minute and one day", () => {
  const table: [string | null, number][] = [
    [null, 60],
    ["max-age=3600", 3600],
    ["public, max-age=120, must-revalidate", 120],
    ['max-age="300"', 300],
    ["max-age=5", 60],
    ["max-age=0", 60],
    ["no-store", 60],
    ["no-cache", 60],
    ["max-age=31536000", 86_400],
    ["max-age=99999999999999", 86_400],
    ["s-maxage=3600", 60],
  ];
  for (const [header, expected] of table) {
    assert.equal(cacheSeconds(header), expected, String(header));
  }
});

/** A document host: `/client.json` serves a document naming itself. */
function documentHost(origin: string, extra?: (app: Hono) => void) {
  const app = new Hono();
  let requests = 0;
  app.use(async (_c, next) => {
    requests++;
    await next();
  });
  extra?.(app);
  app.get("/client.json", (c) =>
    c.json(
      { ...GOOD, client_id: `${origin}/client.json` },
      200,
      { "cache-control": "max-age=300" },
    ));
  app.get("/other.json", (c) => c.json(GOOD));
  app.get("/page", (c) => c.html("<p>hello</p>"));
  app.get("/moved.json", (c) => c.redirect(`${origin}/client.json`, 302));
  return { fetch: fetchInto(app), requests: () => requests };
}

const publicResolver = () => Promise.resolve(["93.184.215.14"]);

Deno.test("ClientMetadataStore keeps a document for its max-age and then fetches it again", async () => {
  const host = documentHost("https://docs.test");
  let now = Date.UTC(2026, 11, 1);
  const store = new ClientMetadataStore({
    fetch: host.fetch,
    resolve: publicResolver,
    now: () => now,
    dev: false,
  });
  const id = "https://docs.test/client.json";
  assert.equal((await store.get(id)).kind, "valid");
  assert.equal((await store.get(id)).kind, "valid");
  assert.equal(host.requests(), 1);
  now += 299_000;
  await store.get(id);
  assert.equal(host.requests(), 1);
  now += 2_000;
  assert.equal((await store.get(id)).kind, "valid");
  assert.equal(host.requests(), 2);
});

Deno.test("ClientMetadataStore shares one fetch between concurrent lookups of a URL", async () => {
  for (let trial = 0; trial < 20; trial++) {
    const host = documentHost("https://docs.test");
    const store = new ClientMetadataStore({
      fetch: host.fetch,
      resolve: publicResolver,
      now: () => 0,
      dev: false,
    });
    const results = await Promise.all(
      Array.from(
        { length: 10 },
        () => store.get("https://docs.test/client.json"),
      ),
    );
    assert.ok(results.every((r) => r.kind === "valid"), `trial ${trial}`);
    assert.equal(host.requests(), 1, `trial ${trial}`);
  }
});

Deno.test("ClientMetadataStore holds at most maxEntries documents, dropping the least recently used", async () => {
  const host = documentHost("https://docs.test");
  const store = new ClientMetadataStore({
    fetch: host.fetch,
    resolve: publicResolver,
    now: () => 0,
    dev: false,
    maxEntries: 2,
  });
  const a = "https://docs.test/client.json";
  const b = "https://docs.test/client.json?b";
  const c = "https://docs.test/client.json?c";
  await store.get(a);
  await store.get(b);
  await store.get(a);
  await store.get(c);
  assert.equal(store.size, 2);
  const before = host.requests();
  await store.get(a);
  assert.equal(host.requests(), before, "a was used recently and kept");
  await store.get(b);
  assert.equal(host.requests(), before + 1, "b was dropped");
});

Deno.test("ClientMetadataStore refuses bad ids, mismatching, non-JSON and redirected documents, and private targets", async () => {
  const host = documentHost("https://docs.test");
  const store = new ClientMetadataStore({
    fetch: host.fetch,
    resolve: (name) =>
      Promise.resolve(
        name === "inside.test" ? ["10.0.0.5"] : ["93.184.215.14"],
      ),
    now: () => 0,
    dev: false,
  });
  const outcome = async (id: string) => {
    const r = await store.get(id);
    if (r.kind === "bad_client_id") return `bad_client_id:${r.problem}`;
    if (r.kind === "fetch_refused") return `fetch_refused:${r.refusal.kind}`;
    if (r.kind === "invalid_document") return `invalid_document:${r.problem}`;
    return r.kind;
  };
  assert.equal(await outcome("https://docs.test/"), "bad_client_id:no_path");
  assert.equal(
    await outcome("https://docs.test/other.json"),
    "invalid_document:client_id_mismatch",
  );
  assert.equal(
    await outcome("https://docs.test/page"),
    "invalid_document:not_json",
  );
  assert.equal(
    await outcome("https://docs.test/moved.json"),
    "fetch_refused:redirect",
  );
  assert.equal(
    await outcome("https://inside.test/client.json"),
    "fetch_refused:address",
  );
  assert.equal(
    await outcome("https://169.254.169.254/client.json"),
    "fetch_refused:address",
  );
});

Deno.test("ClientMetadataStore over real TLS: a loopback document works in development only", async () => {
  await using server = await serveTls((request) => {
    const url = new URL(request.url);
    return Response.json({
      ...GOOD,
      client_id: `https://localhost:${url.port}/client.json`,
    });
  });
  const id = `${server.origin}/client.json`;
  const deps = {
    fetch: pinnedFetch({ caCerts: [server.cert] }),
    resolve: publicResolver,
    now: () => 0,
  };
  const production = await new ClientMetadataStore({ ...deps, dev: false }).get(
    id,
  );
  assert.deepEqual(production, { kind: "bad_client_id", problem: "port" });
  // On port 443 the loopback address itself is what production refuses.
  const on443 = await new ClientMetadataStore({ ...deps, dev: false }).get(
    "https://localhost/client.json",
  );
  assert.equal(on443.kind, "fetch_refused");
  assert.ok(on443.kind === "fetch_refused");
  assert.equal(on443.refusal.kind, "address");
  const dev = await new ClientMetadataStore({ ...deps, dev: true }).get(id);
  assert.equal(dev.kind, "valid", JSON.stringify(dev));
  assert.ok(dev.kind === "valid");
  assert.equal(dev.metadata.clientId, id);
  assert.equal(dev.metadata.clientName, "Example App");
});

Deno.test("ClientMetadataStore fetches only from port 443 outside development, and never for a refused id", async () => {
  const host = documentHost("https://docs.test:8443");
  const store = new ClientMetadataStore({
    fetch: host.fetch,
    resolve: publicResolver,
    now: () => 0,
    dev: false,
  });
  for (const port of ["8443", "22", "6379", "444"]) {
    assert.deepEqual(
      await store.get(`https://docs.test:${port}/client.json`),
      { kind: "bad_client_id", problem: "port" },
    );
  }
  assert.equal(host.requests(), 0);
  // The default port written out is not canonical either way.
  assert.equal(
    (await store.get("https://docs.test:443/client.json")).kind,
    "bad_client_id",
  );
});

Deno.test("ClientMetadataStore answers busy beyond maxInFlight fetches, and says which lookups need no fetch", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  const host = documentHost("https://docs.test");
  const store = new ClientMetadataStore({
    fetch: async (url, init) => {
      await gate;
      return host.fetch(url, init);
    },
    resolve: publicResolver,
    now: () => 0,
    dev: false,
    maxInFlight: 2,
  });
  const a = "https://docs.test/client.json";
  const b = "https://docs.test/client.json?b";
  const c = "https://docs.test/client.json?c";
  assert.equal(store.answersWithoutFetch(a), false);
  assert.equal(store.answersWithoutFetch("https://docs.test/"), true);
  const first = store.get(a);
  const second = store.get(b);
  assert.equal(store.answersWithoutFetch(a), true, "in flight: shared");
  assert.deepEqual(await store.get(c), { kind: "busy" });
  assert.equal(store.answersWithoutFetch(c), false, "busy is not remembered");
  const again = store.get(a);
  release();
  assert.equal((await first).kind, "valid");
  assert.equal((await second).kind, "invalid_document");
  assert.equal((await again).kind, "valid");
  assert.equal(store.answersWithoutFetch(a), true, "kept");
  assert.equal((await store.get(c)).kind, "invalid_document", "room again");
});

Deno.test("isAllowedRedirectUri() takes https, loopback http and reverse-domain schemes only", () => {
  const table: [string, boolean][] = [
    ["https://app.example.com/callback", true],
    ["http://127.0.0.1/callback", true],
    ["http://localhost:8080/cb", true],
    ["http://[::1]/cb", true],
    ["com.example.app:/oauth2redirect", true],
    ["cursor.dev:/callback", true],
    ["http://attacker.example/cb", false],
    ["javascript:alert(document.domain)//", false],
    ["data:text/html,<script>alert(1)</script>", false],
    ["vbscript:msgbox", false],
    ["file:///etc/passwd", false],
    ["blob:https://app.example.com/x", false],
    ["myapp:/callback", false],
    ["https://app.example.com/cb#frag", false],
    ["not a uri", false],
  ];
  for (const [uri, ok] of table) {
    assert.equal(isAllowedRedirectUri(uri), ok, uri);
  }
});

Deno.test("validateClientMetadata() refuses a client_name with control or format characters", async () => {
  const id = "https://client.example.com/oauth/metadata.json";
  for (const name of ["Cl\u202eedua", "Claude\u0000", "A\u200bB"]) {
    const result = await validateClientMetadata(
      id,
      new Response(
        JSON.stringify({
          client_id: id,
          client_name: name,
          redirect_uris: ["https://client.example.com/cb"],
        }),
        { headers: { "content-type": "application/json" } },
      ),
    );
    assert.equal(result.kind, "invalid", JSON.stringify(name));
  }
});
