/**
 * The free quota on starting rounds: a free player starts
 * FREE_ROUNDS_PER_DAY rounds a UTC day, then gets 402 payment_required with
 * a sealed upgrade link, through the REST API and as an MCP tool error; the
 * count is exact under concurrent starts; the pro plan lifts it.
 */
import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "./_deps/mcp.ts";
import { Ajv2020 } from "./_deps/openapi.ts";
import { gameKeys } from "../game/game.ts";
import { testApp } from "./_app.ts";
import { api, mcpTokensFor, ORIGIN, refresh, tokensFor } from "./_flow.ts";
import { billed, deliverOk, objects, startRound } from "./_billing.ts";

const UPGRADE = `${ORIGIN}/billing/upgrade?t=wwc_upgrade.`;

Deno.test("quota: a free player starts FREE_ROUNDS_PER_DAY rounds, told how many are left, then gets 402 payment_required with an upgrade link; the next UTC day starts again", async () => {
  await using b = await billed();
  const tokens = await tokensFor(b.t);
  for (const left of [2, 1, 0]) {
    const res = await startRound(b, tokens.access_token);
    assert.equal(res.status, 201);
    assert.equal((await res.json()).free_rounds_left, left);
  }
  const refused = await startRound(b, tokens.access_token);
  assert.equal(refused.status, 402);
  const body = await refused.json();
  assert.deepEqual(Object.keys(body).sort(), [
    "error",
    "message",
    "upgrade_url",
  ]);
  assert.equal(body.error, "payment_required");
  assert.ok(body.upgrade_url.startsWith(UPGRADE), body.upgrade_url);
  assert.ok(body.message.includes(body.upgrade_url), "the link is in the text");
  assert.match(body.message, /3 rounds for today \(UTC\) are used up/);
  // No round was written for the refused start.
  const rounds = [];
  for await (const r of b.t.kv.list({ prefix: ["round", "dev:alice"] })) {
    rounds.push(r);
  }
  assert.equal(rounds.length, 3);

  const plan = await (await api(b.t, "/api/plan", tokens.access_token)).json();
  assert.equal(plan.plan, "free");
  assert.equal(plan.free_rounds_per_day, 3);
  assert.equal(plan.free_rounds_left, 0);
  assert.ok(plan.upgrade_url.startsWith(UPGRADE));
  assert.equal(plan.portal_url, undefined);

  // T0 is noon UTC: thirteen hours on, it is the next day.
  b.t.advance(13 * 3600);
  const fresh = await (await refresh(b.t, tokens.refresh_token)).json();
  const tomorrow = await startRound(b, fresh.access_token);
  assert.equal(tomorrow.status, 201);
  assert.equal((await tomorrow.json()).free_rounds_left, 2);
});

Deno.test("quota: concurrent starts never let a free player past the quota, on every trial", async () => {
  await using b = await billed({ env: { FREE_ROUNDS_PER_DAY: "3" } });
  for (let trial = 0; trial < 12; trial++) {
    const login = `racer${trial}`;
    const { access_token } = await tokensFor(b.t, login);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => startRound(b, access_token)),
    );
    const statuses = answers.map((r) => r.status).sort();
    await Promise.all(answers.map((r) => r.body?.cancel()));
    assert.deepEqual(statuses, [201, 201, 201, 402, 402, 402, 402, 402]);
    const sub = `dev:${login}`;
    let rounds = 0;
    for await (const _ of b.t.kv.list({ prefix: gameKeys.rounds(sub) })) {
      rounds++;
    }
    assert.equal(rounds, 3, `trial ${trial}: rounds written`);
    const count = await b.t.kv.get<Deno.KvU64>(
      gameKeys.startedToday(sub, "2026-11-23"),
    );
    assert.equal(count.value?.value, 3n, `trial ${trial}: the count`);
  }
});

Deno.test("quota: the pro plan lifts it and a cancelled subscription brings it back, counting on from where the day stood", async () => {
  await using b = await billed({ env: { FREE_ROUNDS_PER_DAY: "1" } });
  const { access_token } = await tokensFor(b.t);
  assert.equal((await startRound(b, access_token)).status, 201);
  assert.equal((await startRound(b, access_token)).status, 402);
  const ids = { customer: "cus_A1", subscription: "sub_A1" };
  await deliverOk(
    b,
    b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:alice", ids),
    ),
  );
  for (let i = 0; i < 3; i++) {
    const res = await startRound(b, access_token);
    assert.equal(res.status, 201);
    assert.equal((await res.json()).free_rounds_left, undefined);
  }
  const plan = await (await api(b.t, "/api/plan", access_token)).json();
  assert.equal(plan.plan, "pro");
  assert.equal(plan.free_rounds_left, null);
  assert.ok(
    plan.portal_url.startsWith(`${ORIGIN}/billing/portal?t=wwc_portal.`),
  );
  assert.equal(plan.upgrade_url, undefined);

  b.t.advance(60);
  await deliverOk(
    b,
    b.fake.event(
      "customer.subscription.deleted",
      objects.subscription("dev:alice", ids, "canceled"),
    ),
  );
  assert.equal((await startRound(b, access_token)).status, 402);
  const after = await (await api(b.t, "/api/plan", access_token)).json();
  assert.equal(after.plan, "free");
  assert.ok(after.upgrade_url);
});

