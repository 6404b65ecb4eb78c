/**
 * The MCP server at /mcp, driven by the official client SDKs (v2 on the
 * 2026-07-28 revision and on the 2025 `initialize` handshake, v1 on the
 * 2025 handshake) over a real loopback server, and by hand where a refusal
 * is the point: the protected resource's challenges, the `Origin` check, a
 * token in the URL, the body limit, and the word kept secret until a round
 * ends.
 */
import assert from "node:assert/strict";
import { openWord } from "./_game.ts";
import {
  Client,
  ClientV1,
  InsufficientScopeError,
  StreamableHTTPClientTransport,
  StreamableHTTPClientTransportV1,
  type Tool,
} from "./_deps/mcp.ts";
import { type TestApp, testApp } from "./_app.ts";
import { mcpTokensFor, ORIGIN, tokensFor } from "./_flow.ts";
import { keyring } from "./_keys.ts";
import { faultyKv } from "./_faulty_kv.ts";
import { Tokens } from "../auth/tokens.ts";

const RESOURCE_METADATA = `${ORIGIN}/.well-known/oauth-protected-resource/mcp`;
const CHALLENGE =
  `Bearer resource_metadata="${RESOURCE_METADATA}", scope="game"`;

/** The app on a loopback port, as MCP clients reach it. */
function serve(t: TestApp) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    t.app.fetch,
  );
  return {
    url: new URL(`http://127.0.0.1:${server.addr.port}/mcp`),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

type Era = "v2 modern" | "v2 legacy" | "v1";

/** A connected client of `era`, sending `token` as a bearer token. */
async function connect(url: URL, token: string, era: Era) {
  if (era === "v1") {
    const client = new ClientV1({ name: "test-v1", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransportV1(url, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    return client;
  }
  const client = new Client(
    { name: "test-v2", version: "2.0.0" },
    era === "v2 modern"
      ? { versionNegotiation: { mode: { pin: "2026-07-28" } } }
      : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(url, {
      authProvider: { token: () => Promise.resolve(token) },
    }),
  );
  return client;
}

/**
 * Whether `word` is anywhere in a tool result (text, structuredContent,
 * _meta) as a word of its own. The round handle is left out: it is sealed,
 * and its base64url could spell anything.
 */
function mentions(result: unknown, word: string): boolean {
  const text = JSON.stringify(
    result,
    (key, value) => key === "round" ? "(handle)" : value,
  );
  return new RegExp(`\\b${word}\\b`, "i").test(text);
}

const TOOLS = [
  "current_round",
  "delete_my_data",
  "get_clue",
  "give_up",
  "guess",
  "leaderboard",
  "list_categories",
  "my_plan",
  "my_score",
  "set_nickname",
  "sign_out",
  "start_round",
  "who_am_i",
];

for (const era of ["v2 modern", "v2 legacy", "v1"] as const) {
  Deno.test(`MCP (${era} client): lists the tools with object schemas, annotations and output schemas`, async () => {
    await using t = await testApp();
    await using server = serve(t);
    const { access_token } = await mcpTokensFor(t, "alice");
    const client = await connect(server.url, access_token, era);
    try {
      if (client instanceof Client) {
        assert.equal(
          client.getNegotiatedProtocolVersion(),
          era === "v2 modern" ? "2026-07-28" : "2025-11-25",
        );
      }
      const tools: Tool[] = (await client.listTools()).tools;
      assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS);
      for (const tool of tools) {
        assert.equal(tool.inputSchema.type, "object", tool.name);
        assert.equal(tool.outputSchema?.type, "object", tool.name);
        const a = tool.annotations!;
        assert.equal(a.openWorldHint, false, tool.name);
        for (
          const hint of [
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
          ] as const
        ) {
          assert.equal(typeof a[hint], "boolean", `${tool.name} ${hint}`);
        }
      }
      const start = tools.find((tool) => tool.name === "start_round")!;
      assert.deepEqual(
        (start.inputSchema.properties as Record<string, { enum?: string[] }>)
          .category!.enum,
        ["animals", "places", "colors"],
      );
      assert.deepEqual(start.inputSchema.required, ["category"]);
      const byName = Object.fromEntries(tools.map((x) => [x.name, x]));
      assert.equal(byName.leaderboard!.annotations!.readOnlyHint, true);
      assert.equal(byName.guess!.annotations!.readOnlyHint, false);
      assert.equal(byName.delete_my_data!.annotations!.destructiveHint, true);
    } finally {
      await client.close();
    }
  });

  Deno.test(`MCP (${era} client): a whole round (start, clue, wrong guess, right guess), a given-up round, the leaderboard; the word appears in no result before its round ends`, async () => {
    await using t = await testApp();
    await using server = serve(t);
    const { access_token } = await mcpTokensFor(t, "alice");
    const client = await connect(server.url, access_token, era);
    const call = async (
      name: string,
      args: Record<string, unknown> = {},
      // deno-lint-ignore no-explicit-any
    ): Promise<any> => {
      const result = await client.callTool({ name, arguments: args });
      assert.ok(!result.isError, `${name}: ${JSON.stringify(result)}`);
      assert.ok(result.structuredContent, `${name} has structuredContent`);
      assert.ok(
        Array.isArray(result.content) && result.content[0]?.type === "text",
      );
      return result;
    };
    try {
      const categories = await call("list_categories");
      assert.equal(categories.structuredContent.categories.length, 3);

      // A round won: every result before the winning guess is kept whole
      // (text, structuredContent, _meta), then searched for the word.
      const before = [];
      const start = await call("start_round", { category: "animals" });
      before.push(start);
      const round = start.structuredContent.round;
      assert.equal(start.structuredContent.category, "animals");
      for (
        const field of ["letters", "clue", "attempts_left", "points_available"]
      ) {
        assert.ok(field in start.structuredContent, field);
      }
      before.push(await call("get_clue", { round }));
      const wrong = await call("guess", { round, guess: "qqqq-not-a-word" });
      before.push(wrong);
      assert.equal(wrong.structuredContent.correct, false);
      assert.equal(wrong.structuredContent.attempts_left, 4);
      // The handle lost: current_round finds the round, clues and all.
      const current = await call("current_round");
      before.push(current);
      assert.equal(current.structuredContent.category, "animals");
      assert.deepEqual(
        current.structuredContent.clues,
        wrong.structuredContent.clues,
      );
      assert.equal(current.structuredContent.clues.length, 2);
      const word = await openWord(t.kv, "dev:alice");
      for (const result of before) {
        assert.ok(
          !mentions(result, word),
          `the word is not in ${JSON.stringify(result)}`,
        );
      }
      const right = await call("guess", {
        round: current.structuredContent.round,
        guess: word,
      });
      assert.equal(right.structuredContent.correct, true);
      assert.equal(right.structuredContent.word, word);
      assert.ok(right.structuredContent.points > 0);
      const score = right.structuredContent.score;
      assert.equal(score, right.structuredContent.points);

      // A round given up: the word is told only by give_up.
      const second = await call("start_round", { category: "colors" });
      const secret = await openWord(t.kv, "dev:alice");
      const clue = await call("get_clue", {
        round: second.structuredContent.round,
      });
      for (const result of [second, clue]) {
        assert.ok(!mentions(result, secret), JSON.stringify(result));
      }
      const gaveUp = await call("give_up", {
        round: second.structuredContent.round,
      });
      assert.deepEqual(gaveUp.structuredContent, {
        word: secret,
        score,
        category: "colors",
        letters: secret.length,
        clues: clue.structuredContent.clues,
      });
      assert.ok(gaveUp.content[0].text.includes(secret));
      const none = await client.callTool({ name: "current_round" });
      assert.equal(none.isError, true, "no round is open");
      assert.match(JSON.stringify(none.content), /No open round/);
      // The round is over: another move is a tool error, not a protocol one.
      const again = await client.callTool({
        name: "guess",
        arguments: { round: second.structuredContent.round, guess: secret },
      });
      assert.equal(again.isError, true);

      assert.deepEqual((await call("my_score")).structuredContent, { score });
      await call("set_nickname", { nickname: "Word Wizard" });
      const board = await call("leaderboard");
      assert.deepEqual(board.structuredContent.top, [
        { rank: 1, name: "Word Wizard", score },
      ]);
      assert.deepEqual(board.structuredContent.you, {
        rank: 1,
        name: "Word Wizard",
        score,
      });
      assert.deepEqual((await call("who_am_i")).structuredContent, {
        id: "dev:alice",
        scope: "game",
        name: "Word Wizard",
      });
    } finally {
      await client.close();
    }
  });
}

Deno.test("MCP: an unknown category is a tool error naming the valid ones, and no tool takes a score", async () => {
  await using t = await testApp();
  await using server = serve(t);
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = await connect(server.url, access_token, "v2 modern");
  try {
    const bad = await client.callTool({
      name: "start_round",
      arguments: { category: "cars" },
    });
    assert.equal(bad.isError, true);
    assert.match(JSON.stringify(bad.content), /animals/);
    const { tools } = await client.listTools();
    for (const tool of tools) {
      assert.ok(
        !Object.keys(tool.inputSchema.properties ?? {}).some((p) =>
          /score|points/.test(p)
        ),
        tool.name,
      );
    }
  } finally {
    await client.close();
  }
});

Deno.test("MCP: sign_out through a tool ends the token it was called with", async () => {
  await using t = await testApp();
  await using server = serve(t);
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = await connect(server.url, access_token, "v2 modern");
  try {
    const out = await client.callTool({ name: "sign_out", arguments: {} });
    assert.deepEqual(out.structuredContent, { signed_out: true });
  } finally {
    await client.close();
  }
  const res = await post(t, listTools, access_token);
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate")!, /error="invalid_token"/);
});

// Refusals, by hand.

const listTools = { jsonrpc: "2.0", id: 1, method: "tools/list" };
const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
};

function post(
  t: TestApp,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
  path = "/mcp",
): Promise<Response> {
  return Promise.resolve(t.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }));
}

