import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limit.ts";

Deno.test("RateLimiter counts per window and answers Retry-After until the window ends", async () => {
  await using kv = await Deno.openKv(":memory:");
  let now = Date.UTC(2026, 10, 23, 12, 0, 10);
  const limiter = new RateLimiter(kv, () => now);
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await limiter.hit("b", "me", 3, 60), { ok: true });
  }
  assert.deepEqual(await limiter.hit("b", "me", 3, 60), {
    ok: false,
    retryAfter: 50,
  });
  assert.deepEqual(
    await limiter.hit("b", "you", 3, 60),
    { ok: true },
    "per id",
  );
  now += 50_000;
  assert.deepEqual(
    await limiter.hit("b", "me", 3, 60),
    { ok: true },
    "next window",
  );
});

Deno.test("RateLimiter never undercounts concurrent requests", async () => {
  await using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv, () => 0);
  const decisions = await Promise.all(
    Array.from({ length: 50 }, () => limiter.hit("b", "x", 20, 60)),
  );
  assert.equal(decisions.filter((d) => d.ok).length, 20);
});
