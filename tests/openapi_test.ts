import assert from "node:assert/strict";
import { Validator } from "./_deps/openapi.ts";
import { testApp } from "./_app.ts";
import { ORIGIN } from "./_flow.ts";
import { MAX_TOKEN_CHARS } from "../auth/seal.ts";

const METHODS = ["get", "post", "put", "delete", "patch"] as const;

Deno.test("openapi: /openapi.json passes an OpenAPI 3.1 validator", async () => {
  await using t = await testApp();
  const res = await t.app.request(`${ORIGIN}/openapi.json`);
  assert.equal(res.status, 200);
  const doc = await res.json();
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.servers[0].url, ORIGIN);
});

Deno.test("openapi: the oauth2 authorization-code scheme names our URLs and protects every operation", async () => {
  await using t = await testApp();
  const doc = await (await t.app.request(`${ORIGIN}/openapi.json`)).json();
  const flow = doc.components.securitySchemes.oauth2.flows.authorizationCode;
  assert.equal(doc.components.securitySchemes.oauth2.type, "oauth2");
  assert.equal(flow.authorizationUrl, `${ORIGIN}/oauth/authorize`);
  assert.equal(flow.tokenUrl, `${ORIGIN}/oauth/token`);
  assert.deepEqual(Object.keys(flow.scopes), ["game"]);
  assert.deepEqual(doc.security, [{ oauth2: ["game"] }]);
});

Deno.test("openapi: every /api route appears, each with an operationId and summary within ChatGPT's limits", async () => {
  await using t = await testApp();
  const doc = await (await t.app.request(`${ORIGIN}/openapi.json`)).json();
  const documented = new Set<string>();
  const operationIds = new Set<string>();
  for (
    const [path, item] of Object.entries<Record<string, unknown>>(doc.paths)
  ) {
    for (const method of METHODS) {
      const op = item[method] as
        | {
          operationId?: string;
          summary?: string;
          description?: string;
          parameters?: { description?: string }[];
        }
        | undefined;
      if (!op) continue;
      documented.add(
        `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`,
      );
      assert.ok(op.operationId, `${method} ${path} has an operationId`);
      assert.ok(!operationIds.has(op.operationId!), "operationIds are unique");
      operationIds.add(op.operationId!);
      assert.ok(
        op.summary && op.summary.length <= 300,
        `${op.operationId} summary ≤ 300`,
      );
      assert.ok((op.description ?? "").length <= 300);
      for (const p of op.parameters ?? []) {
        assert.ok((p.description ?? "").length <= 700);
      }
    }
  }
  const served = new Set(
    t.app.routes
      .filter((r) =>
        r.path.startsWith("/api/") && r.method !== "ALL" &&
        !r.path.endsWith("*")
      )
      .map((r) => `${r.method} ${r.path}`),
  );
  assert.ok(served.size >= 12, `found ${served.size} API routes`);
  assert.deepEqual(
    [...served].filter((r) => !documented.has(r)),
    [],
    "undocumented routes",
  );
  assert.deepEqual(
    [...documented].filter((r) => !served.has(r)),
    [],
    "documented routes not served",
  );
});

Deno.test("gpt instructions are served as text and tell the GPT to let the server judge guesses", async () => {
  await using t = await testApp();
  const res = await t.app.request(`${ORIGIN}/gpt/instructions`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain/);
  const text = await res.text();
  for (
    const op of [
      "listCategories",
      "startRound",
      "submitGuess",
      "getClue",
      "getLeaderboard",
    ]
  ) {
    assert.ok(text.includes(op), op);
  }
  assert.match(text, /Never guess the word for the player/);
  assert.ok(text.length < 8000, "fits the GPT builder's instructions field");
});

Deno.test("openapi: a round handle may be as long as any sealed token, and no longer (MAX_TOKEN_CHARS)", async () => {
  await using t = await testApp();
  const doc = await (await t.app.request(`${ORIGIN}/openapi.json`)).json();
  const guess = doc.paths["/api/rounds/guess"].post.requestBody.content[
    "application/json"
  ].schema;
  const round = guess.properties?.round ??
    doc.components.schemas[guess.$ref?.split("/").pop()]?.properties.round;
  assert.equal(round.maxLength, MAX_TOKEN_CHARS);
});

Deno.test("gpt instructions tell the GPT to keep the round handle, pass it with every move, and find the round with getCurrentRound when it is lost", async () => {
  await using t = await testApp();
  const text = await (await t.app.request(`${ORIGIN}/gpt/instructions`))
    .text();
  assert.match(text, /Keep the round handle it returns/);
  assert.match(text, /pass it, unchanged, with every move/);
  assert.match(text, /lost the round handle[^\n]*call getCurrentRound/);
  assert.match(text, /no_open_round, start a new round/);
  const doc = await (await t.app.request(`${ORIGIN}/openapi.json`)).json();
  const op = doc.paths["/api/rounds/current"].get;
  assert.equal(op.operationId, "getCurrentRound");
  assert.ok(op.responses["404"], "no_open_round is documented");
});
