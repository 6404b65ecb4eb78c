import assert from "node:assert/strict";
import { points } from "../game/rules.ts";
import { lastingRowsMentioning, testApp, tombstoneOf } from "./_app.ts";
import { ALL_OPERATIONS, faultyKv, type KvOperation } from "./_faulty_kv.ts";
import { guardKv, type KvList, StorageUnavailable } from "../lib/kv.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  postForm,
  REDIRECT,
  redirectParams,
  refresh,
  signIn,
  tokensFor,
} from "./_flow.ts";
import { secret } from "./_game.ts";

function assertNoTrace(text: string) {
  assert.doesNotMatch(text, /injected KV fault|at .*\.ts:\d+|Error:/);
}

Deno.test("KV down: the token endpoint answers 503 temporarily_unavailable with Retry-After", async () => {
  const f = await faultyKv();
  await using t = await testApp({ kv: f.kv });
  const code = (await signIn(t)).get("code")!;
  for (const op of ALL_OPERATIONS) f.failing.add(op);
  const res = await postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
  });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  assert.equal(res.headers.get("cache-control"), "no-store");
  const text = await res.text();
  assertNoTrace(text);
  assert.equal(JSON.parse(text).error, "temporarily_unavailable");
  f.failing.clear();
  const tokens = await exchange(t, code);
  assert.ok(
    tokens.access_token,
    "the code was not burnt by the failed attempt",
  );
  f.close();
});

Deno.test("KV down: API calls answer 503 JSON with Retry-After, and a failed guess leaves the round playable", async () => {
  const f = await faultyKv();
  await using t = await testApp({ kv: f.kv });
  const { access_token } = await tokensFor(t);
  const start = await api(t, "/api/rounds", access_token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ category: "colors" }),
  });
  const round = (await start.json()).round;
  f.failing.add("commit");
  const guess = await api(t, "/api/rounds/guess", access_token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ round, guess: "nope" }),
  });
  assert.equal(guess.status, 503);
  assert.equal(guess.headers.get("retry-after"), "5");
  const text = await guess.text();
  assertNoTrace(text);
  assert.equal(JSON.parse(text).error, "temporarily_unavailable");
  f.failing.clear();
  const retry = await api(t, "/api/rounds/guess", access_token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ round, guess: "nope" }),
  });
  assert.equal(
    (await retry.json()).attempts_left,
    4,
    "the failed guess was not counted",
  );
  assert.ok(t.logs.some((l) => l.msg === "storage unavailable"));
  f.close();
});

Deno.test("KV down just after a guess is committed: the answer still tells the truth, so no retry is needed", async () => {
  const f = await faultyKv();
  // No rate limit: its counter would be the first commit of each request.
  await using t = await testApp({ kv: f.kv, env: { GAME_RATE_LIMIT: "0" } });
  const { access_token } = await tokensFor(t);
  const move = (path: string, body: unknown) =>
    api(t, path, access_token, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const started = await (await move("/api/rounds", { category: "colors" }))
    .json();
  const round = started.round;
  f.afterCommit.add("get").add("getMany").add("set");
  const wrong = await move("/api/rounds/guess", { round, guess: "nope" });
  assert.equal(wrong.status, 200);
  assert.deepEqual(await wrong.json(), {
    correct: false,
    score: 0,
    attempts_left: 4,
    points_available: points(1, 1),
    category: "colors",
    letters: started.letters,
    clues: started.clues,
  });
  f.failing.clear();
  const word = await secret(t, round);
  f.afterCommit.add("get").add("getMany").add("set");
  const right = await move("/api/rounds/guess", { round, guess: word });
  assert.equal(right.status, 200);
  const verdict = await right.json();
  assert.equal(verdict.correct, true);
  assert.equal(verdict.score, verdict.points);
  f.failing.clear();
  const score = await (await api(t, "/api/score", access_token)).json();
  assert.equal(score.score, verdict.points, "counted once");
  f.close();
});

Deno.test("KV down during DELETE /api/me: 503, and the same call with the same token finishes the job", async () => {
  const f = await faultyKv();
  await using t = await testApp({ kv: f.kv });
  const { access_token } = await tokensFor(t);
  await api(t, "/api/me/nickname", access_token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "Halfway" }),
  });
  for (const op of ["delete", "commit"] as const) {
    f.failing.add(op);
    const res = await api(t, "/api/me", access_token, { method: "DELETE" });
    assert.equal(res.status, 503, op);
    f.failing.clear();
  }
  const done = await api(t, "/api/me", access_token, { method: "DELETE" });
  assert.equal(done.status, 200);
  assert.deepEqual(
    await lastingRowsMentioning(t.kv, "dev:alice"),
    tombstoneOf("dev:alice"),
  );
  assert.equal((await api(t, "/api/me", access_token)).status, 401);
  f.close();
});

