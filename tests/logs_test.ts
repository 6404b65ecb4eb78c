import assert from "node:assert/strict";
import { CLIENT_ID, CLIENT_SECRET, testApp } from "./_app.ts";
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
} from "./_flow.ts";
import { SECRET_1 } from "./_keys.ts";
import { startServer } from "./_process.ts";
import { jsonLog, LineBuffer, requestIds } from "../lib/log.ts";

Deno.test("logs: one structured line per request, and no token, code, cookie or secret anywhere in a whole flow", async () => {
  await using t = await testApp();
  const secrets: string[] = [CLIENT_SECRET, SECRET_1];
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "dev", login_hint: "logcheck" }),
  );
  secrets.push(...jar.cookies.values());
  const callback = await browse(t, jar, start.headers.get("location")!);
  const code = redirectParams(callback).get("code")!;
  secrets.push(code);
  const tokens = await exchange(t, code);
  secrets.push(tokens.access_token, tokens.refresh_token);
  const round = await (await api(t, "/api/rounds", tokens.access_token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"category":"colors"}',
  })).json();
  secrets.push(round.round);
  await api(t, "/api/rounds/guess", tokens.access_token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ round: round.round, guess: "nope" }),
  });
  const next = await (await refresh(t, tokens.refresh_token)).json();
  secrets.push(next.access_token, next.refresh_token);
  // Refusals are logged with reasons: replay, reuse, tampering, bad bearer.
  await postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: "x",
  });
  await api(t, "/api/me", tokens.access_token.slice(0, -2) + "AA");
  t.advance(40);
  await refresh(t, tokens.refresh_token);
  await postForm(t, "/oauth/revoke", { token: next.refresh_token });
  await api(t, "/api/me/signout", next.access_token, { method: "POST" });

  const text = JSON.stringify(t.logs);
  for (const secret of secrets) {
    assert.ok(
      !text.includes(secret),
      `a secret leaked: ${secret.slice(0, 12)}…`,
    );
  }
  assert.doesNotMatch(
    text,
    /wwc_(code|at|rt|login|up|round)\./,
    "no sealed token of any kind",
  );

  const requests = t.logs.filter((l) => l.msg === "request");
  assert.equal(requests.length, 11, "one line per request");
  for (const line of requests) {
    assert.equal(typeof line.fields?.id, "string");
    assert.equal(typeof line.fields?.method, "string");
    assert.equal(typeof line.fields?.route, "string");
    assert.equal(typeof line.fields?.status, "number");
    assert.equal(typeof line.fields?.ms, "number");
  }
  const reasons = t.logs.filter((l) => l.fields?.reason).map((l) =>
    String(l.fields!.reason)
  );
  assert.ok(
    reasons.some((r) => /redirect_uri/.test(r)),
    "refusal reasons are logged server-side",
  );
  assert.ok(reasons.some((r) => /bad_tag|bad_encoding/.test(r)));
});

Deno.test("logs: a refusal's reason carries the id of its request, the X-Request-Id the client saw", async () => {
  await using t = await testApp();
  const res = await postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code: "not-a-code",
    redirect_uri: REDIRECT,
    client_id: CLIENT_ID,
    client_secret: "wrong-secret-0123456789abcdefghijklmnop",
  }, "none");
  assert.equal(res.status, 401);
  const id = res.headers.get("x-request-id");
  assert.ok(id);
  const lines = t.logs.filter((l) => l.fields?.id === id);
  assert.deepEqual(lines.map((l) => l.msg), [
    "oauth request refused",
    "request",
  ]);
  assert.equal(lines[0]!.fields?.reason, "wrong client secret");
});

Deno.test({
  name:
    "logs: stopping the server (SIGTERM, SIGINT) right after a burst of requests loses no line: one request line per answer, then stopped",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const server = await startServer({
        LISTEN_HOST: "127.0.0.1",
        KV_PATH: ":memory:",
      });
      try {
        const ids: string[] = [];
        for (let batch = 0; batch < 10; batch++) {
          const answers = await Promise.all(
            Array.from(
              { length: 30 },
              (_, i) =>
                fetch(`${server.origin}/${i % 3 ? "health" : "nowhere"}`),
            ),
          );
          for (const res of answers) {
            await res.body?.cancel();
            ids.push(res.headers.get("x-request-id")!);
          }
        }
        // At once: the last lines are still waiting to be written.
        server.kill(signal);
        const status = await server.exited;
        assert.equal(status.code, 0, signal);
        const lines = server.lines.filter((l) => l.startsWith("{")).map((l) =>
          JSON.parse(l)
        );
        const logged = lines.filter((l) => l.msg === "request").map((l) =>
          l.id
        );
        assert.equal(new Set(ids).size, 300, "every answer has its own id");
        assert.deepEqual(logged.toSorted(), ids.toSorted(), signal);
        assert.equal(lines.at(-1)?.msg, "stopped", signal);
      } finally {
        server.kill("SIGKILL");
        await server.exited;
      }
    }
  },
});

