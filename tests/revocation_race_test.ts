/**
 * Revocation is linearizable with issuing tokens: a sign-out, an RFC 7009
 * revocation or an erasure that has answered leaves no working token behind,
 * whatever refresh or code redemption was in flight at that moment. Each test
 * runs its race many times, on a clock that moves on every read (so "issued
 * before the revocation" is never a same-millisecond tie), and asserts on
 * every trial.
 */
import assert from "node:assert/strict";
import {
  lastingRowsMentioning,
  rowsMentioning,
  type TestApp,
  testApp,
  tombstoneOf,
} from "./_app.ts";
import {
  api,
  postForm,
  refresh,
  signIn,
  type Tokens,
  tokensFor,
} from "./_flow.ts";

const TRIALS = 25;
const FAMILIES = 4;
/** A family still refreshing after this many rounds outlived the sign-out. */
const MAX_ROUNDS = 60;
/** Past the per-instance revocation cache (5 s) of every instance. */
const PAST_CACHE_BOUND = 6;

const UNLIMITED = {
  TOKEN_RATE_LIMIT: "0",
  AUTHORIZE_RATE_LIMIT: "0",
  GAME_RATE_LIMIT: "0",
};

/** Every token a trial saw issued. */
interface Issued {
  access: string[];
  refresh: string[];
}

/** Refreshes one family back to back until it is refused. */
async function refreshUntilRefused(
  t: TestApp,
  first: Tokens,
  issued: Issued,
): Promise<number> {
  let current = first.refresh_token;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const res = await refresh(t, current);
    if (res.status !== 200) {
      const body = await res.json();
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(body.error, "invalid_grant");
      return round;
    }
    const next: Tokens = await res.json();
    issued.access.push(next.access_token);
    issued.refresh.push(next.refresh_token);
    current = next.refresh_token;
  }
  return MAX_ROUNDS;
}

/** Redeems a code at some point during the race; a refusal is fine. */
async function redeemLater(
  t: TestApp,
  code: string,
  delay: number,
  issued: Issued,
): Promise<void> {
  for (let i = 0; i < delay; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, delay % 3));
  const res = await postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: "https://chatgpt.com/aip/g-test123/oauth/callback",
  });
  if (res.status === 200) {
    const tokens: Tokens = await res.json();
    issued.access.push(tokens.access_token);
    issued.refresh.push(tokens.refresh_token);
  } else {
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_grant");
  }
}

/** After the revocation answered and every cache bound passed: nothing works. */
async function assertAllDead(
  instances: TestApp[],
  issued: Issued,
  trial: number,
): Promise<void> {
  instances[0]!.advance(PAST_CACHE_BOUND);
  for (const t of instances) {
    for (const token of issued.access) {
      const res = await api(t, "/api/me", token);
      assert.equal(
        res.status,
        401,
        `trial ${trial}: an access token outlived the revocation`,
      );
    }
  }
  for (const token of issued.refresh) {
    const res = await refresh(instances[0]!, token);
    assert.equal(
      res.status,
      400,
      `trial ${trial}: a refresh token outlived the revocation`,
    );
  }
}

/**
 * One trial: `FAMILIES` families refresh back to back and `codes` codes are
 * redeemed, on instance `play`, while `revoke` runs on instance `act` after
 * a random short delay.
 */
async function race(
  play: TestApp,
  act: TestApp,
  login: string,
  revoke: (tokens: Tokens) => Promise<Response>,
  trial: number,
): Promise<void> {
  const families = await Promise.all(
    Array.from({ length: FAMILIES }, () => tokensFor(play, login)),
  );
  const codes = await Promise.all(
    Array.from(
      { length: 3 },
      async () => (await signIn(play, { login })).get("code")!,
    ),
  );
  const issued: Issued = {
    access: families.map((f) => f.access_token),
    refresh: families.map((f) => f.refresh_token),
  };
  const delay = Math.floor(Math.random() * 12);
  const revocation = (async () => {
    for (let i = 0; i < delay; i++) await Promise.resolve();
    await new Promise((r) => setTimeout(r, delay % 4));
    const res = await revoke(families[0]!);
    assert.equal(res.status, 200, await res.clone().text());
  })();
  const rounds = await Promise.all([
    ...families.map((f) => refreshUntilRefused(play, f, issued)),
    ...codes.map((code, i) => redeemLater(play, code, delay + i * 3, issued)),
    revocation,
  ]);
  for (const r of rounds.slice(0, FAMILIES)) {
    assert.ok(
      (r as number) < MAX_ROUNDS,
      `trial ${trial}: a family kept refreshing after the revocation`,
    );
  }
  await assertAllDead([play, act], issued, trial);
}

