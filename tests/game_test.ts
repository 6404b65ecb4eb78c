import assert from "node:assert/strict";
import { points } from "../game/rules.ts";
import { WORDS } from "../game/words.ts";
import { Tokens } from "../auth/tokens.ts";
import { gameKeys, type Player as GamePlayer } from "../game/game.ts";
import {
  lastingRowsMentioning,
  rowsMentioning,
  type TestApp,
  testApp,
  tombstoneOf,
} from "./_app.ts";
import { keyring } from "./_keys.ts";
import { api, ORIGIN, refresh, tokensFor } from "./_flow.ts";
import { roundOf, secret } from "./_game.ts";

interface Player {
  sub: string;
  token: string;
  refresh: string;
}

async function player(t: TestApp, login = "alice"): Promise<Player> {
  const tokens = await tokensFor(t, login);
  return {
    sub: `dev:${login}`,
    token: tokens.access_token,
    refresh: tokens.refresh_token,
  };
}

function call(
  t: TestApp,
  p: Player,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return api(t, path, p.token, {
    method,
    ...(body === undefined ? {} : {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  });
}

async function start(t: TestApp, p: Player, category = "animals") {
  const res = await call(t, p, "POST", "/api/rounds", { category });
  assert.equal(res.status, 201, await res.clone().text());
  return await res.json();
}

function guess(t: TestApp, p: Player, round: string, text: string) {
  return call(t, p, "POST", "/api/rounds/guess", { round, guess: text });
}

Deno.test("game: categories and word banks are served; an unknown category is a 404 listing the valid ones", async () => {
  await using t = await testApp();
  const p = await player(t);
  const list = await (await call(t, p, "GET", "/api/words")).json();
  assert.deepEqual(list.categories.map((c: { name: string }) => c.name), [
    "animals",
    "places",
    "colors",
  ]);
  for (const category of ["animals", "places", "colors"]) {
    const res = await call(t, p, "GET", `/api/words/${category}`);
    const body = await res.json();
    assert.equal(body.category, category);
    assert.ok(body.words.length >= 50);
  }
  const unknown = await call(t, p, "GET", "/api/words/fruits");
  assert.equal(unknown.status, 404);
  const body = await unknown.json();
  assert.deepEqual(body.categories, ["animals", "places", "colors"]);
  assert.match(body.message, /animals, places, colors/);
});

Deno.test("game: a round starts with a handle, the word length and a first clue, never the word", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p, "places");
  assert.ok(round.round.startsWith("wwc_round."));
  assert.equal(round.category, "places");
  const word = await secret(t, round.round);
  assert.equal(round.letters, word.length);
  const { clues } = WORDS.places.find((w) => w.word === word)!;
  assert.ok(clues.slice(0, -1).includes(round.clue), "a vaguer clue first");
  assert.equal(round.attempts_left, 5);
  assert.equal(round.points_available, 100);
  assert.ok(!JSON.stringify(round).toLowerCase().includes(`"${word}"`));
});

Deno.test("game: a correct guess scores once, ignoring case, accents and surrounding space; later guesses are 409", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  const word = await secret(t, round.round);
  const shouted = `  ${word.toUpperCase().replace("E", "É")} `;
  const res = await guess(t, p, round.round, shouted);
  assert.equal(res.status, 200);
  const verdict = await res.json();
  assert.equal(verdict.correct, true);
  assert.equal(verdict.points, 100);
  assert.equal(verdict.score, 100);
  assert.equal(verdict.word, word);
  const again = await guess(t, p, round.round, word);
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, "round_over");
  const score = await (await call(t, p, "GET", "/api/score")).json();
  assert.deepEqual(score, { score: 100 }, "a solved round cannot score again");
});

