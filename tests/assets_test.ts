import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { testApp } from "./_app.ts";
import { ORIGIN } from "./_flow.ts";
import { LOGO_SVG_DATA_URL } from "./_brand.ts";

Deno.test("assets: pages link content-hashed URLs that may be cached for a year; other URLs for 5 minutes", async () => {
  await using t = await testApp({
    env: { BRAND_COLOR: "#ffd400", BRAND_LOGO: LOGO_SVG_DATA_URL },
  });
  const html = await (await t.app.request(`${ORIGIN}/`)).text();
  const links = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((
    m,
  ) => m[1]!.replaceAll("&amp;", "&"));
  assert.deepEqual(
    [...new Set(links.map((l) => new URL(l, ORIGIN).pathname))].sort(),
    [
      "/assets/app.js",
      "/assets/brand.css",
      "/assets/logo",
      "/assets/style.css",
    ],
  );
  for (const link of links) {
    const res = await t.app.request(`${ORIGIN}${link}`);
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    const body = await res.text();
    assert.ok(body.length > 100);
    const stale = await t.app.request(`${ORIGIN}${link.split("?")[0]}?v=old`);
    assert.equal(stale.headers.get("cache-control"), "public, max-age=300");
    assert.equal(await stale.text(), body);
  }
});

Deno.test("assets: /assets/app.js and /assets/style.css serve the bytes of views/static/, linked by the hash of those bytes", async () => {
  await using t = await testApp();
  const html = await (await t.app.request(`${ORIGIN}/playground`)).text();
  const files = {
    "/assets/app.js": ["app.js", "text/javascript; charset=utf-8"],
    "/assets/style.css": ["style.css", "text/css; charset=utf-8"],
  } as const;
  for (const [path, [file, type]] of Object.entries(files)) {
    const bytes = await Deno.readFile(
      new URL(`../views/static/${file}`, import.meta.url),
    );
    const hash = createHash("sha256").update(bytes).digest("base64url");
    const href = `${path}?v=${hash.slice(0, 12)}`;
    assert.ok(html.includes(`"${href}"`), `the page links ${href}`);
    const res = await t.app.request(`${ORIGIN}${href}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), type);
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), bytes);
  }
});
