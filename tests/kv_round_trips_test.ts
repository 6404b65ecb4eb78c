/**
 * How many KV round trips each grant makes, counted on a real KV through a
 * wrapper that counts calls: the figures the README states. A grant that
 * starts reading twice, or committing twice, fails here.
 */
import assert from "node:assert/strict";
import { REFRESH_GRACE_MS } from "../auth/grants.ts";
import { testApp } from "./_app.ts";
import { exchange, postForm, signIn, tokensFor } from "./_flow.ts";
import { counting } from "./_kv_calls.ts";

Deno.test("KV round trips: on the instance that issued the code, a code exchange and a later refresh each commit once and read nothing, besides the rate limit's read and commit", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    await using t = await testApp({ kv });
    // The deployment's first grant reads (it starts the revocation log).
    await tokensFor(t, "first");
    const params = await signIn(t);
    take();
    const tokens = await exchange(t, params.get("code")!);
    assert.deepEqual(take(), ["commit", "commit", "get"]);
    // Past the grace period: a family rotated within it reads first.
    t.advance(REFRESH_GRACE_MS / 1000 + 1);
    const refreshed = await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, "body");
    assert.equal(refreshed.status, 200);
    assert.deepEqual(take(), ["commit", "commit", "get"]);
  } finally {
    real.close();
  }
});

Deno.test("KV round trips: without the token rate limit, a grant on the instance that issued the code is one commit", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    await using t = await testApp({ kv, env: { TOKEN_RATE_LIMIT: "0" } });
    // The deployment's first grant reads (it starts the revocation log).
    await tokensFor(t, "first");
    const params = await signIn(t);
    take();
    const tokens = await exchange(t, params.get("code")!);
    assert.deepEqual(take(), ["commit"]);
    t.advance(REFRESH_GRACE_MS / 1000 + 1);
    const refreshed = await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, "body");
    assert.equal(refreshed.status, 200);
    assert.deepEqual(take(), ["commit"]);
  } finally {
    real.close();
  }
});

Deno.test("KV round trips: a deployment's first grant is one read batch and one commit, and starts the revocation log", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    await using t = await testApp({ kv, env: { TOKEN_RATE_LIMIT: "0" } });
    const params = await signIn(t);
    take();
    await exchange(t, params.get("code")!);
    assert.deepEqual(take(), ["commit", "getMany"]);
    assert.notEqual(
      (await real.get(["revocation_log_since"])).versionstamp,
      null,
    );
  } finally {
    real.close();
  }
});

Deno.test("KV round trips: on an instance that has not seen the user or the family, a grant is one read batch and one commit", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const first = counting(real);
    const second = counting(real);
    const env = { TOKEN_RATE_LIMIT: "0" };
    await using a = await testApp({ kv: first.kv, env });
    await using b = await testApp({ kv: second.kv, env, clockOf: a });
    const params = await signIn(a);
    const tokens = await exchange(b, params.get("code")!);
    assert.deepEqual(second.take(), ["commit", "getMany"]);
    a.advance(REFRESH_GRACE_MS / 1000 + 1);
    first.take();
    const refreshed = await postForm(a, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, "body");
    assert.equal(refreshed.status, 200);
    assert.deepEqual(first.take(), ["commit", "getMany"]);
  } finally {
    real.close();
  }
});

Deno.test("KV round trips: a family rotated within the grace period reads before its next rotation", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    await using t = await testApp({ kv, env: { TOKEN_RATE_LIMIT: "0" } });
    const tokens = await exchange(t, (await signIn(t)).get("code")!);
    take();
    const refreshed = await postForm(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, "body");
    assert.equal(refreshed.status, 200);
    assert.deepEqual(take(), ["commit", "getMany"]);
  } finally {
    real.close();
  }
});
