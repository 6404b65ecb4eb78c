/**
 * The setup guide and the client secret: shown only when `deno task dev`
 * generated it, and only to this machine asking for this machine, directly.
 */
import assert from "node:assert/strict";
import type { Env } from "../config.ts";
import { CLIENT_SECRET, testApp } from "./_app.ts";
import { authorizeUrl, ORIGIN } from "./_flow.ts";

const from = (hostname: string) => ({
  remoteAddr: { transport: "tcp" as const, hostname, port: 40000 },
});

/** As `deno task dev` runs by default. */
const DEV: Env = { PUBLIC_URL: "http://localhost:8000" };
const LOCAL = "http://localhost:8000/";

/** One request for the setup guide: a connection address, a URL, headers. */
interface Visit {
  label: string;
  address: string | null;
  url?: string;
  headers?: HeadersInit;
}

async function setupPage(
  options: { env?: Env; devGeneratedSecret?: boolean },
  visits: Visit[],
): Promise<Map<string, string>> {
  await using t = await testApp(options);
  const pages = new Map<string, string>();
  for (const { label, address, url = LOCAL, headers } of visits) {
    const res = await t.app.request(
      url,
      { headers },
      address === null ? undefined : from(address),
    );
    assert.equal(res.status, 200, label);
    pages.set(label, await res.text());
  }
  return pages;
}

/** Asserts the secret is withheld and the page says where to find it. */
function assertWithheld(html: string, label: string): void {
  assert.ok(!html.includes(CLIENT_SECRET), `secret shown: ${label}`);
  assert.match(html, /\.local\/dev\.json/, label);
  assert.match(html, /terminal/, label);
}

const LOOPBACK = ["127.0.0.1", "127.0.1.1", "::1", "::ffff:127.0.0.1"];

Deno.test("setup guide: under deno task start the client secret is never shown, even with DEV_LOGIN=1 and to this machine", async () => {
  const pages = await setupPage(
    { env: { ...DEV, DEV_LOGIN: "1" } },
    [...LOOPBACK, "192.168.1.20"].map((a) => ({ label: a, address: a })),
  );
  for (const [address, html] of pages) {
    assert.ok(!html.includes(CLIENT_SECRET), address);
    assert.match(html, /The OAUTH_CLIENT_SECRET set on this server/);
  }
});

Deno.test("setup guide: a secret deno task dev generated is shown to loopback connections only", async () => {
  const pages = await setupPage({ env: DEV, devGeneratedSecret: true }, [
    ...LOOPBACK.map((a) => ({ label: a, address: a })),
    { label: "lan", address: "192.168.1.20" },
    { label: "public", address: "203.0.113.5" },
    { label: "IPv6", address: "2001:db8::5" },
    { label: "no connection info", address: null },
  ]);
  for (const address of LOOPBACK) {
    assert.ok(pages.get(address)!.includes(CLIENT_SECRET), address);
  }
  for (const label of ["lan", "public", "IPv6", "no connection info"]) {
    assertWithheld(pages.get(label)!, label);
  }
});

Deno.test("setup guide: the secret is shown at localhost, 127.0.0.1 and [::1] on any port, and at the host of a loopback PUBLIC_URL", async () => {
  const hosts = [
    "http://localhost:8000/",
    "http://LOCALHOST:8000/",
    "http://localhost/",
    "http://127.0.0.1:4711/",
    "http://[::1]:8000/",
  ];
  const dev = await setupPage(
    { env: DEV, devGeneratedSecret: true },
    hosts.map((url) => ({ label: url, address: "127.0.0.1", url })),
  );
  for (const [url, html] of dev) assert.ok(html.includes(CLIENT_SECRET), url);

  for (
    const publicUrl of ["http://words.localhost:8000", "http://127.0.0.2:9000"]
  ) {
    const pages = await setupPage(
      { env: { PUBLIC_URL: publicUrl }, devGeneratedSecret: true },
      [{ label: publicUrl, address: "127.0.0.1", url: `${publicUrl}/` }],
    );
    assert.ok(pages.get(publicUrl)!.includes(CLIENT_SECRET), publicUrl);
  }
});

