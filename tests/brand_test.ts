/**
 * The operator's brand: `BRAND_NAME`, `BRAND_COLOR` and `BRAND_LOGO` checked
 * at start-up, and shown on the consent page, /play, /privacy, the setup
 * guide and the chat's board, with the CSP as strict as without a brand.
 */
import assert from "node:assert/strict";
import fc from "./_deps/fast_check.ts";
import { Client, StreamableHTTPClientTransport } from "./_deps/mcp.ts";
import { ConfigError, type Env, loadConfig } from "../config.ts";
import { contrast, MAX_LOGO_BYTES, sniffImage, textOn } from "../lib/brand.ts";
import { BOARD_URI } from "../routes/mcp/board.ts";
import { testApp, testEnv } from "./_app.ts";
import {
  authorizeUrl,
  browse,
  CookieJar,
  mcpTokensFor,
  ORIGIN,
} from "./_flow.ts";
import { childEnv, SEAL_KEYS } from "./_process.ts";
import { LOGO_PNG, LOGO_SVG, LOGO_SVG_DATA_URL } from "./_brand.ts";

const BRAND = {
  BRAND_NAME: `Acme "Quiz" & Co`,
  BRAND_COLOR: "#FFD400",
  BRAND_LOGO: LOGO_SVG_DATA_URL,
};
const ESCAPED_NAME = /Acme (&quot;|&#34;)Quiz(&quot;|&#34;) &amp; Co/;

/** The first problem `loadConfig` reports for `env`, or `null`. */
function problem(env: Env): string | null {
  try {
    loadConfig(testEnv(env));
    return null;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message;
  }
}

Deno.test("brand: a logo's type is read from its first bytes: PNG, JPEG, WebP, SVG; anything else is none", () => {
  assert.equal(sniffImage(LOGO_PNG), "image/png");
  assert.equal(sniffImage(LOGO_SVG), "image/svg+xml");
  assert.equal(
    sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])),
    "image/jpeg",
  );
  assert.equal(
    sniffImage(new TextEncoder().encode("RIFF\x24\0\0\0WEBPVP8 ")),
    "image/webp",
  );
  assert.equal(
    sniffImage(new TextEncoder().encode("<!-- made by hand -->\n<svg>")),
    "image/svg+xml",
  );
  for (
    const other of [
      "GIF89a",
      "<html><svg></svg></html>",
      "<svgfoo>",
      "",
      "%PDF-1.7",
    ]
  ) {
    assert.equal(sniffImage(new TextEncoder().encode(other)), null, other);
  }
  assert.equal(sniffImage(new Uint8Array([0xc3, 0x28, 0x3c, 0x73])), null);
});

Deno.test("brand: the text on any brand colour is black or white, whichever reads, at WCAG AA contrast (4.5:1) or better", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
      const color = `#${n.toString(16).padStart(6, "0")}`;
      const fg = textOn(color);
      const other = fg === "#000000" ? "#ffffff" : "#000000";
      assert.ok(contrast(color, fg) >= 4.5, `${color} on ${fg}`);
      assert.ok(contrast(color, fg) >= contrast(color, other), color);
    }),
    { numRuns: 5000 },
  );
  assert.equal(textOn("#ffd400"), "#000000");
  assert.equal(textOn("#000080"), "#ffffff");
  assert.equal(textOn("#0b6bcb"), "#ffffff");
  assert.equal(contrast("#000000", "#ffffff"), 21);
});

