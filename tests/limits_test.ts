import assert from "node:assert/strict";
import { testApp } from "./_app.ts";
import { api, authorizeUrl, basic, ORIGIN, tokensFor } from "./_flow.ts";

const from = (hostname: string) => ({
  remoteAddr: { transport: "tcp" as const, hostname, port: 40000 },
});

Deno.test("rate limit: the authorize endpoint answers 429 with Retry-After per address", async () => {
  await using t = await testApp({ env: { AUTHORIZE_RATE_LIMIT: "3" } });
  for (let i = 0; i < 3; i++) {
    const ok = await t.app.request(
      `${ORIGIN}${authorizeUrl()}`,
      {},
      from("198.51.100.1"),
    );
    assert.equal(ok.status, 200);
  }
  const res = await t.app.request(
    `${ORIGIN}${authorizeUrl()}`,
    {},
    from("198.51.100.1"),
  );
  assert.equal(res.status, 429);
  assert.ok(Number(res.headers.get("retry-after")) > 0);
  assert.match(res.headers.get("content-type")!, /^text\/html/);
  assert.match(await res.text(), /Too many sign-in attempts/);
  const other = await t.app.request(
    `${ORIGIN}${authorizeUrl()}`,
    {},
    from("198.51.100.2"),
  );
  assert.equal(other.status, 200, "another address is not affected");
  t.advance(60);
  const later = await t.app.request(
    `${ORIGIN}${authorizeUrl()}`,
    {},
    from("198.51.100.1"),
  );
  assert.equal(later.status, 200, "the next window allows again");
});

Deno.test("rate limit: the token endpoint answers an OAuth-shaped 429 per client and address", async () => {
  await using t = await testApp({ env: { TOKEN_RATE_LIMIT: "2" } });
  const send = () =>
    t.app.request(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: basic(),
      },
      body: "grant_type=refresh_token&refresh_token=x",
    }, from("203.0.113.7"));
  assert.equal((await send()).status, 400);
  assert.equal((await send()).status, 400);
  const res = await send();
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const body = await res.json();
  assert.equal(body.error, "temporarily_unavailable");
  assert.match(body.error_description, /retry in \d+ seconds/);
});

