import assert from "node:assert/strict";
import { testApp } from "./_app.ts";

Deno.test("GET /health answers 200 ok when KV answers", async () => {
  await using t = await testApp();
  const res = await t.app.request("/health");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: "ok" });
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
});

Deno.test("GET /health answers 503 when KV is closed", async () => {
  const kv = await Deno.openKv(":memory:");
  await using t = await testApp({ kv });
  kv.close();
  const res = await t.app.request("/health");
  assert.equal(res.status, 503);
  assert.deepEqual(await res.json(), { status: "unavailable" });
  assert.ok(t.logs.some((l) => l.level === "error"), "reason is logged");
});

Deno.test("unknown routes answer a JSON 404 and every request is logged once", async () => {
  await using t = await testApp();
  const res = await t.app.request("/no/such/route?token=secret-value");
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, "not_found");
  const lines = t.logs.filter((l) => l.msg === "request");
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.fields?.status, 404);
  assert.ok(!JSON.stringify(t.logs).includes("secret-value"));
});