Deno.test("KV down: refresh answers 503 and the refresh token still works afterwards", async () => {
  const f = await faultyKv();
  await using t = await testApp({ kv: f.kv });
  const tokens = await tokensFor(t);
  f.failing.add("get");
  const res = await refresh(t, tokens.refresh_token);
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error, "temporarily_unavailable");
  f.failing.clear();
  assert.equal((await refresh(t, tokens.refresh_token)).status, 200);
  f.close();
});

Deno.test("KV down: sign-in still completes (it needs no KV), and a cold bearer check answers 503 without a stack trace", async () => {
  const f = await faultyKv();
  await using t = await testApp({ kv: f.kv });
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "dev", login_hint: "a" }),
  );
  // A sign-in needs no KV until the token endpoint; the bearer check does.
  const done = await browse(t, jar, start.headers.get("location")!);
  assert.ok(redirectParams(done).get("code"));
  const tokens = await tokensFor(t);
  // Past the cache bound, the check reads the revocation log (its head, a
  // listing) or, for a token older than the log, the token's family.
  for (const read of ["get", "getMany", "list"] as const) f.failing.add(read);
  t.advance(10);
  const me = await api(t, "/api/me", tokens.access_token);
  assert.equal(me.status, 503);
  assertNoTrace(await me.text());
  f.close();
});

Deno.test("KV down: /health answers 503", async () => {
  const f = await faultyKv();
  await using t = await testApp({ kv: f.kv });
  f.failing.add("get");
  const res = await t.app.request("/health");
  assert.equal(res.status, 503);
  f.close();
});

Deno.test("guardKv() retries lock contention on every operation — get, getMany, list, set, delete and commit — not only commit", async () => {
  const f = await faultyKv();
  const kv = guardKv(f.kv);
  await f.kv.set(["k"], 1);
  const run: Record<KvOperation, () => Promise<unknown>> = {
    get: () => kv.get(["k"]),
    getMany: () => kv.getMany([["k"]]),
    list: async () => {
      const keys = [];
      for await (const { key } of kv.list({ prefix: [] })) keys.push(key);
      return keys;
    },
    set: () => kv.set(["k"], 2),
    delete: () => kv.delete(["gone"]),
    commit: () => kv.atomic().set(["k"], 3).commit(),
  };
  for (const op of ALL_OPERATIONS) {
    f.busy.set(op, 3);
    await run[op]();
    assert.equal(
      f.busy.get(op),
      0,
      `${op}: went through once the lock cleared`,
    );
  }
  // Contention that never clears is an outage, like any other failure.
  f.busy.set("get", 1000);
  await assert.rejects(kv.get(["k"]), StorageUnavailable);
  f.close();
});

Deno.test("guardKv(): a listing interrupted by lock contention resumes after the last entry, within its limit, and exposes a cursor that resumes it", async () => {
  const f = await faultyKv();
  const kv = guardKv(f.kv);
  for (let i = 0; i < 10; i++) await f.kv.set(["n", i], i);
  const read = async (list: KvList<number>, stopAt = Infinity) => {
    const seen: number[] = [];
    for await (const { value } of list) {
      seen.push(value);
      // Contention strikes mid-way, between two batches or within one.
      if (seen.length === 3) f.busy.set("list", 2);
      if (seen.length === stopAt) break;
    }
    return seen;
  };
  const all = kv.list<number>({ prefix: ["n"] }, { batchSize: 2 });
  assert.deepEqual(await read(all), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const limited = kv.list<number>({ prefix: ["n"] }, { limit: 5 });
  assert.deepEqual(await read(limited), [0, 1, 2, 3, 4]);
  const reversed = kv.list<number>({ prefix: ["n"] }, { reverse: true });
  assert.deepEqual(await read(reversed, 6), [9, 8, 7, 6, 5, 4]);
  const rest = kv.list<number>({ prefix: ["n"] }, {
    reverse: true,
    cursor: reversed.cursor,
  });
  assert.deepEqual(await read(rest), [3, 2, 1, 0]);
  f.close();
});
