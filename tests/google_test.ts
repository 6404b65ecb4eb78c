import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Tokens as TokenCodec } from "../auth/tokens.ts";
import { upstreamKey } from "../auth/upstream_tokens.ts";
import { privacyFigures, storedItems } from "../views/privacy.ts";
import { REVOCATION_CACHE_MS } from "../auth/revocation.ts";
import type { Env } from "../config.ts";
import {
  kvDump,
  kvRows,
  lastingRowsMentioning,
  T0,
  type TestApp,
  testApp,
  tombstoneOf,
} from "./_app.ts";
import { FakeProvider, GOOGLE } from "./_fake_provider.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  ORIGIN,
  redirectParams,
  refresh,
  type Tokens,
} from "./_flow.ts";
import { secret } from "./_game.ts";
import { keyring, SECRET_1, SECRET_2 } from "./_keys.ts";
import { Keyring } from "../auth/seal.ts";
import type { Kv } from "../lib/kv.ts";
import { faultyKv } from "./_faulty_kv.ts";

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");

interface Setup {
  t: TestApp;
  google: FakeProvider;
  [Symbol.asyncDispose](): Promise<void>;
}

async function setup(
  env: Env = {},
  extra: {
    kv?: Kv;
    keyring?: Keyring;
    google?: FakeProvider;
    ticking?: boolean;
  } = {},
): Promise<Setup> {
  let clock = () => 0;
  const google = extra.google ??
    await new FakeProvider(GOOGLE, () => clock()).ready();
  const t = await testApp({
    ...(extra.kv ? { kv: extra.kv } : {}),
    ...(extra.keyring ? { keyring: extra.keyring } : {}),
    ticking: extra.ticking ?? false,
    fetch: google.fetch,
    env: {
      ...google.env,
      ...env,
    },
  });
  clock = t.now;
  return { t, google, [Symbol.asyncDispose]: () => t[Symbol.asyncDispose]() };
}

/**
 * A person signs in with Google: authorize → Google (maybe twice, when we
 * ask for consent) → our callback. Returns the final response and the
 * authorization URLs Google saw.
 */
async function signInWithGoogle(
  { t, google }: Setup,
  person: { sub: string; decline?: boolean },
  state = "g-state",
): Promise<{ res: Response; googleUrls: URL[] }> {
  const jar = new CookieJar();
  let res = await browse(t, jar, authorizeUrl({ provider: "google", state }));
  const googleUrls: URL[] = [];
  while (
    res.headers.get("location")?.startsWith("https://accounts.google.com/")
  ) {
    const url = new URL(res.headers.get("location")!);
    googleUrls.push(url);
    res = await browse(t, jar, google.authorize(url.href, person));
  }
  return { res, googleUrls };
}

async function tokensFor(s: Setup, sub: string): Promise<Tokens> {
  const { res } = await signInWithGoogle(s, { sub });
  return await exchange(s.t, redirectParams(res).get("code")!);
}

/** Whether `t` logged a line `msg` (at `level`, if given). */
function logged(t: TestApp, msg: string, level?: string): boolean {
  return t.logs.some((l) => l.msg === msg && (!level || l.level === level));
}

Deno.test("google: sign-in with PKCE, state, nonce and offline access ends in an authenticated /api/me", async () => {
  await using s = await setup();
  const { res, googleUrls } = await signInWithGoogle(s, { sub: "1098765" });
  assert.equal(googleUrls.length, 1);
  const q = googleUrls[0]!.searchParams;
  assert.equal(q.get("code_challenge_method"), "S256");
  assert.equal(q.get("access_type"), "offline");
  assert.equal(q.get("scope"), "openid");
  assert.ok(q.get("nonce") && q.get("state"));
  assert.equal(q.get("prompt"), null, "no consent prompt on a first sign-in");
  assert.equal(q.get("redirect_uri"), `${ORIGIN}/login/google/callback`);
  const params = redirectParams(res);
  assert.equal(params.get("state"), "g-state");
  const tokens = await exchange(s.t, params.get("code")!);
  const me = await (await api(s.t, "/api/me", tokens.access_token)).json();
  assert.equal(me.id, "google:1098765");
});