Deno.test("sign-out during back-to-back refreshes and code redemptions: no token issued before or during it survives, on every trial", async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    await using a = await testApp({ env: UNLIMITED, ticking: true });
    await race(
      a,
      a,
      `racer${trial}`,
      (tokens) =>
        api(a, "/api/me/signout", tokens.access_token, { method: "POST" }),
      trial,
    );
  }
});

Deno.test("sign-out on one instance while another refreshes: nothing survives past the cache bound, on every trial", async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    await using a = await testApp({ env: UNLIMITED, ticking: true });
    await using b = await testApp({ env: UNLIMITED, kv: a.kv, clockOf: a });
    await race(
      b,
      a,
      `racer${trial}`,
      (tokens) =>
        api(a, "/api/me/signout", tokens.access_token, { method: "POST" }),
      trial,
    );
  }
});

Deno.test("erasing the player during back-to-back refreshes and code redemptions: nothing survives, on every trial", async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    await using a = await testApp({ env: UNLIMITED, ticking: true });
    await race(
      a,
      a,
      `eraser${trial}`,
      (tokens) => api(a, "/api/me", tokens.access_token, { method: "DELETE" }),
      trial,
    );
  }
});

Deno.test("a code a sign-out killed stays dead after the player erases their data", async () => {
  await using t = await testApp({ ticking: true });
  const killed = (await signIn(t, { login: "erin" })).get("code")!;
  const tokens = await tokensFor(t, "erin");
  assert.equal(
    (await api(t, "/api/me/signout", tokens.access_token, { method: "POST" }))
      .status,
    200,
  );
  // A new sign-in after the sign-out, then an erasure.
  const fresh = await tokensFor(t, "erin");
  const justBefore = (await signIn(t, { login: "erin" })).get("code")!;
  assert.equal(
    (await api(t, "/api/me", fresh.access_token, { method: "DELETE" })).status,
    200,
  );
  t.advance(PAST_CACHE_BOUND);
  for (const code of [killed, justBefore]) {
    const res = await postForm(t, "/oauth/token", {
      grant_type: "authorization_code",
      code,
      redirect_uri: "https://chatgpt.com/aip/g-test123/oauth/callback",
    });
    assert.equal(res.status, 400, "a code from before the erasure redeems");
    assert.equal((await res.json()).error, "invalid_grant");
  }
  // The person can sign in again and play afresh.
  const again = await tokensFor(t, "erin");
  assert.equal((await api(t, "/api/me", again.access_token)).status, 200);
  assert.equal((await refresh(t, again.refresh_token)).status, 200);
});

Deno.test("an RFC 7009 revocation during back-to-back refreshes of its family: the family is dead on every trial", async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    await using t = await testApp({ env: UNLIMITED, ticking: true });
    const first = await tokensFor(t, `rev${trial}`);
    const issued: Issued = {
      access: [first.access_token],
      refresh: [first.refresh_token],
    };
    const delay = Math.floor(Math.random() * 12);
    const [rounds] = await Promise.all([
      refreshUntilRefused(t, first, issued),
      (async () => {
        for (let i = 0; i < delay; i++) await Promise.resolve();
        const res = await postForm(t, "/oauth/revoke", {
          token: first.refresh_token,
        });
        assert.equal(res.status, 200);
      })(),
    ]);
    assert.ok(rounds < MAX_ROUNDS, `trial ${trial}: the family kept going`);
    await assertAllDead([t], issued, trial);
  }
});

