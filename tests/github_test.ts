/**
 * GitHub sign-in against an in-process GitHub: OAuth 2.0 with PKCE, the
 * user's numeric id from the user API, and what happens when that API fails.
 */
import assert from "node:assert/strict";
import { kvDump, T0, testApp } from "./_app.ts";
import { FakeProvider, GITHUB } from "./_fake_provider.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  redirectParams,
  refresh,
} from "./_flow.ts";

/** The person who signs in: GitHub's numeric user id. */
const USER = "583231";

async function signIn(
  state: string,
  configure?: (gh: FakeProvider) => void,
) {
  return await signInWith(new FakeProvider(GITHUB, () => T0), state, configure);
}

async function signInWith(
  github: FakeProvider,
  state: string,
  configure?: (gh: FakeProvider) => void,
) {
  configure?.(github);
  const t = await testApp({
    fetch: github.fetch,
    env: github.env,
  });
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "github", state }),
  );
  assert.equal(start.status, 302);
  const to = new URL(start.headers.get("location")!);
  assert.equal(
    to.origin + to.pathname,
    "https://github.com/login/oauth/authorize",
  );
  assert.equal(
    to.searchParams.get("redirect_uri"),
    "https://words.example.com/login/github/callback",
  );
  const back = await browse(t, jar, github.authorize(to.href, { sub: USER }));
  return { t, back };
}

Deno.test("github: sign-in with PKCE ends in /api/me as github:<numeric id>, nothing else kept", async () => {
  const { t, back } = await signIn("s-gh");
  await using _ = t;
  const params = redirectParams(back);
  assert.equal(params.get("state"), "s-gh");
  const tokens = await exchange(t, params.get("code")!);
  const me = await (await api(t, "/api/me", tokens.access_token)).json();
  assert.equal(me.id, `github:${USER}`);
  const dump = await kvDump(t.kv);
  assert.ok(
    !dump.includes(`login-${USER}`) && !dump.includes("@users.example.com"),
  );
  assert.ok(!dump.includes("gho_"), "no GitHub token at rest");
});

Deno.test("github: the user API down is temporarily_unavailable for the client, a user without a numeric id or a refused code is server_error", async () => {
  const cases: [string, (gh: FakeProvider) => void, string][] = [
    ["s-down", (gh) => {
      gh.user = { status: 503, body: { message: "unavailable" } };
    }, "temporarily_unavailable"],
    ["s-odd", (gh) => {
      gh.user = { status: 200, body: { login: "no-id" } };
    }, "server_error"],
    ["s-refused", (gh) => {
      gh.refuseCodes = true;
    }, "server_error"],
  ];
  for (const [state, configure, error] of cases) {
    const { t, back } = await signIn(state, configure);
    await using _ = t;
    const params = redirectParams(back);
    assert.equal(params.get("error"), error, state);
    assert.equal(params.get("state"), state);
    assert.equal(params.get("code"), null);
  }
});

Deno.test('github: the user API refusing the token (401, 403) is a server_error logged with its status, not "did not answer in time"; a rate limit is temporarily_unavailable', async () => {
  const cases: [number, Record<string, string>, string, string][] = [
    [401, {}, "server_error", "GitHub user API answered 401"],
    [403, {}, "server_error", "GitHub user API answered 403"],
    [
      403,
      { "x-ratelimit-remaining": "0" },
      "temporarily_unavailable",
      "GitHub user API answered 403 (rate limited)",
    ],
    [429, {}, "temporarily_unavailable", "GitHub user API answered 429"],
    [502, {}, "temporarily_unavailable", "GitHub user API answered 502"],
  ];
  for (const [status, headers, error, reason] of cases) {
    const { t, back } = await signIn(`s-${status}`, (gh) => {
      gh.user = { status, body: { message: "Bad credentials" }, headers };
    });
    await using _ = t;
    const params = redirectParams(back);
    assert.equal(params.get("error"), error, `${status}`);
    assert.equal(params.get("code"), null);
    const failed = t.logs.find((l) => l.msg === "upstream sign-in failed");
    assert.ok(
      String(failed?.fields?.reason).startsWith(reason),
      `${status}: ${JSON.stringify(failed?.fields)}`,
    );
    if (error === "server_error") {
      assert.doesNotMatch(
        params.get("error_description") ?? "",
        /did not answer in time/,
      );
    }
  }
});

Deno.test("github: a GitHub App's refresh token is kept sealed, and removing the app at GitHub ends the session at the next check", async () => {
  const github = new FakeProvider(GITHUB, () => T0);
  const { t, back } = await signInWith(github, "s-app", (gh) => {
    gh.offline = "always"; // a GitHub App with expiring user tokens
  });
  await using _ = t;
  const tokens = await exchange(t, redirectParams(back).get("code")!);
  t.advance(16 * 60);
  const fresh = await refresh(t, tokens.refresh_token);
  assert.equal(fresh.status, 200, "checked at GitHub, still fine");
  const next = await fresh.json();
  github.revokeAll();
  t.advance(16 * 60);
  const res = await refresh(t, next.refresh_token);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
  assert.equal((await api(t, "/api/me", next.access_token)).status, 401);
  assert.ok(
    t.logs.some((l) => l.msg === "upstream revoked the sign-in; user revoked"),
  );
});

Deno.test("github: a refused code is logged with GitHub's own error code", async () => {
  const { t, back } = await signIn("s-log", (gh) => {
    gh.refuseCodes = true;
  });
  await using _ = t;
  assert.equal(redirectParams(back).get("error"), "server_error");
  assert.ok(
    t.logs.some((l) =>
      String(l.fields?.reason).includes("error=bad_verification_code")
    ),
    JSON.stringify(t.logs.map((l) => l.fields?.reason)),
  );
});