Deno.test("google: the first consent's refresh token is kept sealed; later sign-ins need no consent prompt", async () => {
  await using s = await setup();
  await tokensFor(s, "42");
  const stored = await s.t.kv.get<{ token: string }>(
    upstreamKey("google", "42"),
  );
  assert.ok(stored.value?.token.startsWith("wwc_up."), "sealed at rest");
  const again = await signInWithGoogle(s, { sub: "42" });
  assert.equal(again.googleUrls.length, 1);
  assert.equal(again.googleUrls[0]!.searchParams.get("prompt"), null);
  assert.ok(redirectParams(again.res).get("code"));
});

Deno.test("google: with no refresh token stored and none issued, the sign-in asks once for consent", async () => {
  await using s = await setup();
  await tokensFor(s, "77");
  // The stored token is lost (erased, or deleted by an operator).
  await s.t.kv.delete(upstreamKey("google", "77"));
  const { res, googleUrls } = await signInWithGoogle(s, { sub: "77" });
  assert.equal(googleUrls.length, 2);
  assert.equal(googleUrls[1]!.searchParams.get("prompt"), "consent");
  assert.equal(googleUrls[1]!.searchParams.get("login_hint"), "77");
  assert.ok(redirectParams(res).get("code"));
  assert.ok(
    (await s.t.kv.get(upstreamKey("google", "77"))).value,
    "stored now",
  );
});

Deno.test("google: ID tokens with a wrong aud, wrong iss, past expiry or wrong nonce are refused", async () => {
  for (
    const [what, override] of [
      ["aud", { aud: "someone-else" }],
      ["iss", { iss: "https://accounts.evil.example" }],
      ["exp", { exp: 1 }],
      ["nonce", { nonce: "not-the-nonce" }],
    ] as const
  ) {
    await using s = await setup();
    s.google.idToken = override;
    const { res } = await signInWithGoogle(s, { sub: "5" }, `st-${what}`);
    const params = redirectParams(res);
    assert.equal(params.get("code"), null, what);
    assert.equal(params.get("error"), "server_error", what);
    assert.equal(params.get("state"), `st-${what}`);
    assert.ok(
      s.t.logs.some((l) => String(l.fields?.reason).includes("refused")),
      what,
    );
  }
});

Deno.test("google: a person who declines returns to the client with access_denied and the state", async () => {
  await using s = await setup();
  const { res } = await signInWithGoogle(
    s,
    { sub: "9", decline: true },
    "keep",
  );
  const params = redirectParams(res);
  assert.equal(params.get("error"), "access_denied");
  assert.equal(params.get("state"), "keep");
  assert.match(params.get("error_description")!, /declined/);
});

Deno.test("google: a provider error, garbage or a timeout at sign-in is an OAuth error for the client, never a 500", async () => {
  for (
    const [mode, error] of [
      ["error500", "server_error"],
      ["garbage", "server_error"],
      ["hang", "temporarily_unavailable"],
    ] as const
  ) {
    await using s = await setup({ UPSTREAM_TIMEOUT_SECONDS: "0.5" });
    s.google.mode = mode;
    const { res } = await signInWithGoogle(s, { sub: "3" });
    const params = redirectParams(res);
    assert.equal(params.get("error"), error, mode);
    assert.equal(params.get("state"), "g-state");
  }
});

