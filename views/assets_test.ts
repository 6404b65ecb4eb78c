import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type Asset, asset, SCRIPT, STYLE } from "./assets.ts";

const CSS = "text/css; charset=utf-8";

Deno.test("asset() versions by content: one changed byte changes the version and the URL, the same bytes keep them", () => {
  const a = asset("/assets/x.css", CSS, "p { color: red; }\n");
  const b = asset("/assets/x.css", CSS, "p { color: rgb(255,0,0); }\n");
  const c = asset("/assets/x.css", CSS, "p { color: red; } \n");
  assert.notEqual(a.version, b.version);
  assert.notEqual(a.version, c.version);
  assert.notEqual(a.href, c.href);
  const again = asset(
    "/assets/x.css",
    CSS,
    new TextEncoder().encode("p { color: red; }\n"),
  );
  assert.equal(again.version, a.version);
  assert.equal(again.href, a.href);
  assert.equal(a.href, `/assets/x.css?v=${a.version}`);
  assert.match(a.version, /^[A-Za-z0-9_-]{12}$/);
});

Deno.test("STYLE and SCRIPT hold the bytes of static/style.css and static/app.js and hash exactly those", async () => {
  const files: [Asset, string][] = [[STYLE, "style.css"], [SCRIPT, "app.js"]];
  for (const [served, file] of files) {
    const bytes = await Deno.readFile(
      new URL(`./static/${file}`, import.meta.url),
    );
    assert.deepEqual(served.body, bytes);
    assert.equal(
      served.version,
      createHash("sha256").update(bytes).digest("base64url").slice(0, 12),
    );
  }
});