Deno.test("brand: invalid BRAND_* values are refused at start-up, each with a message naming the variable and the fix", () => {
  const big = new Uint8Array(MAX_LOGO_BYTES + 1);
  big.set(LOGO_PNG);
  const cases: [Env, RegExp][] = [
    [
      { BRAND_COLOR: "red" },
      /^BRAND_COLOR: "red" must be a colour written #rrggbb/,
    ],
    [{ BRAND_COLOR: "#fff" }, /^BRAND_COLOR: .*#rrggbb/],
    [{ BRAND_COLOR: "#12345g" }, /^BRAND_COLOR: /],
    [{ BRAND_NAME: "x".repeat(41) }, /^BRAND_NAME: .*at most 40 characters/],
    [{ BRAND_NAME: "<b>Acme</b>" }, /^BRAND_NAME: .*without < >/],
    [
      { BRAND_LOGO: "https://cdn.example/logo.png" },
      /^BRAND_LOGO: must be a path .* or a data:image/,
    ],
    [
      { BRAND_LOGO: "data:image/png;base64,!!!" },
      /^BRAND_LOGO: must be a path/,
    ],
    [
      { BRAND_LOGO: "data:image/png;base64,a=bc" },
      /^BRAND_LOGO: the data URL's base64 is malformed/,
    ],
    [
      {
        BRAND_LOGO: `data:image/png;base64,${
          new TextEncoder().encode("GIF89a....").toBase64()
        }`,
      },
      /^BRAND_LOGO: the logo is not a PNG, SVG, WebP or JPEG image/,
    ],
    [
      { BRAND_LOGO: `data:image/png;base64,${LOGO_SVG.toBase64()}` },
      /^BRAND_LOGO: the data URL says image\/png but the image is image\/svg\+xml/,
    ],
    [
      { BRAND_LOGO: `data:image/png;base64,${big.toBase64()}` },
      new RegExp(
        `^BRAND_LOGO: the logo is ${
          MAX_LOGO_BYTES + 1
        } bytes; it must be 1 to ${MAX_LOGO_BYTES} bytes`,
      ),
    ],
  ];
  for (const [env, expected] of cases) {
    assert.match(
      problem(env) ?? "accepted",
      expected,
      JSON.stringify(env).slice(0, 80),
    );
  }
  const config = loadConfig(testEnv(BRAND));
  assert.equal(config.brand.name, BRAND.BRAND_NAME);
  assert.equal(config.brand.color, "#ffd400");
  assert.equal(config.brand.logo?.type, "image/svg+xml");
  assert.deepEqual(config.brand.logo?.bytes, LOGO_SVG);
  assert.deepEqual(loadConfig(testEnv()).brand, {
    name: "Words with Chat",
    color: null,
    logo: null,
  });
});

Deno.test("brand: main.ts reads a BRAND_LOGO file once at start-up, and refuses a missing, oversized or non-image file with one line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = {
      text: ["notes.txt", new TextEncoder().encode("just words")],
      big: ["big.png", new Uint8Array(MAX_LOGO_BYTES + 1).fill(0x89)],
    } as const;
    for (const [name, bytes] of Object.values(files)) {
      await Deno.writeFile(`${dir}/${name}`, bytes);
    }
    const cases: [string, RegExp][] = [
      [
        `${dir}/missing.png`,
        /^configuration error: BRAND_LOGO: cannot read ".*missing\.png" \(NotFound\); give a readable PNG, SVG, WebP or JPEG file/m,
      ],
      [
        `${dir}/notes.txt`,
        /^configuration error: BRAND_LOGO: ".*notes\.txt" is not a PNG, SVG, WebP or JPEG image/m,
      ],
      [
        `${dir}/big.png`,
        new RegExp(
          `^configuration error: BRAND_LOGO: ".*big\\.png" is ${
            MAX_LOGO_BYTES + 1
          } bytes; a logo may be at most`,
          "m",
        ),
      ],
    ];
    for (const [path, expected] of cases) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
        env: childEnv({
          SEAL_KEYS,
          OAUTH_CLIENT_ID: "gpt-test",
          OAUTH_CLIENT_SECRET: "wNgyJck2WADT7189a2MJ5F8aHbZhwCGBStKBIdqbfS8",
          KV_PATH: ":memory:",
          PORT: "0",
          BRAND_LOGO: path,
        }),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(out.code, 1, path);
      assert.match(new TextDecoder().decode(out.stderr), expected);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The pages that show the brand, each as a browser reaches it. */
async function brandedPages(t: Awaited<ReturnType<typeof testApp>>) {
  const registered = await t.app.request(`${ORIGIN}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Some App",
      redirect_uris: ["http://127.0.0.1/callback"],
      token_endpoint_auth_method: "none",
    }),
  });
  const { client_id } = await registered.json();
  const consent = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id,
      redirect_uri: "http://127.0.0.1/callback",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    }),
  );
  const pages: Record<string, Response> = { consent };
  for (
    const path of ["/", "/play", "/privacy", "/leaderboard", "/playground"]
  ) {
    pages[path] = await t.app.request(`${ORIGIN}${path}`);
  }
  return pages;
}

Deno.test("brand: the consent page, /play, /privacy, the setup guide and the leaderboard show the name and logo and link the colour's stylesheet, under the same CSP as without a brand", async () => {
  await using plain = await testApp();
  await using t = await testApp({ env: BRAND });
  const before = await brandedPages(plain);
  const after = await brandedPages(t);
  for (const [page, res] of Object.entries(after)) {
    assert.equal(res.status, 200, page);
    assert.equal(
      res.headers.get("content-security-policy"),
      before[page]!.headers.get("content-security-policy"),
      `${page}: the CSP is unchanged`,
    );
    const html = await res.text();
    assert.match(html, ESCAPED_NAME, `${page} names the brand`);
    assert.doesNotMatch(
      html,
      /Words with Chat/,
      `${page}: only the brand's name`,
    );
    assert.match(
      html,
      /<img class="brand-logo" src="\/assets\/logo\?v=[\w-]{12}"/,
      `${page}: the logo`,
    );
    assert.match(
      html,
      /<link rel="stylesheet" href="\/assets\/brand\.css\?v=[\w-]{12}"/,
      `${page}: the colour`,
    );
    assert.doesNotMatch(html, /\sstyle=/, `${page}: no inline style`);
    assert.match(
      html,
      /<title>[^<]*· Acme (&quot;|&#34;)Quiz/,
      `${page}: the title`,
    );
    await before[page]!.body?.cancel();
  }
  const css = await (await t.app.request(`${ORIGIN}/assets/brand.css`)).text();
  assert.match(css, /--brand: #ffd400;/);
  assert.match(css, /--brand-fg: #000000;/);
  assert.match(
    css,
    /button\.primary[\s\S]*background: #ffd400;[\s\S]*color: #000000;/,
  );
  const plainCss = await (await plain.app.request(`${ORIGIN}/assets/brand.css`))
    .text();
  assert.doesNotMatch(plainCss, /#/);
});

Deno.test("brand: the setup guide previews the brand: name, colour with its text colour, logo", async () => {
  await using t = await testApp({ env: { ...BRAND, BRAND_COLOR: "#123456" } });
  const html = await (await t.app.request(`${ORIGIN}/`)).text();
  const preview = html.slice(html.indexOf('id="brand"'));
  assert.match(preview, /<h2>Your brand<\/h2>/);
  assert.match(
    preview,
    /data-field="brand-preview"[^>]*><img class="brand-logo"/,
  );
  assert.match(preview, ESCAPED_NAME);
  assert.match(
    preview,
    /<code data-field="brand-color">#123456<\/code>, with white\s+text/,
  );
  assert.match(preview, /image\/svg\+xml, \d+ bytes/);
  await using plain = await testApp();
  const unset = await (await plain.app.request(`${ORIGIN}/`)).text();
  assert.match(unset, /not set: the service(&#39;|')s own colours/);
});

Deno.test("brand: the logo is served with its sniffed type, cached by its hash, under a CSP that runs nothing; without a logo there is none", async () => {
  await using t = await testApp({ env: BRAND });
  const html = await (await t.app.request(`${ORIGIN}/privacy`)).text();
  const href = /src="(\/assets\/logo\?v=[\w-]+)"/.exec(html)![1]!;
  const res = await t.app.request(`${ORIGIN}${href}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/svg+xml");
  assert.equal(
    res.headers.get("cache-control"),
    "public, max-age=31536000, immutable",
  );
  assert.match(
    res.headers.get("content-security-policy") ?? "",
    /^default-src 'none'/,
  );
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), LOGO_SVG);
  await using plain = await testApp();
  const none = await plain.app.request(`${ORIGIN}/assets/logo`);
  assert.equal(none.status, 404);
  await none.body?.cancel();
  const page = await (await plain.app.request(`${ORIGIN}/privacy`)).text();
  assert.doesNotMatch(page, /assets\/logo/);
});

Deno.test("brand: the chat's board carries the name, the colour and the logo inline (a data: URL), and its CSP still declares no domain", async () => {
  await using t = await testApp({ env: BRAND });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    t.app.fetch,
  );
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = new Client({ name: "brand-test", version: "1.0.0" });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://127.0.0.1:${server.addr.port}/mcp`),
        { authProvider: { token: () => Promise.resolve(access_token) } },
      ),
    );
    const read = await client.readResource({ uri: BOARD_URI });
    const [content] = read.contents as [
      { uri: string; text: string; _meta: unknown },
    ];
    assert.deepEqual(content._meta, {
      ui: {
        csp: { connectDomains: [], resourceDomains: [], frameDomains: [] },
        prefersBorder: true,
      },
    });
    const html = content.text;
    assert.match(html, /<title>Acme &#34;Quiz&#34; &#38; Co<\/title>/);
    assert.match(
      html,
      /<header class="board-brand brand-bar"><img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt=""><span>Acme &#34;Quiz&#34; &#38; Co<\/span><\/header>/,
    );
    assert.ok(html.includes(`src="${LOGO_SVG_DATA_URL}"`));
    assert.match(html, /--brand: #ffd400;/);
    assert.match(
      html,
      /\.board \.board-send,[\s\S]*?background: #ffd400;[\s\S]*?color: #000000;/,
    );
    // Self-contained: nothing but the data: URL is fetched.
    assert.doesNotMatch(html, /(src|href)="(?!data:)/);
    assert.doesNotMatch(html, /url\(/);
  } finally {
    await client.close();
    await server.shutdown();
  }
});

Deno.test("brand: the MCP server's instructions and board title, the protected-resource name and the OpenAPI title say the operator's name", async () => {
  await using t = await testApp({ env: BRAND });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    t.app.fetch,
  );
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = new Client({ name: "brand-test", version: "1.0.0" });
  try {
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://127.0.0.1:${server.addr.port}/mcp`),
        { authProvider: { token: () => Promise.resolve(access_token) } },
      ),
    );
    assert.match(
      client.getInstructions() ?? "",
      /^Acme "Quiz" & Co: a word-guessing game/,
    );
    const { resources } = await client.listResources();
    assert.equal(
      resources.find((r) => r.uri === BOARD_URI)?.title,
      `Acme "Quiz" & Co board`,
    );
  } finally {
    await client.close();
    await server.shutdown();
  }
  const prm = await (await t.app.request(
    "https://words.example.com/.well-known/oauth-protected-resource/mcp",
  )).json();
  assert.equal(prm.resource_name, `Acme "Quiz" & Co (MCP)`);
  const openapi = await (await t.app.request(
    "https://words.example.com/openapi.json",
  )).json();
  assert.equal(openapi.info.title, `Acme "Quiz" & Co`);
});