Deno.test("game: clues and wrong guesses lower the points", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  const clue = await call(t, p, "POST", "/api/rounds/clue", {
    round: round.round,
  });
  assert.equal(clue.status, 200);
  const view = await clue.json();
  assert.equal(view.clues_used, 2);
  assert.notEqual(view.clue, round.clue);
  assert.equal(view.points_available, points(2, 0));
  const wrong = await (await guess(t, p, round.round, "zzzz")).json();
  assert.deepEqual(wrong, {
    correct: false,
    score: 0,
    attempts_left: 4,
    points_available: points(2, 1),
    category: round.category,
    letters: round.letters,
    clues: [round.clue, view.clue],
  });
  assert.deepEqual(view.clues, [round.clue, view.clue]);
  const right =
    await (await guess(t, p, round.round, await secret(t, round.round))).json();
  assert.equal(right.points, points(2, 1));
  assert.equal(right.score, points(2, 1));
});

Deno.test("game: each round draws the order of its clues, and shows them in that order", async () => {
  await using t = await testApp({ env: { GAME_RATE_LIMIT: "0" } });
  const p = await player(t);
  const firsts = new Set<number>();
  for (let i = 0; i < 40; i++) {
    const round = await start(t, p);
    const { state } = await roundOf(
      t.kv,
      new Tokens(keyring, t.now),
      round.round,
    );
    const { clues } = WORDS.animals[state.word]!;
    const order = state.order!;
    assert.deepEqual([...order].sort(), [...clues.keys()]);
    firsts.add(order[0]!);
    const shown = [round.clue];
    for (let c = 1; c < clues.length; c++) {
      const res = await call(t, p, "POST", "/api/rounds/clue", {
        round: round.round,
      });
      shown.push((await res.json()).clue);
    }
    assert.deepEqual(shown, order.map((n) => clues[n]), `round ${i}`);
  }
  // Three clues each, the telling one last: two possible first clues, and a
  // miss of either over 40 rounds has odds of 2^-39.
  assert.deepEqual([...firsts].sort(), [0, 1]);
});

Deno.test("game: no more clues than the word has", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  const word = await secret(t, round.round);
  const total = WORDS.animals.find((w) => w.word === word)!.clues.length;
  for (let i = 1; i < total; i++) {
    assert.equal(
      (await call(t, p, "POST", "/api/rounds/clue", { round: round.round }))
        .status,
      200,
    );
  }
  const extra = await call(t, p, "POST", "/api/rounds/clue", {
    round: round.round,
  });
  assert.equal(extra.status, 409);
  assert.equal((await extra.json()).error, "no_more_clues");
});

Deno.test("game: the 6th wrong guess is refused; the 5th ends the round and reveals the word", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  const word = await secret(t, round.round);
  for (let i = 1; i <= 4; i++) {
    const v = await (await guess(t, p, round.round, `nope${i}`)).json();
    assert.equal(v.attempts_left, 5 - i);
    assert.equal(v.word, undefined, "not revealed while the round is open");
  }
  const fifth = await (await guess(t, p, round.round, "nope5")).json();
  assert.equal(fifth.attempts_left, 0);
  assert.equal(fifth.word, word);
  const sixth = await guess(t, p, round.round, word);
  assert.equal(sixth.status, 409);
  assert.equal(
    (await call(t, p, "GET", "/api/score").then((r) => r.json())).score,
    0,
  );
});

Deno.test("game: giving up reveals the word and scores nothing", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  const word = await secret(t, round.round);
  const res = await call(t, p, "POST", "/api/rounds/giveup", {
    round: round.round,
  });
  assert.deepEqual(await res.json(), {
    word,
    score: 0,
    category: round.category,
    letters: word.length,
    clues: [round.clue],
  });
  assert.equal((await guess(t, p, round.round, word)).status, 409);
  assert.equal(
    (await call(t, p, "GET", "/api/score").then((r) => r.json())).score,
    0,
  );
});

