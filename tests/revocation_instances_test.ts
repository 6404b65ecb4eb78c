/**
 * Every way a sign-in ends (the provider revoking it, RFC 7009 revocation,
 * a reused refresh token) reaches another instance's access-token check,
 * warm cache and all, within the revocation cache period.
 */
import assert from "node:assert/strict";
import { REVOCATION_CACHE_MS } from "../auth/revocation.ts";
import { T0, type TestApp, testApp } from "./_app.ts";
import { FakeProvider, GOOGLE } from "./_fake_provider.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  postForm,
  redirectParams,
  refresh,
  type Tokens,
  tokensFor,
} from "./_flow.ts";

/** Two instances on one KV and one clock; Google for both. */
async function pair() {
  let clock = () => T0;
  const google = await new FakeProvider(GOOGLE, () => clock()).ready();
  const a = await testApp({ fetch: google.fetch, env: google.env });
  clock = a.now;
  const b = await testApp({
    fetch: google.fetch,
    env: google.env,
    kv: a.kv,
    clockOf: a,
  });
  return {
    a,
    b,
    google,
    async [Symbol.asyncDispose]() {
      await b[Symbol.asyncDispose]();
      await a[Symbol.asyncDispose]();
    },
  };
}

async function googleTokens(t: TestApp, google: FakeProvider): Promise<Tokens> {
  const jar = new CookieJar();
  let res = await browse(t, jar, authorizeUrl({ provider: "google" }));
  while (
    res.headers.get("location")?.startsWith("https://accounts.google.com/")
  ) {
    res = await browse(
      t,
      jar,
      google.authorize(res.headers.get("location")!, { sub: "77" }),
    );
  }
  return await exchange(t, redirectParams(res).get("code")!);
}

async function me(t: TestApp, token: string): Promise<number> {
  const res = await api(t, "/api/me", token);
  await res.body?.cancel();
  return res.status;
}

/** After the cache period, `b` refuses `token`. */
async function refusedOnB(p: { a: TestApp; b: TestApp }, token: string) {
  p.a.advance(REVOCATION_CACHE_MS / 1000);
  assert.equal(await me(p.b, token), 401);
}

Deno.test("revocation across instances: Google revoking the sign-in, found on a refresh at one instance, stops the access token at the other", async () => {
  await using p = await pair();
  const tokens = await googleTokens(p.a, p.google);
  assert.equal(await me(p.b, tokens.access_token), 200, "warm on b");
  for (const rt of p.google.refreshTokens.keys()) p.google.revoked.add(rt);
  p.a.advance(16 * 60);
  assert.equal(await me(p.b, tokens.access_token), 200, "still warm on b");
  const res = await refresh(p.a, tokens.refresh_token);
  assert.equal(res.status, 400, await res.clone().text());
  await res.body?.cancel();
  await refusedOnB(p, tokens.access_token);
});

Deno.test("revocation across instances: RFC 7009 revocation of the refresh token at one instance stops the family's access token at the other", async () => {
  await using p = await pair();
  const tokens = await tokensFor(p.a);
  assert.equal(await me(p.b, tokens.access_token), 200, "warm on b");
  const res = await postForm(p.a, "/oauth/revoke", {
    token: tokens.refresh_token,
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  await refusedOnB(p, tokens.access_token);
});

Deno.test("revocation across instances: a reused refresh token at one instance stops the family's newest access token at the other", async () => {
  await using p = await pair();
  const tokens = await tokensFor(p.a);
  const rotated: Tokens = await (await refresh(p.a, tokens.refresh_token))
    .json();
  assert.equal(await me(p.b, rotated.access_token), 200, "warm on b");
  p.a.advance(60);
  const reuse = await refresh(p.a, tokens.refresh_token);
  assert.equal(reuse.status, 400);
  await reuse.body?.cancel();
  await refusedOnB(p, rotated.access_token);
});