Deno.test("LineBuffer: lines reach the sink whole and in order, in batches, and close() writes what is waiting", async () => {
  const path = await Deno.makeTempFile();
  try {
    using file = await Deno.open(path, { write: true });
    const buffer = new LineBuffer(file, { maxChars: 4096, delayMs: 1000 });
    const lines = Array.from(
      { length: 5000 },
      (_, i) => JSON.stringify({ n: i, pad: "é".repeat(i % 50) }),
    );
    for (const [i, line] of lines.entries()) {
      buffer.push(line);
      // Writes start once 4096 characters wait, long before the 1 s timer.
      if (i % 500 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    assert.ok(buffer.waiting < lines.length, "batches were written already");
    await buffer.close();
    assert.equal(buffer.waiting, 0);
    const written = await Deno.readTextFile(path);
    assert.equal(written, lines.join("\n") + "\n");
    buffer.push("after close");
    buffer.flushSync();
    assert.equal(
      await Deno.readTextFile(path),
      lines.join("\n") + "\nafter close\n",
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("requestIds(): distinct ids, one random prefix per process and a counter", () => {
  const a = requestIds();
  const b = requestIds();
  const first = Array.from({ length: 1000 }, a);
  assert.equal(new Set(first).size, 1000);
  const prefix = first[0]!.split(".")[0]!;
  assert.match(prefix, /^[A-Za-z0-9_-]{8}$/);
  assert.ok(first.every((id) => id.startsWith(`${prefix}.`)));
  assert.notEqual(b().split(".")[0], prefix, "another process, another prefix");
});

Deno.test("jsonLog(): one JSON line per call with time, level and msg first, whatever the fields hold", () => {
  const lines: string[] = [];
  const log = jsonLog((line) => lines.push(line), () => Date.UTC(2026, 0, 2));
  log("info", "request", { id: "x-1", route: "/api/words", status: 200 });
  log("warn", 'a "quoted"\nmessage');
  log("error", "empty fields", {});
  log("info", "odd", { text: "\u2028\u0000</script>", n: 1.5, ok: false });
  const parsed = lines.map((l) => JSON.parse(l));
  assert.deepEqual(parsed, [
    {
      time: "2026-01-02T00:00:00.000Z",
      level: "info",
      msg: "request",
      id: "x-1",
      route: "/api/words",
      status: 200,
    },
    {
      time: "2026-01-02T00:00:00.000Z",
      level: "warn",
      msg: 'a "quoted"\nmessage',
    },
    { time: "2026-01-02T00:00:00.000Z", level: "error", msg: "empty fields" },
    {
      time: "2026-01-02T00:00:00.000Z",
      level: "info",
      msg: "odd",
      text: "\u2028\u0000</script>",
      n: 1.5,
      ok: false,
    },
  ]);
  assert.ok(lines.every((l) => !l.includes("\n")));
  // The timestamp's text is reused within a millisecond, never across.
  let clock = Date.UTC(2026, 0, 2);
  const timed: string[] = [];
  const tick = jsonLog((line) => timed.push(line), () => clock);
  for (const step of [0, 0, 1, 0, 999]) {
    clock += step;
    tick("info", "t");
  }
  assert.deepEqual(timed.map((l) => JSON.parse(l).time), [
    "2026-01-02T00:00:00.000Z",
    "2026-01-02T00:00:00.000Z",
    "2026-01-02T00:00:00.001Z",
    "2026-01-02T00:00:00.001Z",
    "2026-01-02T00:00:01.000Z",
  ]);
  assert.deepEqual(Object.keys(parsed[0]!).slice(0, 3), [
    "time",
    "level",
    "msg",
  ]);
});

Deno.test("LineBuffer: lines that come while a batch is written wait for their own batch, not one write per event-loop turn", async () => {
  const path = await Deno.makeTempFile();
  try {
    using file = await Deno.open(path, { write: true });
    let writes = 0;
    // A slow reader, as a busy pipe: each write completes 5 ms later.
    const counting = {
      async write(bytes: Uint8Array) {
        writes++;
        await new Promise((r) => setTimeout(r, 5));
        return await file.write(bytes);
      },
      writeSync(bytes: Uint8Array) {
        writes++;
        return file.writeSync(bytes);
      },
    };
    const buffer = new LineBuffer(counting, {
      maxChars: 1000,
      delayMs: 10_000,
    });
    buffer.push("x".repeat(1000)); // a full batch: written at once
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 0));
      buffer.push(`line ${i}`);
    }
    assert.equal(writes, 1, "the small lines wait for the timer");
    await buffer.close();
    assert.equal(writes, 2);
    assert.equal(
      await Deno.readTextFile(path),
      ["x".repeat(1000), ...Array.from({ length: 50 }, (_, i) => `line ${i}`)]
        .join("\n") + "\n",
    );
  } finally {
    await Deno.remove(path);
  }
});