Deno.test("game: a user cannot guess on another user's round", async () => {
  await using t = await testApp();
  const alice = await player(t, "alice");
  const mallory = await player(t, "mallory");
  const round = await start(t, alice);
  const word = await secret(t, round.round);
  const res = await guess(t, mallory, round.round, word);
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, "round_not_found");
  assert.equal(
    (await call(t, mallory, "GET", "/api/score").then((r) => r.json())).score,
    0,
  );
  const mine = await (await guess(t, alice, round.round, word)).json();
  assert.equal(mine.correct, true, "the round is untouched for its owner");
});

Deno.test("game: a forged or tampered round handle is refused", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  const tampered = round.round.slice(0, 20) +
    (round.round[20] === "A" ? "B" : "A") + round.round.slice(21);
  for (const handle of [tampered, "wwc_round.AAAA", p.token, "x"]) {
    const res = await guess(t, p, handle, "cat");
    assert.equal(res.status, 404, handle.slice(0, 12));
  }
});

Deno.test("game: a round expires after an hour", async () => {
  await using t = await testApp();
  const p = await player(t);
  const round = await start(t, p);
  t.advance(3600);
  const fresh = await refresh(t, p.refresh);
  const token = (await fresh.json()).access_token;
  const res = await guess(t, { ...p, token }, round.round, "cat");
  assert.equal(res.status, 404);
});

Deno.test("game: invalid bodies get a 400 naming the field", async () => {
  await using t = await testApp();
  const p = await player(t);
  const cases: [string, unknown, string][] = [
    ["/api/rounds", { category: "fruits" }, "category"],
    ["/api/rounds", {}, "category"],
    ["/api/rounds/guess", { round: "x" }, "guess"],
    ["/api/rounds/guess", { round: "x", guess: "" }, "guess"],
    ["/api/rounds/guess", { guess: "cat" }, "round"],
    ["/api/rounds/clue", { round: 7 }, "round"],
  ];
  for (const [path, body, field] of cases) {
    const res = await call(t, p, "POST", path, body);
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
    const problem = await res.json();
    assert.equal(problem.field, field);
    assert.match(problem.message, new RegExp(`^${field}: `));
  }
  const notJson = await api(t, "/api/rounds", p.token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{oops",
  });
  assert.equal(notJson.status, 400);
  assert.match(notJson.headers.get("content-type")!, /json/);
});

Deno.test("game: 200 concurrent correct guesses on 200 rounds raise the score by exactly their points", async () => {
  await using t = await testApp({
    env: { GAME_RATE_LIMIT: "0", DAILY_SCORED_ROUNDS: "0" },
  });
  const p = await player(t);
  const rounds = [];
  for (let i = 0; i < 200; i++) rounds.push(await start(t, p));
  const words = await Promise.all(rounds.map((r) => secret(t, r.round)));
  const results = await Promise.all(
    rounds.map((r, i) =>
      guess(t, p, r.round, words[i]!).then((res) => res.json())
    ),
  );
  assert.ok(results.every((r) => r.correct && r.points === 100));
  const score = await (await call(t, p, "GET", "/api/score")).json();
  assert.equal(score.score, 200 * 100);
  const board = await (await call(t, p, "GET", "/api/leaderboard")).json();
  assert.equal(board.top.length, 1, "one row per player, however many races");
  assert.equal(board.top[0].score, 20_000);
  assert.equal(board.you.score, 20_000);
});

async function win(t: TestApp, p: Player, times: number) {
  for (let i = 0; i < times; i++) {
    const round = await start(t, p);
    const v =
      await (await guess(t, p, round.round, await secret(t, round.round)))
        .json();
    assert.equal(v.correct, true);
  }
}

