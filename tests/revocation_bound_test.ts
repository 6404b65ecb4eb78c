import assert from "node:assert/strict";
import { testApp } from "./_app.ts";
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
