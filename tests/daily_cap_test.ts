/**
 * The daily cap on scored rounds: past it rounds still play, say up front
 * that they score nothing, and a correct guess says so; the count is exact
 * under concurrent guesses; a new UTC day scores again.
 */
import assert from "node:assert/strict";
import { gameKeys } from "../game/game.ts";
import { type TestApp, testApp } from "./_app.ts";
import { api, ORIGIN, refresh, tokensFor } from "./_flow.ts";
import { secret } from "./_game.ts";

const json = { "content-type": "application/json" };

function startRound(t: TestApp, token: string) {
  return api(t, "/api/rounds", token, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ category: "colors" }),
  }).then((res) => {
    assert.equal(res.status, 201);
    return res.json();
  });
}

async function solve(t: TestApp, token: string, round: string) {
  const res = await api(t, "/api/rounds/guess", token, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ round, guess: await secret(t, round) }),
  });
  assert.equal(res.status, 200);
  return await res.json();
}

const scoreOf = (t: TestApp, token: string) =>
  api(t, "/api/score", token).then((res) => res.json()).then((b) => b.score);

Deno.test("daily cap: past DAILY_SCORED_ROUNDS a round says up front it scores nothing, a correct guess scores 0 and says so, and the next UTC day scores again", async () => {
  await using t = await testApp({ env: { DAILY_SCORED_ROUNDS: "2" } });
  const tokens = await tokensFor(t);
  const token = tokens.access_token;
  for (const left of [1, 0]) {
    const round = await startRound(t, token);
    assert.equal(round.points_available, 100);
    assert.equal(round.message, undefined);
    const verdict = await solve(t, token, round.round);
    assert.deepEqual(
      [verdict.points, verdict.scored, verdict.scored_rounds_left],
      [100, true, left],
    );
    assert.equal(verdict.message, undefined);
  }
  const third = await startRound(t, token);
  assert.equal(third.points_available, 0);
  assert.equal(third.scored_rounds_left, 0);
  assert.match(third.message, /scored 2 rounds today.*score nothing/);
  const word = await secret(t, third.round);
  const verdict = await solve(t, token, third.round);
  assert.deepEqual(verdict, {
    correct: true,
    score: 200,
    attempts_left: 5,
    points: 0,
    scored: false,
    scored_rounds_left: 0,
    message: third.message,
    word,
    category: third.category,
    letters: word.length,
    clues: third.clues,
  });
  assert.equal(await scoreOf(t, token), 200);
  const board = await (await api(t, "/api/leaderboard", token)).json();
  assert.equal(board.you.score, 200);

  // T0 is noon UTC: thirteen hours on, it is the next day.
  t.advance(13 * 3600);
  const fresh = await (await refresh(t, tokens.refresh_token)).json();
  const tomorrow = await startRound(t, fresh.access_token);
  assert.deepEqual(
    [tomorrow.points_available, tomorrow.scored_rounds_left],
    [100, 2],
  );
  assert.equal(
    (await solve(t, fresh.access_token, tomorrow.round)).points,
    100,
  );
  assert.equal(await scoreOf(t, fresh.access_token), 300);
});

Deno.test("daily cap: concurrent correct guesses at the cap score exactly the rounds left, on every trial", async () => {
  await using t = await testApp({
    env: { DAILY_SCORED_ROUNDS: "3", GAME_RATE_LIMIT: "0" },
  });
  for (let trial = 0; trial < 15; trial++) {
    const { access_token: token } = await tokensFor(t, `racer${trial}`);
    await solve(t, token, (await startRound(t, token)).round);
    const rounds = [];
    for (let i = 0; i < 8; i++) rounds.push(await startRound(t, token));
    const verdicts = await Promise.all(
      rounds.map((r) => solve(t, token, r.round)),
    );
    const scored = verdicts.filter((v) => v.scored);
    assert.equal(scored.length, 2, `trial ${trial}: the 2 rounds left`);
    assert.ok(scored.every((v) => v.points === 100));
    assert.ok(
      verdicts.filter((v) => !v.scored).every((v) =>
        v.correct && v.points === 0 && v.scored_rounds_left === 0
      ),
    );
    assert.equal(await scoreOf(t, token), 300, `trial ${trial}`);
    const day = new Date(t.now()).toISOString().slice(0, 10);
    const count = await t.kv.get<Deno.KvU64>(
      gameKeys.scoredToday(`dev:racer${trial}`, day),
    );
    assert.equal(count.value?.value, 3n, `trial ${trial}`);
  }
});

Deno.test("daily cap: DAILY_SCORED_ROUNDS=0 scores every round and keeps no daily count", async () => {
  await using t = await testApp({ env: { DAILY_SCORED_ROUNDS: "0" } });
  const { access_token: token } = await tokensFor(t);
  const round = await startRound(t, token);
  assert.equal(round.scored_rounds_left, undefined);
  const verdict = await solve(t, token, round.round);
  assert.equal(verdict.scored, true);
  assert.equal(verdict.scored_rounds_left, undefined);
  for await (const { key } of t.kv.list({ prefix: ["scored_today"] })) {
    assert.fail(`unexpected ${JSON.stringify(key)}`);
  }
});

Deno.test("daily cap: the GPT instructions state the cap, and the variable is validated", async () => {
  await using t = await testApp();
  const text = await (await t.app.request(`${ORIGIN}/gpt/instructions`)).text();
  assert.match(text, /at most 50 rounds per UTC day/);
  assert.match(text, /scored: false/);
  await using off = await testApp({ env: { DAILY_SCORED_ROUNDS: "0" } });
  const none = await (await off.app.request(`${ORIGIN}/gpt/instructions`))
    .text();
  assert.doesNotMatch(none, /per UTC day/);
  await assert.rejects(
    () => testApp({ env: { DAILY_SCORED_ROUNDS: "fifty" } }),
    /DAILY_SCORED_ROUNDS: "fifty" must be a whole number of scored rounds per UTC day/,
  );
});
