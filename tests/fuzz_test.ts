import assert from "node:assert/strict";
import fc from "./_deps/fast_check.ts";
import { testApp } from "./_app.ts";
import {
  authorizeUrl,
  basic,
  browse,
  CookieJar,
  ORIGIN,
  signIn,
  tokensFor,
} from "./_flow.ts";
import { PREFIX } from "../auth/seal.ts";
import { loginCookieName } from "../routes/browser/authorize.tsx";

const PATHS = [
  "/",
  "/health",
  "/assets/style.css",
  "/assets/app.js",
  "/openapi.json",
  "/gpt/instructions",
  "/oauth/authorize",
  "/oauth/authorize/cancel",
  "/oauth/token",
  "/oauth/revoke",
  "/.well-known/oauth-authorization-server",
  "/.well-known/oauth-protected-resource",
  "/login/dev/form",
  "/login/dev/start",
  "/login/dev/callback",
  "/login/google/callback",
  "/login/%00/start",
  "/api/me",
  "/api/me/nickname",
  "/api/me/signout",
  "/api/words",
  "/api/words/animals",
  "/api/words/%F0%9F%90%B1",
  "/api/rounds",
  "/api/rounds/clue",
  "/api/rounds/guess",
  "/api/rounds/giveup",
  "/api/score",
  "/api/leaderboard",
];

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
const TYPES = [
  "application/json",
  "application/x-www-form-urlencoded",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
];
const PARAMS = [
  "response_type",
  "client_id",
  "redirect_uri",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
  "provider",
  "login_hint",
  "grant_type",
  "code",
  "refresh_token",
  "token",
  "client_secret",
  "login",
  "round",
  "guess",
  "category",
  "nickname",
];

Deno.test("fuzz: random requests to every route never get a 5xx or a stack trace", async () => {
  await using t = await testApp({
    env: {
      GAME_RATE_LIMIT: "0",
      AUTHORIZE_RATE_LIMIT: "0",
      TOKEN_RATE_LIMIT: "0",
    },
  });
  const real = await tokensFor(t, "fuzzer");
  const code = (await signIn(t, { login: "fuzzer" })).get("code")!;
  const round = await (await t.app.request(`${ORIGIN}/api/rounds`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${real.access_token}`,
      "content-type": "application/json",
    },
    body: '{"category":"animals"}',
  })).json();
  const known = [
    real.access_token,
    real.refresh_token,
    code,
    round.round,
    PREFIX.access,
    `${PREFIX.refresh}AAAA`,
  ];
  // Login cookies as a browser holds them: fresh, with the upstream leg
  // started, and one altered character (authentic-looking, wrong tag).
  const cookieName = loginCookieName(t.config.publicUrl);
  const logins: string[] = [];
  for (const params of [{}, { provider: "dev" }]) {
    const jar = new CookieJar();
    await browse(t, jar, authorizeUrl(params));
    const cookie = jar.cookies.get(cookieName);
    assert.ok(cookie, `${cookieName} is set by /oauth/authorize`);
    logins.push(decodeURIComponent(cookie));
  }
  const middle = Math.floor(logins[0]!.length / 2);
  logins.push(
    logins[0]!.slice(0, middle) +
      (logins[0]![middle] === "A" ? "B" : "A") +
      logins[0]!.slice(middle + 1),
    `${PREFIX.login}AAAA`,
  );

  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.constantFrom(...known),
    fc.constantFrom(
      "\u0000",
      "\u202e",
      "e\u0301",
      "💥",
      "../..",
      "%",
      "%zz",
      "a".repeat(5000),
    ),
  );
  const params = fc.dictionary(fc.constantFrom(...PARAMS), text, {
    maxKeys: 6,
  });
  const body = fc.oneof(
    fc.constant(undefined),
    text,
    params.map((p) => new URLSearchParams(p).toString()),
    params.map((p) => JSON.stringify(p)),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.uint8Array({ maxLength: 64 }),
  );
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...known).map((k) => `Bearer ${k}`),
    text.map((s) => `Bearer ${s}`),
    fc.constant(basic()),
    text.map((s) => `Basic ${s}`),
  );

  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...METHODS),
      fc.oneof(fc.constantFrom(...PATHS), fc.webPath()),
      params,
      fc.constantFrom(...TYPES),
      authorization,
      fc.option(fc.oneof(text, fc.constantFrom(...logins))),
      body,
      async (method, path, query, type, auth, cookie, payload) => {
        const hasBody = payload !== undefined && method !== "GET" &&
          method !== "HEAD";
        let res: Response;
        let url = "";
        try {
          const headers = new Headers();
          if (type) headers.set("content-type", type);
          if (auth) headers.set("authorization", auth.replace(/[\r\n]/g, ""));
          if (cookie) {
            headers.set(
              "cookie",
              `${cookieName}=${encodeURIComponent(cookie)}`,
            );
          }
          url = new URL(`${path}?${new URLSearchParams(query)}`, ORIGIN).href;
          res = await t.app.request(url, {
            method,
            headers,
            body: hasBody ? payload : undefined,
          });
        } catch (err) {
          // Headers or URLs the platform itself refuses never reach the app.
          if (err instanceof TypeError) return;
          throw err;
        }
        const answer = method === "HEAD" ? "" : await res.text();
        assert.ok(
          res.status < 500,
          `${method} ${url} → ${res.status}: ${answer.slice(0, 200)}`,
        );
        assert.doesNotMatch(answer, /\bat .+\.tsx?:\d+|Stack backtrace/);
      },
    ),
    { numRuns: 3000 },
  );
  // The cookies reached the login cookie's parser, which refused each kind.
  const refused = new Set(
    t.logs.filter((l) => l.msg === "login cookie refused")
      .map((l) => l.fields?.reason),
  );
  for (const reason of ["wrong_prefix", "bad_version", "bad_tag"]) {
    assert.ok(refused.has(reason), `${reason} in ${[...refused]}`);
  }
  assert.ok(
    !t.logs.some((l) => l.msg === "unhandled error"),
    JSON.stringify(t.logs.find((l) => l.msg === "unhandled error")),
  );
});