Deno.test("google: upstream invalid_grant at refresh fails our refresh and stops the user's access tokens", async () => {
  await using s = await setup();
  const tokens = await tokensFor(s, "123");
  for (const rt of s.google.refreshTokens.keys()) s.google.revoked.add(rt);
  s.t.advance(14 * 60);
  assert.equal(
    (await refresh(s.t, tokens.refresh_token)).status,
    200,
    "checked 15 minutes at most",
  );
  const tokens2: Tokens = await (await refresh(s.t, tokens.refresh_token))
    .json();
  s.t.advance(2 * 60);
  const res = await refresh(s.t, tokens2.refresh_token);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
  assert.equal((await api(s.t, "/api/me", tokens2.access_token)).status, 401);
  assert.equal(
    (await s.t.kv.get(upstreamKey("google", "123"))).value,
    null,
    "deleted",
  );
});

Deno.test("google: Google revoking the sign-in while families refresh back to back: once a refusal has answered, no token survives, on every trial", async () => {
  for (let trial = 0; trial < 15; trial++) {
    await using s = await setup({
      UPSTREAM_CHECK_MINUTES: "0.0001",
      TOKEN_RATE_LIMIT: "0",
      AUTHORIZE_RATE_LIMIT: "0",
    }, { ticking: true });
    const families: Tokens[] = [];
    for (let i = 0; i < 4; i++) families.push(await tokensFor(s, "777"));
    const access = families.map((f) => f.access_token);
    const refreshes = families.map((f) => f.refresh_token);
    // Google revokes the sign-in on the n-th refresh call it receives.
    const n = 1 + Math.floor(Math.random() * 8);
    let calls = 0;
    s.google.onRefresh = () => {
      if (++calls === n) {
        for (const rt of s.google.refreshTokens.keys()) {
          s.google.revoked.add(rt);
        }
      }
    };
    let refused = false;
    const rounds = await Promise.all(families.map(async (first) => {
      let current = first.refresh_token;
      for (let round = 0; round < 60; round++) {
        const res = await refresh(s.t, current);
        if (res.status !== 200) {
          assert.equal(res.status, 400);
          assert.equal((await res.json()).error, "invalid_grant");
          refused = true;
          return round;
        }
        const next: Tokens = await res.json();
        access.push(next.access_token);
        refreshes.push(next.refresh_token);
        current = next.refresh_token;
      }
      return 60;
    }));
    assert.ok(refused, `trial ${trial}: Google's refusal was never seen`);
    for (const r of rounds) {
      assert.ok(r < 60, `trial ${trial}: a family kept refreshing`);
    }
    s.t.advance(6);
    for (const token of access) {
      assert.equal(
        (await api(s.t, "/api/me", token)).status,
        401,
        `trial ${trial}: an access token outlived Google's refusal`,
      );
    }
    for (const token of refreshes) {
      assert.equal(
        (await refresh(s.t, token)).status,
        400,
        `trial ${trial}: a refresh token outlived Google's refusal`,
      );
    }
  }
});

Deno.test("google: upstream down at refresh: served while the last check is recent, then temporarily_unavailable", async () => {
  await using s = await setup({ UPSTREAM_TIMEOUT_SECONDS: "0.5" });
  let tokens = await tokensFor(s, "555");
  s.google.mode = "error500";
  s.t.advance(16 * 60);
  const during = await refresh(s.t, tokens.refresh_token);
  assert.equal(during.status, 200, "a recent success carries us through");
  tokens = await during.json();
  assert.ok(logged(s.t, "upstream unreachable; serving on the last check"));
  s.google.mode = "hang";
  s.t.advance(25 * 3600);
  const late = await refresh(s.t, tokens.refresh_token);
  assert.equal(late.status, 503);
  assert.equal((await late.json()).error, "temporarily_unavailable");
  assert.ok(logged(s.t, "upstream unreachable past the grace period"));
  s.google.mode = "ok";
  const back = await refresh(s.t, tokens.refresh_token);
  assert.equal(back.status, 200, "works again once Google answers");
});

/** The provider refresh token stored for `subject`, opened. */
async function storedUpstream(s: Setup, subject: string) {
  const entry = await s.t.kv.get<{ token: string }>(
    upstreamKey("google", subject),
  );
  if (!entry.value) return null;
  const opened = await new TokenCodec(keyring, s.t.now).open(
    "upstream",
    entry.value.token,
  );
  assert.ok(opened.ok);
  return opened.claims.refresh_token;
}

