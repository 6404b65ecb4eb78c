/**
 * First seen and last active, recorded cheaply: at each sign-in, and on the
 * API at most once an hour per user (counted on a real KV through a wrapper
 * that records every key written); each player counted once a day; the
 * rows erased with the player's data.
 */
import assert from "node:assert/strict";
import type { Kv, KvAtomic } from "../lib/kv.ts";
import { lastingRowsMentioning, T0, testApp, tombstoneOf } from "./_app.ts";
import { api, refresh, type Tokens, tokensFor } from "./_flow.ts";

/** Fresh tokens from a refresh (it records nothing of the member). */
async function renewed(
  t: Parameters<typeof refresh>[0],
  tokens: Tokens,
): Promise<Tokens> {
  const res = await refresh(t, tokens.refresh_token);
  assert.equal(res.status, 200);
  return await res.json();
}
import type { MemberRow } from "../account/members.ts";

/** `kv`, recording the first part of every key written and every read. */
function recording(kv: Deno.Kv) {
  const writes: string[] = [];
  const reads: string[] = [];
  const name = (key: Deno.KvKey) => key.map(String).join("/");
  const wrapped: Kv = {
    get: (key, options) => (reads.push(name(key)), kv.get(key, options)),
    getMany: ((keys: Deno.KvKey[], options?: never) => (
      reads.push(...keys.map(name)), kv.getMany(keys, options)
    )) as Kv["getMany"],
    list: (selector, options) => kv.list(selector, options),
    set: (key, value, options) => (
      writes.push(name(key)), kv.set(key, value, options)
    ),
    delete: (key) => (writes.push(`delete ${name(key)}`), kv.delete(key)),
    atomic: () => {
      const op = kv.atomic();
      const pending: string[] = [];
      const wrappedOp: KvAtomic = {
        check: (...checks) => (op.check(...checks), wrappedOp),
        set: (key, value, options) => (
          pending.push(name(key)), op.set(key, value, options), wrappedOp
        ),
        delete: (key) => (
          pending.push(`delete ${name(key)}`), op.delete(key), wrappedOp
        ),
        sum: (key, n) => (
          pending.push(`sum ${name(key)}`), op.sum(key, n), wrappedOp
        ),
        min: (key, n) => (op.min(key, n), wrappedOp),
        max: (key, n) => (op.max(key, n), wrappedOp),
        commit: async () => {
          const result = await op.commit();
          if (result.ok) writes.push(...pending);
          return result;
        },
      };
      return wrappedOp;
    },
  };
  const of = (list: string[], prefix: string) =>
    list.splice(0).filter((k) => k.replace(/^\w+ /, "").startsWith(prefix));
  return {
    kv: wrapped,
    /** Member writes since the last call. */
    memberWrites: () => of(writes, "member"),
    /** Member reads since the last call. */
    memberReads: () => of(reads, "member"),
  };
}

const NO_LIMITS = { GAME_RATE_LIMIT: "0", READ_RATE_LIMIT: "0" };

Deno.test("members: a sign-in records first seen and last active; API calls then write the member at most once an hour, and a warm call reads nothing of it", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, memberWrites, memberReads } = recording(real);
    await using t = await testApp({ kv, env: NO_LIMITS });
    const tokens = await tokensFor(t, "ada");
    assert.deepEqual(memberWrites(), [
      "member/dev:ada",
      "sum member_day/2026-11-23/new",
      "sum member_day/2026-11-23/active",
    ]);
    memberReads();
    const first = (await real.get<MemberRow>(["member", "dev:ada"])).value!;
    assert.deepEqual(first, {
      first_seen: T0,
      last_active: T0,
      provider: "dev",
    });
    for (let minute = 0; minute < 59; minute++) {
      assert.equal((await api(t, "/api/me", tokens.access_token)).status, 200);
      t.advance(60);
    }
    assert.deepEqual(memberWrites(), [], "nothing within the hour");
    assert.deepEqual(memberReads(), [], "nor any read");
    t.advance(60);
    // The access token just expired; its renewal writes nothing here.
    const next = await renewed(t, tokens);
    assert.deepEqual(memberWrites(), []);
    for (let i = 0; i < 20; i++) {
      assert.equal((await api(t, "/api/me", next.access_token)).status, 200);
    }
    // The same UTC day: the row moves, the day's count does not.
    assert.deepEqual(memberWrites(), ["member/dev:ada"], "one write an hour");
    const later = (await real.get<MemberRow>(["member", "dev:ada"])).value!;
    assert.equal(later.first_seen, T0);
    assert.equal(later.last_active, T0 + 3600_000);
  } finally {
    real.close();
  }
});

