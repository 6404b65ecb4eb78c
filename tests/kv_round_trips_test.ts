/**
 * How many KV round trips each grant makes, counted on a real KV through a
 * wrapper that counts calls: the figures the README states. A grant that
 * starts reading twice, or committing twice, fails here.
 */
import assert from "node:assert/strict";
import { testApp } from "./_app.ts";
import { exchange, postForm, signIn } from "./_flow.ts";
import { counting } from "./_kv_calls.ts";

Deno.test("KV round trips: a code exchange and a refresh each read once and commit once, besides the rate limit's read and commit", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    await using t = await testApp({ kv });
    const params = await signIn(t);
    take();
    const tokens = await exchange(t, params.get("code")!);
    assert.deepEqual(take(), ["commit", "commit", "get", "getMany"]);
    const refreshed = await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, "body");
    assert.equal(refreshed.status, 200);
    assert.deepEqual(take(), ["commit", "commit", "get", "getMany"]);
  } finally {
    real.close();
  }
});

Deno.test("KV round trips: without the token rate limit, a grant is one read batch and one commit", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    await using t = await testApp({ kv, env: { TOKEN_RATE_LIMIT: "0" } });
    const params = await signIn(t);
    take();
    const tokens = await exchange(t, params.get("code")!);
    assert.deepEqual(take(), ["commit", "getMany"]);
    await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, "body");
    assert.deepEqual(take(), ["commit", "getMany"]);
  } finally {
    real.close();
  }
});
