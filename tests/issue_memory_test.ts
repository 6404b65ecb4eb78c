/**
 * A grant first tries its commit on what its instance last committed (the
 * family's generation, the user's sign-out record) without reading KV. That
 * memory goes stale when another instance writes: these tests make it stale
 * in each way and check that the answer is the one a fresh read gives (the
 * commit checks every entry; refusals are decided only on a fresh read).
 */
import assert from "node:assert/strict";
import { REFRESH_GRACE_MS } from "../auth/grants.ts";
import { type TestApp, testApp } from "./_app.ts";
import { api, exchange, postForm, REDIRECT, refresh, signIn } from "./_flow.ts";

/** Two instances on one KV and one clock. */
async function pair() {
  const a = await testApp();
  const b = await testApp({ kv: a.kv, clockOf: a });
  return {
    a,
    b,
    async [Symbol.asyncDispose]() {
      await b[Symbol.asyncDispose]();
      await a[Symbol.asyncDispose]();
    },
  };
}

/** Past the grace period, when a remembered family is used without a read. */
const PAST_GRACE = REFRESH_GRACE_MS / 1000 + 1;

async function rotate(t: TestApp, token: string) {
  const res = await refresh(t, token);
  const body = await res.json();
  return { status: res.status, body };
}

Deno.test("issue memory: a family rotated meanwhile by another instance still rotates at the instance that remembers the older generation, and nothing is revoked", async () => {
  await using p = await pair();
  const tokens = await exchange(p.a, (await signIn(p.a)).get("code")!);
  p.a.advance(PAST_GRACE);
  // b rotates: a still remembers generation 0.
  const one = await rotate(p.b, tokens.refresh_token);
  assert.equal(one.status, 200);
  p.a.advance(PAST_GRACE);
  const two = await rotate(p.a, one.body.refresh_token);
  assert.equal(two.status, 200, JSON.stringify(two.body));
  p.a.advance(PAST_GRACE);
  const three = await rotate(p.a, two.body.refresh_token);
  assert.equal(three.status, 200, JSON.stringify(three.body));
  const me = await api(p.b, "/api/me", three.body.access_token);
  assert.equal(me.status, 200);
  await me.body?.cancel();
});

Deno.test("issue memory: the generation an instance remembers, already rotated by another instance, is a retry within the grace period and reuse after it", async () => {
  await using p = await pair();
  const tokens = await exchange(p.a, (await signIn(p.a)).get("code")!);
  p.a.advance(PAST_GRACE);
  const rotated = await rotate(p.b, tokens.refresh_token);
  assert.equal(rotated.status, 200);
  // a remembers generation 0, as the token says, rotated long enough ago to
  // be used without a read: its commit must fail.
  const retry = await rotate(p.a, tokens.refresh_token);
  assert.equal(retry.status, 200, "a concurrent retry gets a valid successor");
  p.a.advance(31);
  const reuse = await rotate(p.a, tokens.refresh_token);
  assert.equal(reuse.status, 400);
  assert.equal(reuse.body.error, "invalid_grant");
  const after = await rotate(p.b, retry.body.refresh_token);
  assert.equal(after.status, 400, "reuse revoked the family");
});

Deno.test("issue memory: a refresh token revoked at another instance (RFC 7009) is refused at the instance that remembers its family", async () => {
  await using p = await pair();
  const tokens = await exchange(p.a, (await signIn(p.a)).get("code")!);
  p.a.advance(PAST_GRACE);
  const revoked = await postForm(p.b, "/oauth/revoke", {
    token: tokens.refresh_token,
  });
  assert.equal(revoked.status, 200);
  await revoked.body?.cancel();
  const res = await rotate(p.a, tokens.refresh_token);
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "invalid_grant");
});

Deno.test("issue memory: a sign-out at another instance stops a refresh and a code exchange at the instance that remembers the user's record", async () => {
  await using p = await pair();
  const tokens = await exchange(p.a, (await signIn(p.a)).get("code")!);
  // a remembers alice's record from issuing this code and the exchange.
  const code = (await signIn(p.a)).get("code")!;
  p.a.advance(PAST_GRACE);
  const out = await api(p.b, "/api/me/signout", tokens.access_token, {
    method: "POST",
  });
  assert.ok(out.status < 300, `sign-out answered ${out.status}`);
  await out.body?.cancel();
  const res = await rotate(p.a, tokens.refresh_token);
  assert.equal(res.status, 400);
  assert.equal(res.body.error, "invalid_grant");
  const exchanged = await postForm(p.a, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
  });
  assert.equal(exchanged.status, 400);
  assert.equal((await exchanged.json()).error, "invalid_grant");
});