/** The JSON-RPC message of a JSON or single-event SSE answer. */
async function message(res: Response) {
  const text = await res.text();
  if (!res.headers.get("content-type")?.startsWith("text/event-stream")) {
    return JSON.parse(text);
  }
  const data = text.split("\n").find((line) => line.startsWith("data: "));
  return JSON.parse(data!.slice("data: ".length));
}

Deno.test("MCP: a request without a token gets 401 naming the resource metadata and the scope, with no error code", async () => {
  await using t = await testApp();
  const res = await post(t, initialize);
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("www-authenticate"), CHALLENGE);
  assert.equal((await res.json()).error, "unauthorized");
});

Deno.test("MCP: an invalid, or wrong-purpose, token gets 401 invalid_token with the same challenge", async () => {
  await using t = await testApp();
  const { refresh_token } = await mcpTokensFor(t, "alice");
  for (const token of ["wwc_at.nonsense", refresh_token]) {
    const res = await post(t, initialize, token);
    assert.equal(res.status, 401);
    const header = res.headers.get("www-authenticate")!;
    assert.ok(header.startsWith(`${CHALLENGE}, error="invalid_token"`), header);
    assert.equal((await res.json()).error, "invalid_token");
  }
});

Deno.test("MCP: a token issued for the REST API (no resource) is refused at /mcp with 401 invalid_token, and an MCP token at /api", async () => {
  await using t = await testApp();
  const rest = await tokensFor(t, "alice");
  const res = await post(t, initialize, rest.access_token);
  assert.equal(res.status, 401);
  assert.ok(
    res.headers.get("www-authenticate")!.startsWith(
      `${CHALLENGE}, error="invalid_token"`,
    ),
  );
  await res.body?.cancel();
  const mcp = await mcpTokensFor(t, "alice");
  const api = await t.app.request(`${ORIGIN}/api/me`, {
    headers: { authorization: `Bearer ${mcp.access_token}` },
  });
  assert.equal(api.status, 401);
  await api.body?.cancel();
});

