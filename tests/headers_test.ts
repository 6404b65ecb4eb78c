/**
 * The headers around every answer, checked against Hono's own
 * `secureHeaders()` as the reference, for each kind of answer (the header
 * set of a kind is built once and reused).
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { testApp } from "./_app.ts";
import { SCRIPT, STYLE } from "../views/assets.ts";

/** What Hono's middleware sets, as configured before (DENY, no overwrite). */
async function reference(https: boolean): Promise<Map<string, string>> {
  const app = new Hono();
  app.use(
    secureHeaders({
      xFrameOptions: "DENY",
      strictTransportSecurity: https,
      overwrite: false,
    }),
  );
  app.get("/", (c) => c.json({}));
  const res = await app.request("/");
  const headers = new Map(res.headers);
  headers.delete("content-type");
  return headers;
}

const DEFAULT_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

Deno.test("headers: every kind of answer carries Hono's security headers, the defaults its route did not set, and a request id; each kind keeps its own", async () => {
  for (const https of [true, false]) {
    const expected = await reference(https);
    assert.equal(expected.has("strict-transport-security"), https);
    await using t = await testApp({
      env: {
        PUBLIC_URL: https
          ? "https://words.example.com"
          : "http://localhost:8000",
      },
    });
    const get = (path: string, accept = "application/json") =>
      t.app.request(path, { headers: { accept } });
    // Interleaved, so that a kind built for one answer cannot leak into another.
    const kinds = [
      ["json", () => get("/health")],
      ["page", () => get("/", "text/html")],
      ["json 401", () => get("/api/words")],
      ["asset", () => get(`${STYLE.path}?v=${STYLE.version}`)],
      ["json 404", () => get("/nowhere")],
      ["page 404", () => get("/nowhere", "text/html")],
      ["asset", () => get(SCRIPT.path)],
      ["json", () => get("/health")],
    ] as const;
    for (const [kind, request] of kinds) {
      const res = await request();
      await res.body?.cancel();
      for (const [name, value] of expected) {
        if (name === "referrer-policy" && kind.startsWith("page")) continue;
        // Equal, so also set once: a repeat would read "nosniff, nosniff".
        assert.equal(res.headers.get(name), value, `${kind}: ${name}`);
      }
      assert.equal(res.headers.get("x-powered-by"), null);
      assert.match(
        res.headers.get("x-request-id")!,
        /^[A-Za-z0-9_-]{8}\.[0-9a-z]+$/,
      );
      const csp = res.headers.get("content-security-policy")!;
      const cache = res.headers.get("cache-control");
      if (kind.startsWith("page")) {
        assert.match(csp, /style-src 'self'/, kind);
        assert.notEqual(csp, DEFAULT_CSP);
        assert.equal(cache, "no-store", kind);
      } else if (kind === "asset") {
        assert.equal(csp, DEFAULT_CSP, kind);
        assert.match(cache!, /^public, max-age=/, kind);
      } else {
        assert.equal(csp, DEFAULT_CSP, kind);
        assert.equal(cache, "no-store", kind);
        assert.equal(res.headers.get("referrer-policy"), "no-referrer");
      }
    }
  }
});