Deno.test("setup guide: a loopback connection asking for another host name (DNS rebinding) is not shown the secret", async () => {
  const urls = [
    // A foreign name that now resolves to 127.0.0.1: its page would read
    // the answer as same-origin.
    "http://rebind.attacker.example:8000/",
    "http://localhost.attacker.example:8000/",
    "http://127.0.0.1.nip.io:8000/",
    "http://localhost.:8000/",
    // PUBLIC_URL's host counts only when PUBLIC_URL is itself loopback.
    "https://words.example.com/",
  ];
  const pages = await setupPage(
    { env: DEV, devGeneratedSecret: true },
    urls.map((url) => ({ label: url, address: "127.0.0.1", url })),
  );
  for (const [url, html] of pages) assertWithheld(html, url);

  const published = await setupPage({
    env: { PUBLIC_URL: "https://words.example.com" },
    devGeneratedSecret: true,
  }, [{
    label: "public",
    address: "127.0.0.1",
    url: "https://words.example.com/",
  }]);
  assertWithheld(published.get("public")!, "non-loopback PUBLIC_URL");
});

Deno.test("setup guide: a request relayed by a local tunnel or proxy (any forwarding header) is not shown the secret", async () => {
  const relayed: Visit[] = [
    // ngrok: the public name, and the visitor's address in a header.
    {
      label: "ngrok",
      address: "127.0.0.1",
      url: "https://abcd.ngrok-free.app/",
      headers: {
        "x-forwarded-for": "203.0.113.5",
        "x-forwarded-proto": "https",
      },
    },
    // A tunnel that rewrites Host to localhost still says it forwarded.
    ...[
      ["x-forwarded-for", "203.0.113.5"],
      ["x-forwarded-host", "abcd.ngrok-free.app"],
      ["forwarded", "for=203.0.113.5;host=abcd.trycloudflare.com"],
      ["x-real-ip", "203.0.113.5"],
      ["cf-connecting-ip", "203.0.113.5"],
      ["true-client-ip", "203.0.113.5"],
      // Even when the header claims loopback, or is empty.
      ["x-forwarded-for", "127.0.0.1"],
      ["X-Real-IP", ""],
    ].map(([name, value]): Visit => ({
      label: `${name}: ${value}`,
      address: "127.0.0.1",
      headers: { [name!]: value! },
    })),
    // And from elsewhere, a client's own header means nothing.
    {
      label: "claims loopback",
      address: "203.0.113.5",
      headers: { "x-forwarded-for": "127.0.0.1" },
    },
  ];
  const pages = await setupPage(
    { env: DEV, devGeneratedSecret: true },
    relayed,
  );
  for (const [label, html] of pages) assertWithheld(html, label);
});

Deno.test("setup guide: behind a trusted proxy the secret is never shown, even when the proxy's header says loopback", async () => {
  const pages = await setupPage({
    devGeneratedSecret: true,
    env: { ...DEV, TRUST_PROXY_HEADER: "X-Client-Address" },
  }, [
    // A proxy on this machine may front a tunnel: its word is not enough.
    {
      label: "local",
      address: "127.0.0.1",
      headers: { "x-client-address": "127.0.0.1" },
    },
    {
      label: "remote",
      address: "127.0.0.1",
      headers: { "x-client-address": "203.0.113.5" },
    },
    { label: "no header", address: "127.0.0.1" },
    {
      label: "not an address",
      address: "127.0.0.1",
      headers: { "x-client-address": "localhost" },
    },
  ]);
  for (const [label, html] of pages) assertWithheld(html, label);
});

Deno.test("pages: no JSX key attribute reaches the HTML of any page", async () => {
  await using t = await testApp({
    env: { GOOGLE_CLIENT_ID: "g.apps", GOOGLE_CLIENT_SECRET: "g-secret" },
  });
  await t.kv.set(["leaderboard", -30, 1, "dev:ada"], { name: "Ada" });
  await t.kv.set(["leaderboard", -10, 2, "dev:bob"], { name: "Bob" });
  const pages = [
    "/",
    "/privacy",
    "/leaderboard",
    "/playground",
    authorizeUrl(),
    "/login/dev/form",
    "/oauth/authorize?client_id=unknown",
  ];
  for (const path of pages) {
    const html = await (await t.app.request(`${ORIGIN}${path}`)).text();
    assert.match(html, /<li|<tr|<option|<h1/, `${path} has content`);
    assert.doesNotMatch(html, /<[^>]*\skey=/, path);
  }
});