Deno.test("MCP: the protected-resource metadata at /.well-known/oauth-protected-resource/mcp names /mcp, the issuer, the scope and header bearer tokens", async () => {
  await using t = await testApp();
  const res = await t.app.request(RESOURCE_METADATA);
  assert.equal(res.status, 200);
  const doc = await res.json();
  assert.equal(doc.resource, `${ORIGIN}/mcp`);
  assert.deepEqual(doc.authorization_servers, [ORIGIN]);
  assert.deepEqual(doc.scopes_supported, ["game"]);
  assert.deepEqual(doc.bearer_methods_supported, ["header"]);
  // The root document keeps describing the REST API.
  const root = await (await t.app.request(
    `${ORIGIN}/.well-known/oauth-protected-resource`,
  )).json();
  assert.equal(root.resource, ORIGIN);
});

Deno.test("MCP: a token without the game scope lists tools, but a game tool answers 403 insufficient_scope; who_am_i needs no scope", async () => {
  await using t = await testApp();
  const { access_token } = await mcpTokensFor(t, "alice");
  // The same sign-in (sub, family), sealed with no scope at all.
  const claims = await new Tokens(keyring, t.now).open("access", access_token);
  assert.ok(claims.ok);
  const { sub, client_id, fid, aud } = claims.claims;
  const { token } = await new Tokens(keyring, t.now).seal("access", {
    sub,
    client_id,
    fid,
    aud,
    scope: "",
  });
  assert.equal(
    (await post(t, listTools, token, { "mcp-protocol-version": "2025-06-18" }))
      .status,
    200,
  );
  const call = (name: string, args: Record<string, unknown>) => ({
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { name, arguments: args },
  });
  const refused = await post(
    t,
    call("start_round", { category: "animals" }),
    token,
    { "mcp-protocol-version": "2025-06-18" },
  );
  assert.equal(refused.status, 403);
  const header = refused.headers.get("www-authenticate")!;
  assert.match(header, /error="insufficient_scope"/);
  assert.match(header, /scope="game"/);
  assert.ok(
    header.includes(`resource_metadata="${RESOURCE_METADATA}"`),
    header,
  );
  const me = await post(t, call("who_am_i", {}), token, {
    "mcp-protocol-version": "2025-06-18",
  });
  assert.equal(me.status, 200);
  assert.equal((await message(me)).result.structuredContent.id, "dev:alice");
});