Deno.test("quota: the MCP start_round tool answers over the quota with a tool error carrying the message and the link, as text and structuredContent; my_plan gives the upgrade link, then the portal link", async () => {
  await using b = await billed({ env: { FREE_ROUNDS_PER_DAY: "1" } });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    b.t.app.fetch,
  );
  try {
    const { access_token } = await mcpTokensFor(b.t, "alice");
    const client = new Client({ name: "quota-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(
        new URL(`http://127.0.0.1:${server.addr.port}/mcp`),
        { authProvider: { token: () => Promise.resolve(access_token) } },
      ),
    );
    try {
      const first = await client.callTool({
        name: "start_round",
        arguments: { category: "animals" },
      });
      assert.equal(first.isError, undefined);
      assert.equal(
        (first.structuredContent as { free_rounds_left: number })
          .free_rounds_left,
        0,
      );
      const over = await client.callTool({
        name: "start_round",
        arguments: { category: "animals" },
      });
      assert.equal(over.isError, true);
      const structured = over.structuredContent as Record<string, string>;
      assert.equal(structured.error, "payment_required");
      assert.ok(structured.upgrade_url!.startsWith(UPGRADE));
      const text = (over.content as { type: string; text: string }[])[0]!;
      assert.equal(text.type, "text");
      assert.ok(text.text.includes(structured.upgrade_url!));
      assert.equal(text.text, structured.message);

      // my_plan says the same as GET /api/plan, with the link that fits.
      const free = await client.callTool({ name: "my_plan", arguments: {} });
      const view = free.structuredContent as Record<string, unknown>;
      assert.equal(view.plan, "free");
      assert.equal(view.free_rounds_left, 0);
      assert.ok(String(view.upgrade_url).startsWith(UPGRADE));
      await deliverOk(
        b,
        b.fake.event(
          "checkout.session.completed",
          objects.checkout("dev:alice", {
            customer: "cus_M",
            subscription: "sub_M",
          }),
        ),
      );
      const pro = await client.callTool({ name: "my_plan", arguments: {} });
      const proView = pro.structuredContent as Record<string, unknown>;
      assert.equal(proView.plan, "pro");
      assert.equal(proView.free_rounds_left, null);
      assert.ok(
        String(proView.portal_url).startsWith(
          `${ORIGIN}/billing/portal?t=wwc_portal.`,
        ),
      );
      const proText = (pro.content as { text: string }[])[0]!.text;
      assert.ok(proText.includes(String(proView.portal_url)));
    } finally {
      await client.close();
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("quota: without billing there is none, and /api/plan says free, unlimited, with no links", async () => {
  await using t = await testApp();
  const { access_token } = await tokensFor(t);
  for (let i = 0; i < 25; i++) {
    const res = await api(t, "/api/rounds", access_token, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ category: "colors" }),
    });
    assert.equal(res.status, 201);
    assert.equal((await res.json()).free_rounds_left, undefined);
  }
  assert.deepEqual(await (await api(t, "/api/plan", access_token)).json(), {
    plan: "free",
    free_rounds_per_day: 0,
    free_rounds_left: null,
  });
  const page = await t.app.request(`${ORIGIN}/billing/upgrade?t=x`, {
    headers: { accept: "text/html" },
  });
  assert.equal(page.status, 404);
  await page.body?.cancel();
});

Deno.test("quota: the OpenAPI document gives startRound a 402 PaymentRequired telling the model to show the link", async () => {
  await using b = await billed();
  const doc = await (await b.t.app.request(`${ORIGIN}/openapi.json`)).json();
  const refused = doc.paths["/api/rounds"].post.responses["402"];
  assert.match(refused.description, /upgrade_url/);
  const schema = doc.components.schemas.PaymentRequired;
  assert.deepEqual(schema.required.sort(), ["error", "message", "upgrade_url"]);
  assert.ok(doc.paths["/api/plan"].get.operationId, "getPlan");
  const instructions = await (await b.t.app.request(
    `${ORIGIN}/gpt/instructions`,
  )).text();
  assert.match(instructions, /402 payment_required/);
});

Deno.test("quota: the 402, a round with free_rounds_left and both kinds of /api/plan answer match the published OpenAPI schemas", async () => {
  await using b = await billed({ env: { FREE_ROUNDS_PER_DAY: "1" } });
  const doc = await (await b.t.app.request(`${ORIGIN}/openapi.json`)).json();
  const ajv = new Ajv2020({ strict: false, validateSchema: false });
  ajv.addSchema({ ...doc, $id: "https://contract.test/openapi.json" });
  const check = async (path: string, method: string, res: Response) => {
    const status = String(res.status);
    const escaped = path.replaceAll("/", "~1");
    const validate = ajv.getSchema(
      `https://contract.test/openapi.json#/paths/${escaped}/${method}/responses/${status}/content/application~1json/schema`,
    );
    assert.ok(validate, `${method} ${path} ${status} is documented`);
    const body = await res.json();
    assert.ok(
      validate(body),
      `${JSON.stringify(body)} ${ajv.errorsText(validate.errors)}`,
    );
  };
  const { access_token } = await tokensFor(b.t);
  await check("/api/rounds", "post", await startRound(b, access_token));
  await check("/api/rounds", "post", await startRound(b, access_token));
  await check("/api/plan", "get", await api(b.t, "/api/plan", access_token));
  await deliverOk(
    b,
    b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:alice", {
        customer: "cus_C",
        subscription: "sub_C",
      }),
    ),
  );
  await check("/api/plan", "get", await api(b.t, "/api/plan", access_token));
});
