/**
 * The audience check of `AccessTokens` (RFC 8707) and its per-instance
 * cache: real KV (`:memory:`), real sealing.
 */
import assert from "node:assert/strict";
import { AccessTokens } from "./access.ts";
import { OAuthError } from "./oauth_error.ts";
import { RevocationStore } from "./revocation.ts";
import { Tokens } from "./tokens.ts";
import { keyring } from "../tests/_keys.ts";

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const MCP = "https://words.example.com/mcp";
const CLAIMS = {
  sub: "dev:alice",
  client_id: "gpt",
  scope: "game",
  fid: "f1",
};

async function setup() {
  const kv = await Deno.openKv(":memory:");
  const now = () => T0;
  const tokens = new Tokens(keyring, now);
  const store = new RevocationStore(kv, now);
  const access = new AccessTokens(tokens, store, now);
  // The sign-in these tokens belong to, as redeeming its code starts it.
  const family = {
    sub: CLAIMS.sub,
    client_id: CLAIMS.client_id,
    gen: 0,
    rotated_at: T0,
    revoked: false,
  };
  const read = await store.issuance(CLAIMS.sub, CLAIMS.fid);
  assert.equal(await store.redeemCode("j1", CLAIMS.fid, family, read), "ok");
  return {
    tokens,
    access,
    [Symbol.dispose]: () => kv.close(),
  };
}

async function refused(promise: Promise<unknown>, message: string) {
  await assert.rejects(
    promise,
    (err) => err instanceof OAuthError && err.code === "invalid_token",
    message,
  );
}

Deno.test("AccessTokens.authenticate() takes a token without aud for the REST API only", async () => {
  using t = await setup();
  const { token } = await t.tokens.seal("access", CLAIMS);
  assert.equal((await t.access.authenticate(token)).sub, "dev:alice");
  await refused(
    t.access.authenticate(token, { audience: MCP }),
    "a REST token at the MCP resource, after it was cached for the REST API",
  );
  // Refusing it there did not disturb the REST API's entry.
  assert.equal((await t.access.authenticate(token)).sub, "dev:alice");
});

Deno.test("AccessTokens.authenticate() takes a token with aud for that audience only", async () => {
  using t = await setup();
  const { token } = await t.tokens.seal("access", { ...CLAIMS, aud: MCP });
  await refused(t.access.authenticate(token), "an MCP token at the REST API");
  assert.equal(
    (await t.access.authenticate(token, { audience: MCP })).aud,
    MCP,
  );
  await refused(
    t.access.authenticate(token),
    "an MCP token at the REST API, after it was cached for the MCP resource",
  );
  await refused(
    t.access.authenticate(token, { audience: `${MCP}/other` }),
    "an MCP token at another resource",
  );
  assert.equal(
    (await t.access.authenticate(token, { audience: MCP })).aud,
    MCP,
  );
});

Deno.test("AccessTokens.authenticate(): no token string reaches another audience's cache entry", async () => {
  using t = await setup();
  const { token } = await t.tokens.seal("access", { ...CLAIMS, aud: MCP });
  await t.access.authenticate(token, { audience: MCP });
  for (const crafted of [`${MCP}\n${token}`, `${MCP} ${token}`, `\n${token}`]) {
    await refused(t.access.authenticate(crafted), JSON.stringify(crafted));
  }
});

Deno.test("AccessTokens: a full cache drops the oldest token not used since its last turn, and keeps one in use", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const now = () => T0;
    const tokens = new Tokens(keyring, now);
    // The real sealing, with the tokens it opens written down: an open is
    // a cache miss.
    const opened: string[] = [];
    const watched = {
      open: (purpose: "access", token: string) => (
        opened.push(token), tokens.open(purpose, token)
      ),
    } as unknown as Tokens;
    const store = new RevocationStore(kv, now);
    const access = new AccessTokens(watched, store, now, undefined, 3);
    const read = await store.issuance(CLAIMS.sub, CLAIMS.fid);
    await store.redeemCode("j1", CLAIMS.fid, {
      sub: CLAIMS.sub,
      client_id: CLAIMS.client_id,
      gen: 0,
      rotated_at: T0,
      revoked: false,
    }, read);
    const [a, b, c, d] = await Promise.all(
      [1, 2, 3, 4].map(async () => (await tokens.seal("access", CLAIMS)).token),
    ) as [string, string, string, string];
    for (const token of [a, b, c]) await access.authenticate(token);
    await access.authenticate(a); // a hit: a gets a second chance
    assert.deepEqual(opened.splice(0), [a, b, c]);
    await access.authenticate(d); // over the size: b, the oldest unused, goes
    await access.authenticate(a);
    await access.authenticate(c);
    assert.deepEqual(opened.splice(0), [d], "a and c were still cached");
    await access.authenticate(b);
    assert.deepEqual(opened.splice(0), [b], "b had been dropped");
  } finally {
    kv.close();
  }
});