Deno.test("MCP: a request from a foreign Origin is refused with 403 and a JSON-RPC error; the service's own origin is served", async () => {
  await using t = await testApp();
  const { access_token } = await mcpTokensFor(t, "alice");
  for (
    const origin of ["https://evil.example", "null", "http://words.example.com"]
  ) {
    const res = await post(t, initialize, access_token, { origin });
    assert.equal(res.status, 403, origin);
    const body = await res.json();
    assert.equal(body.jsonrpc, "2.0");
    assert.equal(body.id, null);
    assert.equal(typeof body.error.code, "number");
  }
  // Refused before the token is even looked at.
  assert.equal(
    (await post(t, initialize, undefined, { origin: "https://evil.example" }))
      .status,
    403,
  );
  const ours = await post(t, initialize, access_token, { origin: ORIGIN });
  assert.equal(ours.status, 200);
  assert.equal((await message(ours)).result.serverInfo.name, "words-with-chat");
});

Deno.test("MCP: an access token in the query string is refused with 400, even beside a valid header", async () => {
  await using t = await testApp();
  const { access_token } = await mcpTokensFor(t, "alice");
  for (
    const query of [`access_token=${access_token}`, `token=${access_token}`]
  ) {
    const res = await post(t, initialize, access_token, {}, `/mcp?${query}`);
    assert.equal(res.status, 400, query);
    assert.match(
      res.headers.get("www-authenticate")!,
      /error="invalid_request"/,
    );
    assert.equal((await res.json()).error, "invalid_request");
  }
  const log = JSON.stringify(t.logs);
  assert.ok(!log.includes(access_token));
});