Deno.test("google: two refreshes at once ask Google once; with rotating refresh tokens both succeed and the newest is kept", async () => {
  await using s = await setup();
  const tokens = await tokensFor(s, "31");
  s.google.rotate = true;
  // Google answers the first call only once the other refresh has been
  // answered: both are surely in flight at once, however the machine runs.
  let pending: Promise<Response>[] = [];
  s.google.onRefresh = async () => {
    if (s.google.refreshCalls === 1) await Promise.race(pending);
  };
  s.t.advance(16 * 60);
  pending = [
    refresh(s.t, tokens.refresh_token),
    refresh(s.t, tokens.refresh_token),
  ];
  const answers = await Promise.all(pending);
  assert.deepEqual(answers.map((r) => r.status), [200, 200]);
  assert.equal(s.google.refreshCalls, 1, "one call; a second would reuse it");
  const live = [...s.google.refreshTokens.keys()].filter((rt) =>
    !s.google.revoked.has(rt)
  );
  assert.deepEqual([await storedUpstream(s, "31")], live);
  const fresh: Tokens[] = await Promise.all(answers.map((r) => r.json()));
  for (const t of fresh) {
    assert.equal((await api(s.t, "/api/me", t.access_token)).status, 200);
  }
  // The next check, past the interval, uses the kept token and works.
  s.t.advance(16 * 60);
  const later = await refresh(s.t, fresh[0]!.refresh_token);
  assert.equal(later.status, 200);
  assert.equal(s.google.refreshCalls, 2);
});

Deno.test("google: DELETE /api/me while a check at Google is in flight: the token is not written back", async () => {
  await using s = await setup();
  const tokens = await tokensFor(s, "32");
  s.google.rotate = true;
  let arrived!: () => void;
  const atGoogle = new Promise<void>((r) => arrived = r);
  let release!: () => void;
  s.google.onRefresh = () => {
    arrived();
    return new Promise<void>((r) => release = r);
  };
  s.t.advance(16 * 60);
  const pending = refresh(s.t, tokens.refresh_token);
  await atGoogle;
  const erased = await api(s.t, "/api/me", tokens.access_token, {
    method: "DELETE",
  });
  assert.equal(erased.status, 200);
  release();
  const res = await pending;
  assert.equal(res.status, 400, "the family is gone");
  assert.equal((await res.json()).error, "invalid_grant");
  assert.equal(await storedUpstream(s, "32"), null, "not written back");
});

Deno.test("google: a KV fault while following Google's revocation answers 503 to that refresh and still revokes the user", async () => {
  const f = await faultyKv();
  await using s = await setup({}, { kv: f.kv });
  const tokens = await tokensFor(s, "33");
  for (const rt of s.google.refreshTokens.keys()) s.google.revoked.add(rt);
  // Writes start failing once Google has answered: whatever of the
  // follow-up does not get written, the revocation must.
  s.google.onRefresh = () => {
    f.failing.add("commit");
    f.failing.add("delete");
  };
  s.t.advance(16 * 60);
  const res = await refresh(s.t, tokens.refresh_token);
  // The sign-out record is written, its follow-up is not: the refresh asks
  // to be retried, and the retry finds the grant revoked.
  assert.equal(res.status, 503);
  assert.equal((await res.json()).error, "temporarily_unavailable");
  f.failing.clear();
  s.google.onRefresh = () => {};
  assert.equal((await api(s.t, "/api/me", tokens.access_token)).status, 401);
  s.t.advance(16 * 60);
  const later = await refresh(s.t, tokens.refresh_token);
  assert.equal(later.status, 400, "still refused, checks or no checks");
  assert.equal((await later.json()).error, "invalid_grant");
});