Deno.test("a code issued before a sign-out on an instance whose clock runs 50 ms ahead does not redeem after it", async () => {
  await using b = await testApp();
  await using a = await testApp({ kv: b.kv, clockOf: b, skewMs: 50 });
  const tokens = await tokensFor(b, "skew");
  const code = (await signIn(a, { login: "skew" })).get("code")!;
  b.advance(0.01);
  assert.equal(
    (await api(b, "/api/me/signout", tokens.access_token, { method: "POST" }))
      .status,
    200,
  );
  b.advance(0.01);
  const res = await postForm(b, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: "https://chatgpt.com/aip/g-test123/oauth/callback",
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
});

Deno.test("a sign-in after a sign-out, on an instance whose clock runs 50 ms behind, works", async () => {
  await using b = await testApp();
  await using a = await testApp({ kv: b.kv, clockOf: b, skewMs: -50 });
  const old = await tokensFor(b, "skew");
  assert.equal(
    (await api(b, "/api/me/signout", old.access_token, { method: "POST" }))
      .status,
    200,
  );
  b.advance(0.01);
  const fresh = await tokensFor(a, "skew");
  for (const t of [a, b]) {
    assert.equal((await api(t, "/api/me", fresh.access_token)).status, 200);
  }
  const next = await refresh(a, fresh.refresh_token);
  assert.equal(next.status, 200);
  assert.equal(
    (await api(b, "/api/me", (await next.json()).access_token)).status,
    200,
  );
  assert.equal((await api(b, "/api/me", old.access_token)).status, 401);
});

const nickname = (t: TestApp, token: string, name: string) =>
  api(t, "/api/me/nickname", token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: name }),
  });
const startRound = (t: TestApp, token: string) =>
  api(t, "/api/rounds", token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ category: "animals" }),
  });

Deno.test("after DELETE /api/me, an instance still trusting the token from its cache writes nothing that outlives the erasure", async () => {
  await using a = await testApp();
  await using b = await testApp({ kv: a.kv, clockOf: a });
  const tokens = await tokensFor(a, "leaver");
  assert.equal((await api(b, "/api/me", tokens.access_token)).status, 200);
  assert.equal(
    (await api(a, "/api/me", tokens.access_token, { method: "DELETE" }))
      .status,
    200,
  );
  // B's cache still says the token is good (the documented 5 s bound), but
  // the writes check the sign-in itself, which is gone.
  const named = await nickname(b, tokens.access_token, "WordWizard");
  assert.equal(named.status, 401);
  assert.match(named.headers.get("www-authenticate")!, /invalid_token/);
  assert.equal((await startRound(b, tokens.access_token)).status, 401);
  a.advance(PAST_CACHE_BOUND);
  // Rate windows are counted before any handler and expire in 2 minutes.
  assert.deepEqual(
    await lastingRowsMentioning(a.kv, "dev:leaver"),
    tombstoneOf("dev:leaver"),
  );
  // The nickname is free for someone else.
  const other = await tokensFor(a, "stayer");
  assert.equal(
    (await nickname(a, other.access_token, "WordWizard")).status,
    200,
  );
});

Deno.test("DELETE /api/me racing the player's own nickname and round writes leaves only the tombstone, on every trial", async () => {
  for (let trial = 0; trial < TRIALS; trial++) {
    await using t = await testApp({ env: UNLIMITED, ticking: true });
    const sub = `dev:racer${trial}`;
    const tokens = await tokensFor(t, `racer${trial}`);
    const later = async <T>(run: () => Promise<T>): Promise<T> => {
      const ticks = Math.floor(Math.random() * 60);
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      if (ticks % 3 === 0) await new Promise((r) => setTimeout(r, 0));
      return await run();
    };
    const writes = [
      later(() => nickname(t, tokens.access_token, `Racer ${trial}`)),
      later(() => startRound(t, tokens.access_token)),
      later(() => nickname(t, tokens.access_token, `Racer ${trial} b`)),
      later(() => startRound(t, tokens.access_token)),
    ];
    const erased = api(t, "/api/me", tokens.access_token, { method: "DELETE" });
    for (const res of await Promise.all(writes)) {
      assert.ok(
        [200, 201, 401].includes(res.status),
        `trial ${trial}: ${res.status}`,
      );
    }
    assert.equal((await erased).status, 200, `trial ${trial}`);
    assert.deepEqual(
      await lastingRowsMentioning(t.kv, sub),
      tombstoneOf(sub),
      `trial ${trial}`,
    );
    assert.deepEqual(
      await rowsMentioning(t.kv, `Racer ${trial}`),
      [],
      `trial ${trial}`,
    );
  }
});
