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
import { T0, testApp } from "./_app.ts";
import { exchange, signIn, tokensFor } from "./_flow.ts";

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

Deno.test("revocation log: the first grant of a new deployment starts the log, so its tokens are never checked per token", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, take } = counting(real);
    // A clock that stands still: the grant's tokens are stamped in the same
    // millisecond as the start it records.
    await using t = await testApp({ kv });
    const { access_token } = await tokensFor(t);
    assert.notEqual(
      (await real.get(["revocation_log_since"])).versionstamp,
      null,
      "the grant recorded when the log started",
    );
    take();
    for (let i = 0; i < 3; i++) {
      const res = await t.app.request("/api/words", {
        headers: { authorization: `Bearer ${access_token}` },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    // The log is read (its head, then one listing); the token's own family
    // and its user's record are not: that read is for tokens issued before
    // the log started.
    assert.deepEqual(take(), ["get", "list"]);
  } finally {
    real.close();
  }
});

Deno.test("revocation log: concurrent first grants of a new deployment all issue, on two instances sharing one KV", async () => {
  for (let trial = 0; trial < 10; trial++) {
    const kv = await Deno.openKv(":memory:");
    try {
      await using a = await testApp({ kv, ticking: true });
      await using b = await testApp({ kv, ticking: true });
      const logins = Array.from({ length: 6 }, (_, i) => `p${i}`);
      const codes = await Promise.all(
        logins.map(async (login, i) =>
          (await signIn(i % 2 ? a : b, { login })).get("code")!
        ),
      );
      const issued = await Promise.all(
        codes.map((code, i) => exchange(i % 2 ? a : b, code)),
      );
      for (const tokens of issued) assert.ok(tokens.access_token);
      const since = await kv.get<number>(["revocation_log_since"]);
      assert.equal(typeof since.value, "number", "one start, recorded once");
    } finally {
      kv.close();
    }
  }
});