Deno.test("google: after a seal-key rotation the checks re-seal the stored token, so removing the old key keeps Google's revocation followed", async () => {
  const kv = await Deno.openKv(":memory:");
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  const k1 = { kid: "k1", secret: SECRET_1 };
  const k2 = { kid: "k2", secret: SECRET_2 };
  // Three deployments over one KV: k1; then k2 first with k1 still opening;
  // then k2 alone.
  await using before = await setup({}, { kv, google });
  await using during = await setup({}, {
    kv,
    google,
    keyring: new Keyring([k2, k1]),
  });
  await using after = await setup({}, {
    kv,
    google,
    keyring: new Keyring([k2]),
  });
  const kid = async () => {
    const entry = await kv.get<{ token: string }>(upstreamKey("google", "34"));
    // version | kid length | kid | …, base64url after the prefix.
    const bytes = Buffer.from(entry.value!.token.split(".")[1]!, "base64url");
    return bytes.subarray(2, 2 + bytes[1]!).toString();
  };
  const tokens = await tokensFor(before, "34");
  const sealedWithK1 = await kid();
  during.t.advance(16 * 60);
  const rotated = await refresh(during.t, tokens.refresh_token);
  assert.equal(rotated.status, 200);
  assert.equal(sealedWithK1, "k1");
  assert.equal(await kid(), "k2", "re-sealed with k2 at the check");
  const next: Tokens = await rotated.json();
  // k1 is gone. Google's revocation is still followed.
  for (const rt of google.refreshTokens.keys()) google.revoked.add(rt);
  after.t.advance(32 * 60 + 1);
  const res = await refresh(after.t, next.refresh_token);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
  assert.ok(logged(after.t, "upstream revoked the sign-in; user revoked"));
  kv.close();
});

Deno.test("google: a stored token whose key was removed cannot be checked, so the person signs in again", async () => {
  const kv = await Deno.openKv(":memory:");
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  const k2 = { kid: "k2", secret: SECRET_2 };
  await using before = await setup({}, { kv, google });
  await using after = await setup({}, {
    kv,
    google,
    keyring: new Keyring([k2, { kid: "k1", secret: SECRET_1 }]),
  });
  await using gone = await setup({}, {
    kv,
    google,
    keyring: new Keyring([k2]),
  });
  const tokens = await tokensFor(before, "35");
  // A refresh token from the k2 era, but the stored Google token never
  // re-sealed (no check was due), then k1 removed.
  const k2era: Tokens = await (await refresh(after.t, tokens.refresh_token))
    .json();
  gone.t.advance(16 * 60);
  const res = await refresh(gone.t, k2era.refresh_token);
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
  assert.ok(logged(gone.t, "stored upstream token unreadable; user revoked"));
  assert.equal(await storedUpstream(before, "35"), null);
  kv.close();
});

Deno.test("google: Google refusing our own client credentials is an error in the log that names the variables, at sign-in and at refresh", async () => {
  const kv = await Deno.openKv(":memory:");
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  await using good = await setup({}, { kv, google });
  await using stale = await setup({ GOOGLE_CLIENT_SECRET: "rotated-away" }, {
    kv,
    google,
  });
  const { res } = await signInWithGoogle(stale, { sub: "36" });
  assert.equal(redirectParams(res).get("error"), "server_error");
  const hint = (t: TestApp) =>
    t.logs.find((l) =>
      l.level === "error" &&
      String(l.fields?.reason).includes("check GOOGLE_CLIENT_ID")
    );
  assert.ok(hint(stale.t), "at sign-in");
  const tokens = await tokensFor(good, "36");
  stale.t.advance(16 * 60);
  const refreshed = await refresh(stale.t, tokens.refresh_token);
  assert.equal(refreshed.status, 200, "the person did nothing wrong");
  assert.equal(
    hint(stale.t)?.msg,
    "upstream sign-in failed",
  );
  assert.ok(
    logged(stale.t, "upstream refused our client credentials", "error"),
    "at refresh",
  );
  kv.close();
});

