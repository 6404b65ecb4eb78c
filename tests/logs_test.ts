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