Deno.test("setup guide: 'Connect as an app' gives the MCP URL with a copy button, the ChatGPT and Claude steps, and no secret", async () => {
  const pages = await setupPage({ env: DEV, devGeneratedSecret: true }, [
    { label: "local", address: "127.0.0.1" },
  ]);
  const html = pages.get("local")!;
  const start = html.indexOf('<section class="card" id="connect-app">');
  assert.ok(start >= 0, "the section is there");
  const section = html.slice(start, html.indexOf("</section>", start));
  assert.ok(
    section.includes(
      "<h2>Connect as an app (ChatGPT, Claude, other MCP clients)</h2>",
    ),
  );
  const url = "http://localhost:8000/mcp";
  assert.ok(section.includes(`<code data-field="mcp-url">${url}</code>`));
  assert.ok(section.includes(`data-copy="${url}"`), "a copy button");
  assert.match(section, /Apps &amp; Connectors/);
  assert.match(section, /Developer mode/);
  assert.match(section, /Create app/);
  assert.match(section, /OAuth/);
  assert.match(section, /Add custom connector/);
  assert.ok(!section.includes(CLIENT_SECRET), "nothing secret to copy");
  assert.ok(!section.includes("<script"), "no inline script");
});

Deno.test("setup guide: where the client secret is, is a sentence, never a value box or a copy button", async () => {
  const production = await setupPage({ env: { DEV_LOGIN: "0" } }, [
    { label: "start", address: "192.168.1.20", url: `${ORIGIN}/` },
  ]);
  const elsewhere = await setupPage({ env: DEV, devGeneratedSecret: true }, [
    { label: "lan", address: "192.168.1.20" },
  ]);
  for (const html of [production.get("start")!, elsewhere.get("lan")!]) {
    assert.match(
      html,
      /<p class="value-placeholder" data-field="client-secret">(The OAUTH_CLIENT_SECRET set on this server\.|In \.local\/dev\.json, and in the terminal running deno task dev\.)<\/p>/,
    );
    assert.doesNotMatch(html, /<code data-field="client-secret">/);
    assert.doesNotMatch(html, /aria-label="Copy Client Secret"/);
    assert.doesNotMatch(
      html,
      /data-copy="[^"]*(OAUTH_CLIENT_SECRET|dev\.json)/,
    );
  }
  // A secret that is there is a value, with its copy button.
  const here = await setupPage({ env: DEV, devGeneratedSecret: true }, [
    { label: "local", address: "127.0.0.1" },
  ]);
  assert.ok(
    here.get("local")!.includes(
      `<code data-field="client-secret">${CLIENT_SECRET}</code>`,
    ),
  );
  assert.match(here.get("local")!, /aria-label="Copy Client Secret"/);
});

Deno.test("setup guide: each provider's callback URI has a copy button", async () => {
  await using t = await testApp({
    env: { GITHUB_CLIENT_ID: "gh", GITHUB_CLIENT_SECRET: "ghs" },
  });
  const html = await (await t.app.request(`${ORIGIN}/`)).text();
  const uri = `${ORIGIN}/login/github/callback`;
  assert.ok(html.includes(`<code data-field="callback-github">${uri}</code>`));
  assert.ok(
    html.includes(
      `data-copy="${uri}" aria-label="Copy the GitHub callback URI"`,
    ),
  );
});

Deno.test("setup guide: one set of footer links, with the OpenAPI document and (in development) the playground; the warnings folded", async () => {
  await using t = await testApp();
  const html = await (await t.app.request(`${ORIGIN}/`)).text();
  assert.doesNotMatch(html, /<nav class="links">/);
  assert.equal(html.match(/<footer/g)?.length, 1);
  const footer = html.slice(html.indexOf("<footer"));
  for (
    const href of [
      "/",
      "/play",
      "/leaderboard",
      "/privacy",
      "/openapi.json",
      "/playground",
    ]
  ) {
    assert.ok(footer.includes(`<a href="${href}">`), href);
  }
  assert.match(
    html,
    /<details class="card warn"><summary><strong>Before you go live<\/strong>: \d+ things to change<\/summary>/,
  );
  await using production = await testApp({ env: { DEV_LOGIN: "0" } });
  const plain = await (await production.app.request(`${ORIGIN}/`)).text();
  assert.ok(!plain.includes('<a href="/playground">'));
});
