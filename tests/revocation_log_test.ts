/**
 * Access tokens are checked against the log of revocations every instance
 * follows: no request reads KV however many distinct tokens are in use, a
 * revocation on one instance reaches another within the cache period, an
 * instance started later still knows the last hour's revocations, and
 * tokens issued before a deployment kept the log are checked per token.
 */
import assert from "node:assert/strict";
import type { Kv } from "../lib/kv.ts";
import { counting } from "./_kv_calls.ts";
import {
  LOG_KEEP_MS,
  REVOCATION_CACHE_MS,
  RevocationStore,
} from "../auth/revocation.ts";
import { AccessTokens } from "../auth/access.ts";
import { Tokens } from "../auth/tokens.ts";
import { keyring } from "./_keys.ts";
import { T0 } from "./_app.ts";

/** An instance: its revocation store and token check over `kv`, on `clock`. */
function instance(kv: Kv, clock: { now: number }) {
  const now = () => clock.now;
  const tokens = new Tokens(keyring, now);
  const store = new RevocationStore(kv, now);
  return { tokens, store, access: new AccessTokens(tokens, store, now) };
}

async function family(
  store: RevocationStore,
  kv: Kv,
  sub: string,
  fid: string,
) {
  // What a code redemption writes: the family, not revoked.
  await kv.set(["family", sub, fid], {
    sub,
    client_id: "gpt",
    gen: 0,
    rotated_at: 0,
    revoked: false,
  });
  return store;
}

Deno.test("revocation log: 1,000 distinct tokens are checked with no KV read per request, and a revocation on another instance is honoured within the cache period", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const clock = { now: T0 };
    const { kv, count: calls } = counting(real);
    const a = instance(kv, clock);
    const b = instance(kv, clock);
    await b.store.isRevoked("dev:nobody", "x", clock.now); // the log starts
    clock.now += 10;
    const issued: string[] = [];
    for (let i = 0; i < 1000; i++) {
      await family(a.store, real, `dev:p${i}`, `f${i}`);
      issued.push(
        (await a.tokens.seal("access", {
          sub: `dev:p${i}`,
          client_id: "gpt",
          scope: "game",
          fid: `f${i}`,
        })).token,
      );
    }
    const before = calls();
    for (const token of issued) await b.access.authenticate(token);
    assert.equal(calls() - before, 0, "no KV call for 1,000 distinct tokens");

    await a.store.revokeFamily("dev:p7", "f7");
    await a.store.revokeUser("dev:p8");
    // Within the cache period b may still answer from what it knew...
    clock.now += REVOCATION_CACHE_MS;
    // ...and once it has passed, b reads the log (one read, one listing).
    const polled = calls();
    await assert.rejects(() => b.access.authenticate(issued[7]!), /revoked/);
    await assert.rejects(() => b.access.authenticate(issued[8]!), /revoked/);
    await b.access.authenticate(issued[9]!);
    assert.ok(calls() - polled <= 2, `${calls() - polled} KV calls`);
  } finally {
    real.close();
  }
});

Deno.test("revocation log: an instance started half an hour after a revocation still refuses the revoked token", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = { now: T0 };
    const a = instance(kv, clock);
    await a.store.isRevoked("dev:nobody", "x", clock.now);
    clock.now += 10;
    await family(a.store, kv, "dev:ann", "f1");
    const { token } = await a.tokens.seal("access", {
      sub: "dev:ann",
      client_id: "gpt",
      scope: "game",
      fid: "f1",
    });
    await a.store.revokeFamily("dev:ann", "f1");
    clock.now += 30 * 60_000;
    const late = instance(kv, clock);
    await assert.rejects(
      () => late.access.authenticate(token),
      /revoked|expired/,
    );
    // The log entry outlives every access token it could concern.
    const entries = await Array.fromAsync(
      kv.list({ prefix: ["revocation_log"] }),
    );
    assert.equal(entries.length, 1);
    assert.ok(LOG_KEEP_MS > 60 * 60_000);
  } finally {
    kv.close();
  }
});

Deno.test("revocation log: a token issued before the deployment kept the log is checked per token, so an earlier revocation still holds", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = { now: T0 };
    const old = instance(kv, clock);
    // Issued and revoked by the previous version: the family row says so,
    // and nothing is in the log.
    await kv.set(["family", "dev:old", "f1"], {
      sub: "dev:old",
      client_id: "gpt",
      gen: 0,
      rotated_at: 0,
      revoked: true,
    });
    const { token } = await old.tokens.seal("access", {
      sub: "dev:old",
      client_id: "gpt",
      scope: "game",
      fid: "f1",
    });
    clock.now += 10;
    const upgraded = instance(kv, clock);
    await assert.rejects(() => upgraded.access.authenticate(token), /revoked/);
  } finally {
    kv.close();
  }
});