Deno.test("members: another instance sharing KV reads the row once, writes nothing within the hour of the last write, and then nothing more", async () => {
  const real = await Deno.openKv(":memory:");
  try {
    const { kv, memberWrites, memberReads } = recording(real);
    await using a = await testApp({ kv, env: NO_LIMITS });
    await using b = await testApp({ kv, env: NO_LIMITS, clockOf: a });
    const tokens = await tokensFor(a, "ada");
    memberWrites();
    memberReads();
    a.advance(1800);
    for (let i = 0; i < 10; i++) {
      assert.equal((await api(b, "/api/me", tokens.access_token)).status, 200);
    }
    assert.deepEqual(memberWrites(), []);
    assert.deepEqual(memberReads(), ["member/dev:ada"], "one read, once");
    // An hour after A's write, B is the one that writes it.
    a.advance(1800);
    const next = await renewed(a, tokens);
    memberWrites();
    for (let i = 0; i < 10; i++) {
      assert.equal((await api(b, "/api/me", next.access_token)).status, 200);
    }
    assert.deepEqual(memberWrites(), ["member/dev:ada"]);
  } finally {
    real.close();
  }
});

Deno.test("members: active players per day count each player once a day; a new UTC day counts them again", async () => {
  await using t = await testApp({ env: NO_LIMITS });
  let ada = await tokensFor(t, "ada");
  let bob = await tokensFor(t, "bob");
  for (let hour = 0; hour < 11; hour++) {
    assert.equal((await api(t, "/api/me", ada.access_token)).status, 200);
    assert.equal((await api(t, "/api/me", bob.access_token)).status, 200);
    t.advance(3600);
    ada = await renewed(t, ada);
    bob = await renewed(t, bob);
  }
  // 23:00 UTC on the first day; both players' sign-ins are an hour old.
  const counts = async (day: string) => {
    const get = async (kind: string) =>
      Number(
        (await t.kv.get<Deno.KvU64>(["member_day", day, kind])).value?.value ??
          0n,
      );
    return { new: await get("new"), active: await get("active") };
  };
  assert.deepEqual(await counts("2026-11-23"), { new: 2, active: 2 });
  t.advance(3600);
  bob = await renewed(t, bob);
  const again = await tokensFor(t, "ada");
  assert.equal((await api(t, "/api/me", again.access_token)).status, 200);
  assert.equal((await api(t, "/api/me", bob.access_token)).status, 200);
  assert.deepEqual(await counts("2026-11-24"), { new: 0, active: 2 });
  assert.deepEqual(await counts("2026-11-23"), { new: 2, active: 2 });
});

Deno.test("members: DELETE /api/me erases the member row; the day counts, which carry no user id, stay", async () => {
  await using t = await testApp({ env: NO_LIMITS });
  const tokens = await tokensFor(t, "leaver");
  assert.ok((await t.kv.get(["member", "dev:leaver"])).value);
  const res = await api(t, "/api/me", tokens.access_token, {
    method: "DELETE",
  });
  assert.equal(res.status, 200);
  assert.deepEqual(
    await lastingRowsMentioning(t.kv, "dev:leaver"),
    tombstoneOf("dev:leaver"),
  );
  const day = await t.kv.get<Deno.KvU64>(["member_day", "2026-11-23", "new"]);
  assert.equal(day.value?.value, 1n);
  // An instance still trusting the token writes no activity afterwards.
  t.advance(3601);
  await api(t, "/api/me", tokens.access_token);
  assert.equal((await t.kv.get(["member", "dev:leaver"])).value, null);
});

Deno.test("members: the activity write of a call authenticated just before an erasure writes nothing after it: the erased member does not come back", async () => {
  await using a = await testApp({ env: NO_LIMITS });
  // B's KV holds its first read of a member row until the erasure answered.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let held = false;
  const real = a.kv;
  const slow: Kv = {
    get: (key, options) => real.get(key, options),
    getMany: (async (keys: Deno.KvKey[], options?: never) => {
      if (!held && keys.some((k) => k[0] === "member")) {
        held = true;
        await gate;
      }
      return await real.getMany(keys, options);
    }) as Kv["getMany"],
    list: (selector, options) => real.list(selector, options),
    set: (key, value, options) => real.set(key, value, options),
    delete: (key) => real.delete(key),
    atomic: () => real.atomic(),
  };
  await using b = await testApp({ env: NO_LIMITS, kv: slow, clockOf: a });
  const signedIn = await tokensFor(a, "leaver");
  // An hour on, so B's call does want to write the row.
  a.advance(3601);
  const tokens = await renewed(a, signedIn);
  const call = api(b, "/api/me", tokens.access_token);
  while (!held) await new Promise((r) => setTimeout(r, 1));
  const erased = await api(a, "/api/me", tokens.access_token, {
    method: "DELETE",
  });
  assert.equal(erased.status, 200);
  release();
  // The call was authenticated before the erasure: it answers.
  assert.equal((await call).status, 200);
  assert.deepEqual(
    await lastingRowsMentioning(a.kv, "dev:leaver"),
    tombstoneOf("dev:leaver"),
  );
});