Deno.test("rate limit: at the token endpoint a client counts only once authenticated; failed attempts count per address", async () => {
  await using t = await testApp({ env: { TOKEN_RATE_LIMIT: "3" } });
  const send = (authorization: string, address = "203.0.113.9") =>
    t.app.request(`${ORIGIN}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization,
      },
      body: "grant_type=refresh_token&refresh_token=x",
    }, from(address));
  // Someone naming our client (spelled three ways) without its secret, and
  // inventing names: all one bucket, the address's failed attempts.
  const names = ["gpt-test", "%67pt-test", "made-up-1", "made-up-2"];
  const statuses = [];
  for (const name of names) {
    statuses.push(
      (await send(basic(name, "not-the-secret-0123456789"))).status,
    );
  }
  assert.deepEqual(statuses, [401, 401, 401, 429]);
  // The real client, from the same address, still has its whole allowance.
  for (let i = 0; i < 3; i++) {
    assert.equal((await send(basic())).status, 400, "invalid_grant, not 429");
  }
  assert.equal((await send(basic())).status, 429);
  const rows = [];
  for await (const row of t.kv.list({ prefix: ["rate", "token"] })) {
    rows.push(row.key[2]);
  }
  assert.deepEqual(rows.sort(), ["?|203.0.113.9", "gpt-test|203.0.113.9"]);
});

Deno.test("rate limit: the sign-in callbacks are limited per address, apart from authorize", async () => {
  await using t = await testApp({ env: { AUTHORIZE_RATE_LIMIT: "2" } });
  const callback = () =>
    t.app.request(
      `${ORIGIN}/login/dev/callback?state=x&login=alice`,
      {},
      from("198.51.100.9"),
    );
  assert.equal((await callback()).status, 400);
  assert.equal((await callback()).status, 400);
  const res = await callback();
  assert.equal(res.status, 429);
  assert.ok(Number(res.headers.get("retry-after")) > 0);
  const authorize = await t.app.request(
    `${ORIGIN}${authorizeUrl()}`,
    {},
    from("198.51.100.9"),
  );
  assert.equal(authorize.status, 200, "counted apart");
});

Deno.test("rate limit: game moves are limited per user", async () => {
  await using t = await testApp({ env: { GAME_RATE_LIMIT: "2" } });
  const a = await tokensFor(t, "alice");
  const b = await tokensFor(t, "bob");
  const start = (token: string) =>
    api(t, "/api/rounds", token, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"category":"animals"}',
    });
  assert.equal((await start(a.access_token)).status, 201);
  assert.equal((await start(a.access_token)).status, 201);
  const res = await start(a.access_token);
  assert.equal(res.status, 429);
  assert.equal((await res.json()).error, "rate_limited");
  assert.equal((await start(b.access_token)).status, 201, "per user");
  assert.equal(
    (await start(b.access_token)).status,
    201,
    "counted once per request",
  );
  assert.equal(
    (await api(t, "/api/score", a.access_token)).status,
    200,
    "reads are counted apart",
  );
});

Deno.test("rate limit: reads (leaderboard, score, me) are limited per user apart from moves, with the same 429", async () => {
  await using t = await testApp({
    env: { READ_RATE_LIMIT: "3", GAME_RATE_LIMIT: "1" },
  });
  const a = (await tokensFor(t, "alice")).access_token;
  const b = (await tokensFor(t, "bob")).access_token;
  for (const path of ["/api/leaderboard", "/api/score", "/api/me"]) {
    assert.equal((await api(t, path, a)).status, 200, path);
  }
  const refused = [];
  for (const path of ["/api/leaderboard", "/api/score", "/api/me"]) {
    refused.push(await api(t, path, a));
  }
  const move = () =>
    api(t, "/api/rounds", a, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"category":"animals"}',
    });
  assert.equal((await move()).status, 201, "moves are counted apart");
  const moveRefused = await move();
  assert.equal(moveRefused.status, 429);
  const shape = await moveRefused.json();
  for (const res of refused) {
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get("retry-after")) > 0);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = await res.json();
    assert.deepEqual(Object.keys(body), Object.keys(shape));
    assert.equal(body.error, "rate_limited");
    assert.match(body.message, /retry in \d+ seconds/);
  }
  assert.equal((await api(t, "/api/score", b)).status, 200, "per user");
  assert.equal(
    (await api(t, "/api/me", a, { method: "DELETE" })).status,
    200,
    "erasing one's data is never refused",
  );
  t.advance(60);
  assert.equal((await api(t, "/api/score", b)).status, 200);

  await using off = await testApp({ env: { READ_RATE_LIMIT: "0" } });
  const c = (await tokensFor(off, "carol")).access_token;
  for (let i = 0; i < 20; i++) {
    assert.equal((await api(off, "/api/leaderboard", c)).status, 200);
  }
  await assert.rejects(
    () => testApp({ env: { READ_RATE_LIMIT: "many" } }),
    /READ_RATE_LIMIT: "many" must be a whole number of requests per minute/,
  );
});

Deno.test("allowlist: /api and /oauth/token refuse other addresses; /oauth/authorize never does", async () => {
  await using open = await testApp();
  await using t = await testApp({
    kv: open.kv,
    env: { IP_ALLOWLIST: "10.0.0.0/8, 2001:db8::/32" },
  });
  const tokens = await tokensFor(open);
  const me = (ip: string) =>
    t.app.request(`${ORIGIN}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    }, from(ip));
  assert.equal((await me("10.9.8.7")).status, 200);
  assert.equal((await me("2001:db8::1")).status, 200);
  const refused = await me("192.0.2.1");
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error, "forbidden");
  const token = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=refresh_token",
  }, from("192.0.2.1"));
  assert.equal(token.status, 403);
  assert.equal((await token.json()).error, "access_denied");
  const browser = await t.app.request(
    `${ORIGIN}${authorizeUrl()}`,
    {},
    from("192.0.2.1"),
  );
  assert.equal(browser.status, 200, "a person's browser may always sign in");
});

Deno.test("allowlist: forwarded headers are ignored unless TRUST_PROXY_HEADER names one", async () => {
  const spoof = { headers: { "x-forwarded-for": "10.0.0.1" } };
  await using plain = await testApp({ env: { IP_ALLOWLIST: "10.0.0.0/8" } });
  assert.equal(
    (await plain.app.request(`${ORIGIN}/api/words`, spoof, from("192.0.2.1")))
      .status,
    403,
  );
  await using proxied = await testApp({
    env: { IP_ALLOWLIST: "10.0.0.0/8", TRUST_PROXY_HEADER: "X-Forwarded-For" },
  });
  assert.equal(
    (await proxied.app.request(`${ORIGIN}/api/words`, spoof, from("192.0.2.1")))
      .status,
    401,
    "allowed through to the bearer guard",
  );
});