Deno.test("game: leaderboard order and the caller's rank are right with ties", async () => {
  await using t = await testApp();
  const players: Player[] = [];
  const wins = [3, 1, 3, 2, 1, 0];
  for (const [i, n] of wins.entries()) {
    const p = await player(t, `p${i}`);
    players.push(p);
    await win(t, p, n);
    t.advance(1);
  }
  const board = await (await call(t, players[1]!, "GET", "/api/leaderboard"))
    .json();
  assert.deepEqual(
    board.top.map((s: { rank: number; score: number }) => [s.rank, s.score]),
    [[1, 300], [1, 300], [3, 200], [4, 100], [4, 100]],
  );
  assert.deepEqual([board.you.rank, board.you.score], [4, 100]);
  assert.ok(
    board.top.every((s: { name: string }) => /^Player-\d{6}$/.test(s.name)),
  );
  assert.ok(
    !JSON.stringify(board).includes("dev:"),
    "no provider ids on the board",
  );
  const none = await (await call(t, players[5]!, "GET", "/api/leaderboard"))
    .json();
  assert.equal(none.you, null);
});

Deno.test("game: the caller's rank is counted beyond the top 10", async () => {
  await using t = await testApp();
  let last: Player | undefined;
  for (let i = 0; i < 12; i++) {
    last = await player(t, `q${i}`);
    await win(t, last, i < 11 ? 2 : 1);
  }
  const board = await (await call(t, last!, "GET", "/api/leaderboard")).json();
  assert.equal(board.top.length, 10);
  assert.deepEqual([board.you.rank, board.you.score], [12, 100]);
});

Deno.test("game: nicknames are validated and shown on the leaderboard", async () => {
  await using t = await testApp();
  const p = await player(t);
  for (
    const bad of [
      "ab",
      "x".repeat(21),
      "me@example.com",
      " ",
      "a  b",
      "player-1",
      "Player\u0323-042137",
      "<b>x</b>",
      "bad\u0000name",
    ]
  ) {
    const res = await call(t, p, "PUT", "/api/me/nickname", { nickname: bad });
    assert.equal(res.status, 400, bad);
    assert.equal((await res.json()).field, "nickname");
  }
  const ok = await call(t, p, "PUT", "/api/me/nickname", {
    nickname: "  Zoë the Great ",
  });
  assert.deepEqual(await ok.json(), { nickname: "Zoë the Great" });
  await win(t, p, 1);
  const board = await (await call(t, p, "GET", "/api/leaderboard")).json();
  assert.equal(board.top[0].name, "Zoë the Great");
  await call(t, p, "PUT", "/api/me/nickname", { nickname: "Renamed" });
  const after = await (await call(t, p, "GET", "/api/leaderboard")).json();
  assert.equal(
    after.top[0].name,
    "Renamed",
    "renaming updates the existing row",
  );
  const me = await (await call(t, p, "GET", "/api/me")).json();
  assert.equal(me.name, "Renamed");
});

Deno.test("game: a nickname that looks like another player's is taken: 409 until they let it go", async () => {
  await using t = await testApp();
  const alice = await player(t, "alice");
  const bob = await player(t, "bob");
  const set = (p: Player, nickname: string) =>
    call(t, p, "PUT", "/api/me/nickname", { nickname });
  assert.equal((await set(alice, "WordWizard")).status, 200);
  for (
    const copy of [
      "WordWizard",
      "wordwizard",
      "WORDWIZARD",
      "W0rdWizard",
      "WordWIzard",
      "Wordwizard",
      "Wor\u1E0DWizard",
      "W\u1ECD\u0301rdWizard",
    ]
  ) {
    const res = await set(bob, copy);
    assert.equal(res.status, 409, copy);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await res.json();
    assert.equal(body.error, "nickname_taken");
    assert.equal(body.field, "nickname");
    assert.match(body.message, /is taken/);
  }
  const me = await (await call(t, bob, "GET", "/api/me")).json();
  assert.equal(me.name, null, "bob has no nickname");
  // The holder may change its case; after renaming, the old name is free.
  assert.equal((await set(alice, "WORDWIZARD")).status, 200);
  assert.equal((await set(alice, "Renamed")).status, 200);
  assert.equal((await set(bob, "wordwizard")).status, 200);
  assert.equal((await set(alice, "WordWizard")).status, 409);
  // Erasing a player frees their nickname.
  assert.equal((await call(t, bob, "DELETE", "/api/me")).status, 200);
  assert.equal((await set(alice, "WordWizard")).status, 200);
});