Deno.test("google: the KV dump after a sign-in holds no upstream token in the clear", async () => {
  await using s = await setup();
  const tokens = await tokensFor(s, "2024");
  await refresh(s.t, tokens.refresh_token);
  const dump = await kvDump(s.t.kv);
  assert.ok(s.google.refreshTokens.size > 0);
  for (const rt of s.google.refreshTokens.keys()) assert.ok(!dump.includes(rt));
  for (const at of s.google.accessTokens) assert.ok(!dump.includes(at));
  assert.ok(!dump.includes("1//fake") && !dump.includes("ya29."));
  assert.ok(dump.includes("wwc_up."), "the sealed form is there");
});

Deno.test("privacy: every kind of KV row a whole session writes is described on /privacy", async () => {
  await using s = await setup({ GAME_RATE_LIMIT: "100" });
  const tokens = await tokensFor(s, "4242");
  const fresh: Tokens = await (await refresh(s.t, tokens.refresh_token))
    .json();
  const json = { "content-type": "application/json" };
  const round = await (await api(s.t, "/api/rounds", fresh.access_token, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ category: "animals" }),
  })).json();
  await api(s.t, "/api/rounds/guess", fresh.access_token, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ round: round.round, guess: "not it" }),
  });
  await api(s.t, "/api/rounds/guess", fresh.access_token, {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      round: round.round,
      guess: await secret(s.t, round.round),
    }),
  });
  await api(s.t, "/api/me/nickname", fresh.access_token, {
    method: "PUT",
    headers: json,
    body: JSON.stringify({ nickname: "Ada" }),
  });
  await api(s.t, "/api/me/signout", fresh.access_token, { method: "POST" });

  const written = new Set(
    (await kvRows(s.t.kv)).map(([key]) => String(key[0])),
  );
  const items = storedItems(
    true,
    privacyFigures(s.t.config, REVOCATION_CACHE_MS),
  );
  const described = new Set(items.flatMap((i) => i.keys));
  // A session writes all of these; each must be described.
  assert.deepEqual([...written].sort(), [
    "code",
    "family",
    "leaderboard",
    "member",
    "member_day",
    "nickname",
    "player",
    "rank",
    "rank_high",
    "rate",
    "revocation_log",
    "revocation_log_head",
    "revocation_log_since",
    "round",
    "score",
    "scored_today",
    "upstream",
    "user_revoked",
  ]);
  assert.deepEqual([...written].filter((k) => !described.has(k)), []);
  // And the page shows each item.
  const html = await (await s.t.app.request(`${ORIGIN}/privacy`)).text();
  for (const item of items) {
    assert.ok(html.includes(escapeHtml(item.what)), item.what);
  }
});

Deno.test("google: DELETE /api/me deletes the stored upstream token too", async () => {
  await using s = await setup();
  const tokens = await tokensFor(s, "808");
  assert.ok((await s.t.kv.get(upstreamKey("google", "808"))).value);
  await api(s.t, "/api/me", tokens.access_token, { method: "DELETE" });
  assert.equal((await s.t.kv.get(upstreamKey("google", "808"))).value, null);
  assert.deepEqual(
    await lastingRowsMentioning(s.t.kv, "808"),
    tombstoneOf("google:808"),
  );
});

Deno.test("providers: the sign-in page lists exactly the enabled providers", async () => {
  await using s = await setup({
    DEV_LOGIN: "0",
    GITHUB_CLIENT_ID: "gh",
    GITHUB_CLIENT_SECRET: "ghs",
  });
  const html = await (await s.t.app.request(`${ORIGIN}${authorizeUrl()}`))
    .text();
  assert.ok(html.includes('href="/login/google/start?consent='));
  assert.ok(html.includes('href="/login/github/start?consent='));
  assert.ok(!html.includes("/login/dev/start"));
  assert.ok(!html.includes("/login/oidc/start"));
});