Deno.test("MCP: protocol errors are JSON-RPC errors: a body over the limit (413), malformed JSON, another method (405)", async () => {
  await using t = await testApp();
  const { access_token } = await mcpTokensFor(t, "alice");
  const big = await post(
    t,
    { ...initialize, pad: "x".repeat(20_000) },
    access_token,
  );
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error.code, -32600);
  const malformed = await post(t, "{not json", access_token);
  assert.equal(malformed.status, 400);
  assert.equal((await message(malformed)).error.code, -32700);
  // Stateless: no 2025 session stream to open or end.
  for (const method of ["GET", "DELETE"]) {
    const res = await t.app.request(`${ORIGIN}/mcp`, {
      method,
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(res.status, 405, method);
    assert.equal((await res.json()).jsonrpc, "2.0");
  }
  const put = await t.app.request(`${ORIGIN}/mcp`, {
    method: "PUT",
    headers: { authorization: `Bearer ${access_token}` },
  });
  assert.equal(put.status, 405);
  assert.equal((await put.json()).jsonrpc, "2.0");
});

Deno.test("MCP: game moves count against the per-user game rate limit, as on the API", async () => {
  await using t = await testApp({ env: { GAME_RATE_LIMIT: "2" } });
  const { access_token } = await mcpTokensFor(t, "alice");
  const start = {
    jsonrpc: "2.0",
    id: 3,
    method: "tools/call",
    params: { name: "start_round", arguments: { category: "animals" } },
  };
  const headers = { "mcp-protocol-version": "2025-06-18" };
  assert.equal((await post(t, start, access_token, headers)).status, 200);
  assert.equal((await post(t, start, access_token, headers)).status, 200);
  // Reads and listings are not game moves.
  assert.equal((await post(t, listTools, access_token, headers)).status, 200);
  const third = await post(t, start, access_token, headers);
  assert.equal(third.status, 429);
  assert.ok(third.headers.get("retry-after"));
  assert.equal((await third.json()).jsonrpc, "2.0");
});

Deno.test("MCP: past the daily cap a round still plays, scores nothing and says so, as on the API", async () => {
  await using t = await testApp({ env: { DAILY_SCORED_ROUNDS: "1" } });
  await using server = serve(t);
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = await connect(server.url, access_token, "v2 modern");
  try {
    const win = async () => {
      const start = await client.callTool({
        name: "start_round",
        arguments: { category: "places" },
      });
      const round = (start.structuredContent as { round: string }).round;
      const word = await openWord(t.kv, "dev:alice");
      const guess = await client.callTool({
        name: "guess",
        arguments: { round, guess: word },
      });
      return { start, guess };
    };
    const first = await win();
    assert.equal(
      (first.guess.structuredContent as { scored: boolean }).scored,
      true,
    );
    const second = await win();
    const view = second.start.structuredContent as Record<string, unknown>;
    assert.equal(view.points_available, 0);
    assert.equal(view.scored_rounds_left, 0);
    assert.equal(typeof view.message, "string");
    const verdict = second.guess.structuredContent as Record<string, unknown>;
    assert.equal(verdict.correct, true);
    assert.equal(verdict.scored, false);
    assert.equal(verdict.points, 0);
    assert.equal(typeof verdict.message, "string");
    const score = await client.callTool({ name: "my_score", arguments: {} });
    assert.deepEqual(score.structuredContent, {
      score: (first.guess.structuredContent as { score: number }).score,
    });
  } finally {
    await client.close();
  }
});

Deno.test("MCP (v2 modern client): a game tool called with a token without the game scope meets the 403 scope challenge", async () => {
  await using t = await testApp();
  await using server = serve(t);
  const { access_token } = await mcpTokensFor(t, "alice");
  const tokens = new Tokens(keyring, t.now);
  const opened = await tokens.open("access", access_token);
  assert.ok(opened.ok);
  const { sub, client_id, fid, aud } = opened.claims;
  const { token } = await tokens.seal("access", {
    sub,
    client_id,
    fid,
    aud,
    scope: "",
  });
  const client = new Client(
    { name: "test-v2", version: "2.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(server.url, {
      authProvider: { token: () => Promise.resolve(token) },
      onInsufficientScope: "throw",
    }),
  );
  try {
    await assert.rejects(
      client.callTool({ name: "guess", arguments: { round: "x", guess: "y" } }),
      (err) => {
        assert.ok(err instanceof InsufficientScopeError, String(err));
        assert.equal(err.requiredScope, "game");
        assert.equal(err.resourceMetadataUrl?.href, RESOURCE_METADATA);
        return true;
      },
    );
  } finally {
    await client.close();
  }
});

Deno.test("MCP: a storage outage is a 503 JSON-RPC error before a tool runs, and a tool error that says to retry inside one, with nothing internal in either", async () => {
  const f = await faultyKv();
  try {
    await using t = await testApp({ kv: f.kv });
    await using server = serve(t);
    const { access_token } = await mcpTokensFor(t, "alice");
    const client = await connect(server.url, access_token, "v2 modern");
    try {
      // Warm: the bearer check is cached, so only what follows meets the outage.
      await client.callTool({ name: "who_am_i", arguments: {} });
      f.failing.add("get");
      f.failing.add("getMany");
      // set_nickname is not rate-limited: the outage meets the tool itself.
      const result = await client.callTool({
        name: "set_nickname",
        arguments: { nickname: "Word Wizard" },
      });
      assert.equal(result.isError, true);
      const text = JSON.stringify(result.content);
      assert.match(text, /try again/);
      assert.ok(!/injected|KV|database/i.test(text), text);
      // my_score counts against the read limit first: that count fails.
      const score = await post(
        t,
        {
          jsonrpc: "2.0",
          id: 4,
          method: "tools/call",
          params: { name: "my_score", arguments: {} },
        },
        access_token,
        { "mcp-protocol-version": "2025-06-18" },
      );
      assert.equal(score.status, 503);
      assert.ok(score.headers.get("retry-after"));
      const body = await score.json();
      assert.equal(body.jsonrpc, "2.0");
      assert.ok(!/injected|database/i.test(JSON.stringify(body)));
      f.failing.clear();
    } finally {
      await client.close();
    }
  } finally {
    f.close();
  }
});

Deno.test("MCP: initialize is answered statelessly in each 2025 revision, with no session id", async () => {
  await using t = await testApp();
  const { access_token } = await mcpTokensFor(t, "alice");
  for (const version of ["2025-03-26", "2025-06-18", "2025-11-25"]) {
    const res = await post(t, {
      ...initialize,
      params: { ...initialize.params, protocolVersion: version },
    }, access_token);
    assert.equal(res.status, 200, version);
    assert.equal(res.headers.get("mcp-session-id"), null);
    const { result } = await message(res);
    assert.equal(result.protocolVersion, version);
    assert.ok(result.capabilities.tools, version);
  }
});
