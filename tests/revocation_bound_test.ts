import assert from "node:assert/strict";
import { T0, testApp } from "./_app.ts";
import { api, postForm, tokensFor } from "./_flow.ts";

Deno.test("a revocation on one instance reaches another instance's access-token check within 5 seconds", async () => {
  await using a = await testApp();
  await using b = await testApp({ kv: a.kv });
  const tokens = await tokensFor(a);
  // Instance B has seen the token, so its answer is cached.
  assert.equal((await api(b, "/api/me", tokens.access_token)).status, 200);
  assert.equal(
    (await postForm(a, "/oauth/revoke", { token: tokens.refresh_token }))
      .status,
    200,
  );
  assert.equal(
    (await api(a, "/api/me", tokens.access_token)).status,
    401,
    "at once where it happened",
  );
  b.advance(4.9);
  assert.equal(
    (await api(b, "/api/me", tokens.access_token)).status,
    200,
    "B may still trust its cache inside the bound",
  );
  b.advance(0.1);
  assert.equal(
    (await api(b, "/api/me", tokens.access_token)).status,
    401,
    "B reads KV again once the bound has passed",
  );
});

Deno.test("a warm bearer check makes no KV read", async () => {
  const kv = await Deno.openKv(":memory:");
  await using t = await testApp({ kv });
  const tokens = await tokensFor(t);
  assert.equal((await api(t, "/api/words", tokens.access_token)).status, 200);
  // Close KV: a check that still passes cannot have read it.
  kv.close();
  assert.equal((await api(t, "/api/words", tokens.access_token)).status, 200);
});

Deno.test("a cached access token still expires on time", async () => {
  await using t = await testApp();
  const tokens = await tokensFor(t);
  assert.equal((await api(t, "/api/words", tokens.access_token)).status, 200);
  t.advance(3599);
  assert.equal((await api(t, "/api/words", tokens.access_token)).status, 200);
  t.advance(1);
  const res = await api(t, "/api/words", tokens.access_token);
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate")!, /invalid_token/);
});

Deno.test("the instance that revoked refuses at once, even when a read that began before the revocation finishes after it", async () => {
  const real = await Deno.openKv(":memory:");
  let hold: Promise<void> | null = null;
  let reading!: () => void;
  const started = new Promise<void>((r) => reading = r);
  // A KV whose next getMany (the cold bearer check) is held until told.
  const kv = new Proxy(real, {
    get(target, prop) {
      if (prop === "getMany" && hold) {
        const gate = hold;
        hold = null;
        return async (...args: Parameters<Deno.Kv["getMany"]>) => {
          const result = await target.getMany(...args);
          reading();
          await gate;
          return result;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  // The deployment started its revocation log after this token was issued:
  // the token is checked per token (one read, cached), which this is about.
  await real.set(["revocation_log_since"], T0 + 60 * 60_000);
  await using t = await testApp({ kv });
  const tokens = await tokensFor(t);
  t.advance(6); // past the cache bound: the next check reads KV
  let release!: () => void;
  hold = new Promise<void>((r) => release = r);
  const early = api(t, "/api/me", tokens.access_token);
  await started; // it has read "not revoked", and is held
  assert.equal(
    (await api(t, "/api/me/signout", tokens.access_token, { method: "POST" }))
      .status,
    200,
  );
  release();
  assert.equal((await early).status, 200, "it began before the sign-out");
  assert.equal(
    (await api(t, "/api/me", tokens.access_token)).status,
    401,
    "at once where it happened",
  );
});