Deno.test("game: a nickname keyed by the earlier, accent-keeping rule still blocks its copies, and is re-keyed when its holder sets a nickname", async () => {
  await using t = await testApp();
  const alice = await player(t, "alice");
  const bob = await player(t, "bob");
  const set = (p: Player, nickname: string) =>
    call(t, p, "PUT", "/api/me/nickname", { nickname });
  assert.equal((await set(alice, "Zoë")).status, 200);
  // What a row written before keys dropped accents holds: the skeleton
  // with its diaeresis.
  const row = await t.kv.get<GamePlayer>(gameKeys.player(alice.sub));
  await t.kv.atomic()
    .set(gameKeys.player(alice.sub), {
      ...row.value!,
      nicknameKeys: ["zoe\u0308"],
    })
    .delete(gameKeys.nickname("zoe"))
    .set(gameKeys.nickname("zoe\u0308"), alice.sub)
    .commit();
  for (const copy of ["Zoë", "ZOË", "zoe\u0308"]) {
    assert.equal((await set(bob, copy)).status, 409, copy);
  }
  assert.equal((await set(alice, "ZOË")).status, 200);
  assert.equal(
    (await t.kv.get(gameKeys.nickname("zoe\u0308"))).value,
    null,
    "the earlier key is let go",
  );
  assert.equal((await t.kv.get(gameKeys.nickname("zoe"))).value, alice.sub);
  assert.equal((await set(bob, "Zoe")).status, 409);
});

Deno.test("game: DELETE /api/me leaves no key of that user in KV and revokes their tokens", async () => {
  await using t = await testApp();
  const p = await player(t);
  const other = await player(t, "bob");
  await win(t, p, 2);
  await start(t, p);
  await call(t, p, "PUT", "/api/me/nickname", { nickname: "Gone Soon" });
  await win(t, other, 1);
  t.advance(1);
  const res = await call(t, p, "DELETE", "/api/me");
  assert.deepEqual(await res.json(), { deleted: true });
  assert.deepEqual(
    await lastingRowsMentioning(t.kv, p.sub),
    tombstoneOf(p.sub),
  );
  assert.deepEqual(await rowsMentioning(t.kv, "Gone Soon"), []);
  const [tombstone] = tombstoneOf(p.sub);
  assert.deepEqual(Object.keys((await t.kv.get(tombstone!)).value!), [
    "before",
  ]);
  assert.equal((await call(t, p, "GET", "/api/me")).status, 401);
  assert.equal((await refresh(t, p.refresh)).status, 400);
  const board = await (await call(t, other, "GET", "/api/leaderboard")).json();
  assert.equal(board.top.length, 1, "the other player is untouched");
});

Deno.test("game: DELETE /api/me racing the player's own correct guesses leaves no score, player or leaderboard row behind", async () => {
  await using t = await testApp();
  const other = await player(t, "bob");
  await win(t, other, 1);
  for (let trial = 0; trial < 20; trial++) {
    const p = await player(t, `racer${trial}`);
    await win(t, p, 1); // a row to move
    const rounds = await Promise.all([start(t, p), start(t, p)]);
    const words = await Promise.all(rounds.map((r) => secret(t, r.round)));
    await Promise.all([
      guess(t, p, rounds[0].round, words[0]!),
      call(t, p, "DELETE", "/api/me"),
      guess(t, p, rounds[1].round, words[1]!),
    ]);
    const left = await lastingRowsMentioning(t.kv, p.sub);
    assert.deepEqual(left, tombstoneOf(p.sub), `trial ${trial}`);
  }
  const board = await (await call(t, other, "GET", "/api/leaderboard")).json();
  assert.deepEqual(board.top.map((s: { name: string }) => s.name), [
    board.you.name,
  ]);
});

