/**
 * GitHub sign-in against an in-process GitHub: OAuth 2.0 with PKCE, the
 * user's numeric id from the user API, and what happens when that API fails.
 */
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { Hono } from "hono";
import { testApp } from "./_app.ts";
import { fetchInto } from "./_fake_fetch.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  redirectParams,
  refresh,
} from "./_flow.ts";

const CLIENT_ID = "Iv1.github-client";
const CLIENT_SECRET = "github-client-secret";

class FakeGitHub {
  readonly app = new Hono();
  user: { status: number; body: unknown; headers?: Record<string, string> } = {
    status: 200,
    body: { id: 583231, login: "octocat", email: "octo@example.com" },
  };
  /** Refuse every code, the way GitHub does: 200 with an error field. */
  refuseCodes = false;
  /** A GitHub App with expiring user tokens: sign-in returns a refresh token. */
  expiring = false;
  /** Refresh tokens the person has since revoked (by removing the app). */
  readonly revoked = new Set<string>();
  readonly #refresh = new Set<string>();
  readonly #codes = new Map<string, string>();
  readonly #tokens = new Set<string>();

  constructor() {
    this.app.post("/login/oauth/access_token", async (c) => {
      const form = new URLSearchParams(await c.req.text());
      if (form.get("grant_type") === "refresh_token") {
        const rt = form.get("refresh_token") ?? "";
        if (!this.#refresh.has(rt) || this.revoked.has(rt)) {
          return c.json({ error: "bad_refresh_token" }); // 200, as GitHub does
        }
        this.revoked.add(rt);
        return c.json(this.#issue());
      }
      const challenge = this.#codes.get(form.get("code") ?? "");
      this.#codes.delete(form.get("code") ?? "");
      const verifier = createHash("sha256")
        .update(form.get("code_verifier") ?? "").digest("base64url");
      if (
        this.refuseCodes ||
        form.get("client_id") !== CLIENT_ID ||
        form.get("client_secret") !== CLIENT_SECRET ||
        challenge !== verifier
      ) {
        // GitHub answers errors with 200 and an error field.
        return c.json({ error: "bad_verification_code" });
      }
      return c.json(this.#issue());
    });
    this.app.get("/user", (c) => {
      const bearer = c.req.header("authorization")?.replace(/^Bearer /, "");
      if (!bearer || !this.#tokens.has(bearer)) {
        return c.json({ message: "Bad credentials" }, 401);
      }
      return new Response(JSON.stringify(this.user.body), {
        status: this.user.status,
        headers: { "content-type": "application/json", ...this.user.headers },
      });
    });
  }

  readonly fetch: typeof fetch = fetchInto(this.app);

  #issue(): Record<string, unknown> {
    const token = `gho_${randomUUID().replaceAll("-", "")}`;
    this.#tokens.add(token);
    if (!this.expiring) {
      return { access_token: token, token_type: "bearer", scope: "" };
    }
    const refresh = `ghr_${randomUUID().replaceAll("-", "")}`;
    this.#refresh.add(refresh);
    return {
      access_token: token,
      token_type: "bearer",
      scope: "",
      expires_in: 28800,
      refresh_token: refresh,
      refresh_token_expires_in: 15897600,
    };
  }

  /** The person removes the app at github.com. */
  revokeAll(): void {
    for (const rt of this.#refresh) this.revoked.add(rt);
  }

  /** The person approves at github.com; returns the callback URL. */
  approve(url: string): string {
    const q = new URL(url).searchParams;
    assert.equal(q.get("client_id"), CLIENT_ID);
    assert.equal(q.get("code_challenge_method"), "S256");
    const code = randomUUID();
    this.#codes.set(code, q.get("code_challenge")!);
    const back = new URL(q.get("redirect_uri")!);
    back.searchParams.set("code", code);
    back.searchParams.set("state", q.get("state")!);
    return back.href;
  }
}

async function signIn(state: string, configure?: (gh: FakeGitHub) => void) {
  return await signInWith(new FakeGitHub(), state, configure);
}

async function signInWith(
  github: FakeGitHub,
  state: string,
  configure?: (gh: FakeGitHub) => void,
) {
  configure?.(github);
  const t = await testApp({
    fetch: github.fetch,
    env: {
      GITHUB_CLIENT_ID: CLIENT_ID,
      GITHUB_CLIENT_SECRET: CLIENT_SECRET,
    },
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
  const back = await browse(t, jar, github.approve(to.href));
  return { t, back };
}

Deno.test("github: sign-in with PKCE ends in /api/me as github:<numeric id>, nothing else kept", async () => {
  const { t, back } = await signIn("s-gh");
  await using _ = t;
  const params = redirectParams(back);
  assert.equal(params.get("state"), "s-gh");
  const tokens = await exchange(t, params.get("code")!);
  const me = await (await api(t, "/api/me", tokens.access_token)).json();
  assert.equal(me.id, "github:583231");
  const rows: string[] = [];
  for await (const e of t.kv.list({ prefix: [] })) {
    rows.push(JSON.stringify([e.key, e.value]));
  }
  const dump = rows.join("\n");
  assert.ok(!dump.includes("octocat") && !dump.includes("octo@example.com"));
  assert.ok(!dump.includes("gho_"), "no GitHub token at rest");
});

Deno.test("github: the user API down is temporarily_unavailable for the client, a user without a numeric id or a refused code is server_error", async () => {
  const cases: [string, (gh: FakeGitHub) => void, string][] = [
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
  const github = new FakeGitHub();
  const { t, back } = await signInWith(github, "s-app", (gh) => {
    gh.expiring = true;
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
