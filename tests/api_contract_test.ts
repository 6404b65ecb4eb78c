/**
 * The published contract holds: every answer of a whole session, errors
 * included, has a status the OpenAPI document lists for its operation and a
 * body its schema accepts (JSON Schema 2020-12, as OpenAPI 3.1 says).
 */
import assert from "node:assert/strict";
import { Ajv2020 } from "./_deps/openapi.ts";
import { type TestApp, testApp } from "./_app.ts";
import { api, ORIGIN, tokensFor } from "./_flow.ts";
import { secret } from "./_game.ts";

interface Operation {
  operationId: string;
  responses: Record<string, unknown>;
}

/** Checks answers against the document the app itself serves. */
async function contract(t: TestApp) {
  const doc = await (await t.app.request(`${ORIGIN}/openapi.json`)).json();
  const ajv = new Ajv2020({ strict: false, validateSchema: false });
  ajv.addSchema({ ...doc, $id: "https://contract.test/openapi.json" });
  const pointer = (...parts: string[]) =>
    parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
  const seen = new Set<string>();
  return {
    seen,
    /** Asserts that `res` is a documented answer of `method path`. */
    async check(method: string, path: string, res: Response) {
      const op: Operation | undefined = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} is documented`);
      const status = String(res.status);
      assert.ok(
        status in op.responses,
        `${op.operationId} answered ${status}, which the document does not list`,
      );
      const body = await res.json();
      const validate = ajv.getSchema(
        `https://contract.test/openapi.json#/${
          pointer("paths", path, method, "responses", status, "content")
        }/${pointer("application/json", "schema")}`,
      );
      assert.ok(validate, `${op.operationId} ${status} has a JSON schema`);
      assert.ok(
        validate(body),
        `${op.operationId} ${status}: ${JSON.stringify(body)}\n${
          ajv.errorsText(validate.errors)
        }`,
      );
      seen.add(`${op.operationId} ${status}`);
      return body;
    },
  };
}

Deno.test("openapi contract: every answer of a whole session, errors included, matches the document", async () => {
  await using t = await testApp();
  const { check, seen } = await contract(t);
  const { access_token: token } = await tokensFor(t);
  const call = (method: string, path: string, body?: unknown, type?: string) =>
    api(t, path, token, {
      method: method.toUpperCase(),
      ...(body === undefined ? {} : {
        headers: { "content-type": type ?? "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    });
  const at = async (
    method: string,
    template: string,
    path: string,
    body?: unknown,
    type?: string,
  ) => await check(method, template, await call(method, path, body, type));

  await at("get", "/api/me", "/api/me");
  await at("get", "/api/words", "/api/words");
  await at("get", "/api/words/{category}", "/api/words/animals");
  await at("get", "/api/words/{category}", "/api/words/fruits");
  const before = await at("get", "/api/leaderboard", "/api/leaderboard");
  assert.equal(before.you, null, "no rank before the first point");

  const round = await at("post", "/api/rounds", "/api/rounds", {
    category: "colors",
  });
  await at("post", "/api/rounds", "/api/rounds", {});
  await at("post", "/api/rounds", "/api/rounds", '{"category":', undefined);
  await at(
    "post",
    "/api/rounds",
    "/api/rounds",
    "category=colors",
    "text/plain",
  );
  await at("post", "/api/rounds/clue", "/api/rounds/clue", {
    round: round.round,
  });
  await at("post", "/api/rounds/clue", "/api/rounds/clue", {
    round: "wwc_round.not-a-round",
  });
  await at("post", "/api/rounds/guess", "/api/rounds/guess", {
    round: round.round,
    guess: "not the word",
  });
  const word = await secret(t, round.round);
  const won = await at("post", "/api/rounds/guess", "/api/rounds/guess", {
    round: round.round,
    guess: word,
  });
  assert.equal(won.correct, true);
  await at("post", "/api/rounds/guess", "/api/rounds/guess", {
    round: round.round,
    guess: word,
  });

  const other = await at("post", "/api/rounds", "/api/rounds", {
    category: "animals",
  });
  await at("post", "/api/rounds/giveup", "/api/rounds/giveup", {
    round: other.round,
  });
  await at("get", "/api/score", "/api/score");
  await at("put", "/api/me/nickname", "/api/me/nickname", { nickname: "Ada" });
  await at("put", "/api/me/nickname", "/api/me/nickname", { nickname: "<b>" });
  const { access_token: carol } = await tokensFor(t, "carol");
  await check(
    "put",
    "/api/me/nickname",
    await api(t, "/api/me/nickname", carol, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nickname: "ADA" }),
    }),
  );
  const after = await at("get", "/api/leaderboard", "/api/leaderboard");
  assert.equal(after.you.name, "Ada");
  await check("get", "/api/score", await api(t, "/api/score", undefined));
  await at("post", "/api/me/signout", "/api/me/signout");
  await check("get", "/api/me", await call("get", "/api/me"));

  const { access_token: again } = await tokensFor(t, "bob");
  await check(
    "delete",
    "/api/me",
    await api(t, "/api/me", again, { method: "DELETE" }),
  );
  // Each kind of answer above was checked, not skipped.
  assert.deepEqual([...seen].sort(), [
    "deleteMyData 200",
    "getClue 200",
    "getClue 404",
    "getLeaderboard 200",
    "getMe 200",
    "getMe 401",
    "getScore 200",
    "getScore 401",
    "getWords 200",
    "getWords 404",
    "giveUp 200",
    "listCategories 200",
    "setNickname 200",
    "setNickname 400",
    "setNickname 409",
    "signOut 200",
    "startRound 201",
    "startRound 400",
    "startRound 415",
    "submitGuess 200",
    "submitGuess 409",
  ]);
});

Deno.test("api errors say what to fix: missing field, unknown category, bad JSON, wrong content type, wrong Authorization scheme", async () => {
  await using t = await testApp();
  const { access_token: token } = await tokensFor(t);
  const post = (body: string, type = "application/json") =>
    api(t, "/api/rounds", token, {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
  const cases: [Promise<Response>, number, string, RegExp][] = [
    [post("{}"), 400, "invalid_request", /^category: required$/],
    [
      post('{"categry":"animals"}'),
      400,
      "invalid_request",
      /^category: required$/,
    ],
    [
      post('{"category":"fruits"}'),
      400,
      "invalid_request",
      /^category: no category "fruits"; use one of animals, places, colors$/,
    ],
    [post('{"category":'), 400, "invalid_request", /not valid JSON/],
    [
      post('{"category":"animals"}', "text/plain"),
      415,
      "invalid_request",
      /Content-Type: application\/json/,
    ],
    [
      api(t, "/api/rounds/guess", token, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"guess":"cat"}',
      }),
      400,
      "invalid_request",
      /^round: required$/,
    ],
    [
      Promise.resolve(
        t.app.request(`${ORIGIN}/api/me`, {
          headers: { authorization: token },
        }),
      ),
      401,
      "unauthorized",
      /must be: Bearer <access token>/,
    ],
  ];
  for (const [pending, status, error, message] of cases) {
    const res = await pending;
    const body = await res.json();
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match(body.message, message);
    assert.equal(body.error, error, JSON.stringify(body));
  }
});

Deno.test("api: a fresh app's first requests, all at once, each get their right answer while the schemas load, on every trial", async () => {
  for (let trial = 0; trial < 5; trial++) {
    await using t = await testApp();
    const { access_token: token } = await tokensFor(t);
    const json = (method: string, path: string, body: unknown) =>
      api(t, path, token, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const cases: [Promise<Response>, number, (body: never) => void][] = [
      [
        api(t, "/api/words", token),
        200,
        (b: { categories: unknown[] }) => assert.equal(b.categories.length, 3),
      ],
      [
        json("POST", "/api/rounds", { category: "colors" }),
        201,
        (b: { category: string }) => assert.equal(b.category, "colors"),
      ],
      [
        json("POST", "/api/rounds", { category: "fruits" }),
        400,
        (b: { field: string }) => assert.equal(b.field, "category"),
      ],
      [
        api(t, "/api/rounds", token, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body: '{"category":"colors"}',
        }),
        415,
        (b: { error: string }) => assert.equal(b.error, "invalid_request"),
      ],
      [
        api(t, "/api/words/animals", token),
        200,
        (b: { words: string[] }) => assert.ok(b.words.length > 0),
      ],
      [
        api(t, `/api/words/${"x".repeat(65)}`, token),
        400,
        (b: { field: string }) => assert.equal(b.field, "category"),
      ],
      [
        json("POST", "/api/rounds/guess", { guess: "cat" }),
        400,
        (b: { message: string }) => assert.equal(b.message, "round: required"),
      ],
      [
        json("PUT", "/api/me/nickname", {}),
        400,
        (b: { message: string }) =>
          assert.equal(b.message, "nickname: required"),
      ],
      [
        Promise.resolve(t.app.request(`${ORIGIN}/openapi.json`)),
        200,
        (b: { paths: object }) => assert.ok("/api/words" in b.paths),
      ],
      [
        Promise.resolve(t.app.request(`${ORIGIN}/openapi.json`)),
        200,
        (b: { paths: object }) => assert.ok("/api/rounds" in b.paths),
      ],
    ];
    const answers = await Promise.all(cases.map(([pending]) => pending));
    for (const [i, res] of answers.entries()) {
      const [, status, check] = cases[i]!;
      const body = await res.json();
      assert.equal(
        res.status,
        status,
        `trial ${trial}, case ${i}: ${JSON.stringify(body)}`,
      );
      check(body as never);
    }
  }
});