Deno.test("game: every /api route the app serves, and any other /api path, requires a bearer token", async () => {
  await using t = await testApp();
  const served = t.app.routes
    .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/"))
    .map((r) => [r.method, r.path.replace(/:\w+/g, "animals")]);
  // The list comes from the app itself, so a new route is covered at once;
  // the known ones make sure the listing did not come back empty.
  for (const known of ["GET /api/me", "POST /api/rounds/guess"]) {
    assert.ok(served.some((r) => r.join(" ") === known), known);
  }
  for (
    const [method, path] of [...served, ["GET", "/api/nothing-here"]]
  ) {
    const res = await t.app.request(`${ORIGIN}${path}`, { method });
    assert.equal(res.status, 401, `${method} ${path}`);
    assert.match(res.headers.get("www-authenticate")!, /^Bearer/);
  }
});

Deno.test("game: GET /api/rounds/current returns the open round with a new handle that plays it, the clues so far and never the word; 404 no_open_round once it is over", async () => {
  await using t = await testApp();
  const p = await player(t);
  const none = await call(t, p, "GET", "/api/rounds/current");
  assert.equal(none.status, 404);
  assert.deepEqual(Object.keys(await none.json()).sort(), ["error", "message"]);

  const round = await start(t, p);
  const word = await secret(t, round.round);
  const clue = await (await call(t, p, "POST", "/api/rounds/clue", {
    round: round.round,
  })).json();
  await guess(t, p, round.round, "zzzz");

  const res = await call(t, p, "GET", "/api/rounds/current");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const text = await res.clone().text();
  const current = await res.json();
  assert.ok(
    !new RegExp(`\\b${word}\\b`, "i").test(
      text.replace(current.round, "(handle)"),
    ),
    "the word is not in the answer",
  );
  assert.equal(current.category, round.category);
  assert.equal(current.letters, word.length);
  assert.deepEqual(current.clues, [round.clue, clue.clue]);
  assert.equal(current.clue, clue.clue);
  assert.equal(current.attempts_left, 4);
  assert.equal(current.points_available, points(2, 1));
  assert.notEqual(current.round, round.round, "a new handle");
  assert.equal(
    (await roundOf(t.kv, new Tokens(keyring, t.now), current.round)).key
      .join(),
    (await roundOf(t.kv, new Tokens(keyring, t.now), round.round)).key.join(),
    "to the same round",
  );

  // The new handle plays the round on.
  const right = await (await guess(t, p, current.round, word)).json();
  assert.equal(right.correct, true);
  assert.equal(right.points, points(2, 1));
  const after = await call(t, p, "GET", "/api/rounds/current");
  assert.equal(after.status, 404);
  assert.equal((await after.json()).error, "no_open_round");
});

Deno.test("game: the current round is the player's newest open one, never another player's, and not one past its hour", async () => {
  await using t = await testApp({ env: { GAME_RATE_LIMIT: "0" } });
  const alice = await player(t, "alice");
  const bob = await player(t, "bob");
  await start(t, alice, "animals");
  t.advance(60);
  const newer = await start(t, alice, "colors");
  t.advance(60);
  await start(t, bob, "places");
  for (let i = 0; i < 3; i++) {
    const current = await (await call(t, alice, "GET", "/api/rounds/current"))
      .json();
    assert.equal(current.category, "colors");
    assert.equal(current.clue, newer.clue);
  }
  // Given up, the newer one is over: the older one is current again.
  await call(t, alice, "POST", "/api/rounds/giveup", { round: newer.round });
  const older = await (await call(t, alice, "GET", "/api/rounds/current"))
    .json();
  assert.equal(older.category, "animals");
  // An hour after it started, a round is over even before KV drops it
  // (the access token is an hour old too: a refreshed one asks).
  t.advance(60 * 60);
  const fresh = await (await refresh(t, alice.refresh)).json();
  const late = await call(
    t,
    { ...alice, token: fresh.access_token },
    "GET",
    "/api/rounds/current",
  );
  assert.equal(late.status, 404);
});