Deno.test("TRUST_PROXY_HEADER: a value that is not an IP address never reaches KV — no 503, no false storage error, no row per value", async () => {
  await using t = await testApp({
    env: { TRUST_PROXY_HEADER: "X-Forwarded-For" },
  });
  const send = (path: string, forwarded: string) =>
    t.app.request(`${ORIGIN}${path}`, {
      headers: { "x-forwarded-for": forwarded },
    }, from("192.0.2.1"));
  for (let i = 0; i < 10; i++) {
    // A last entry past KV's 2 KiB key limit, and short invented ones.
    for (const forwarded of [`1.2.3.4, ${"x".repeat(3000)}${i}`, `id-${i}`]) {
      const authorize = await send(authorizeUrl(), forwarded);
      assert.equal(authorize.status, 200, await authorize.text());
      const login = await send("/login/dev/start", forwarded);
      assert.equal(login.status, 400, "the sign-in has expired: a page");
      await login.body?.cancel();
    }
  }
  const rows = await Array.fromAsync(t.kv.list({ prefix: ["rate"] }));
  assert.deepEqual(
    rows.map((r) => r.key.slice(1, 3)).sort(),
    [["authorize", "192.0.2.1"], ["login", "192.0.2.1"]],
    "one window per bucket: the connection's address",
  );
  assert.ok(!t.logs.some((l) => l.level === "error"), "no storage error");
  assert.equal(
    t.logs.filter((l) => l.msg.startsWith("trusted proxy header")).length,
    1,
  );
  // A real address is used, in one canonical form.
  for (const forwarded of ["203.0.113.5", "::ffff:203.0.113.5"]) {
    assert.equal((await send(authorizeUrl(), forwarded)).status, 200);
  }
  const keys = (await Array.fromAsync(t.kv.list({ prefix: ["rate"] })))
    .map((r) => r.key[2]);
  assert.equal(keys.filter((k) => k === "203.0.113.5").length, 1);
});

Deno.test("bad input: oversized bodies are 413 JSON, wrong methods 405 with Allow", async () => {
  await using t = await testApp();
  const { access_token } = await tokensFor(t);
  const big = await api(t, "/api/rounds/guess", access_token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ round: "x", guess: "y".repeat(20_000) }),
  });
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error, "payload_too_large");
  const wrong = await api(t, "/api/score", access_token, { method: "POST" });
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get("allow")!, /GET/);
  for (const method of ["GET", "OPTIONS", "PUT"]) {
    const res = await t.app.request(`${ORIGIN}/oauth/revoke`, { method });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("allow"), "POST");
    assert.equal((await res.json()).error, "invalid_request");
  }
  const health = await t.app.request(`${ORIGIN}/health`, { method: "DELETE" });
  assert.equal(health.status, 405);
  assert.equal((await t.app.request(`${ORIGIN}/nowhere`)).status, 404);
});

Deno.test("bad input: a JSON API given a form body or no content type answers 415 asking for JSON", async () => {
  await using t = await testApp();
  const { access_token } = await tokensFor(t);
  for (
    const headers of [
      { "content-type": "application/x-www-form-urlencoded" },
      {},
    ] as Record<string, string>[]
  ) {
    const res = await api(t, "/api/rounds", access_token, {
      method: "POST",
      headers,
      body: "category=animals",
    });
    assert.equal(res.status, 415, JSON.stringify(headers));
    assert.match(res.headers.get("content-type")!, /json/);
    const body = await res.json();
    assert.equal(body.error, "invalid_request");
    assert.match(body.message, /Content-Type: application\/json/);
  }
});

Deno.test("config: limits and allowlist variables are validated", async () => {
  await assert.rejects(
    () => testApp({ env: { TOKEN_RATE_LIMIT: "lots" } }),
    /TOKEN_RATE_LIMIT/,
  );
  await assert.rejects(
    () => testApp({ env: { IP_ALLOWLIST: "10.0.0.0/40" } }),
    /IP_ALLOWLIST/,
  );
  await assert.rejects(
    () => testApp({ env: { TRUST_PROXY_HEADER: "x forwarded" } }),
    /TRUST_PROXY_HEADER/,
  );
});
