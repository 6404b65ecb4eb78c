/**
 * `/play` signs in as the built-in public client `play`: PKCE, the code
 * exchanged on the server, the refresh token in an HttpOnly SameSite=Strict
 * cookie, the access token handed to the page by `POST /play/session`. Only
 * our own page may use that session; signing out ends it everywhere it
 * reached.
 */
import assert from "node:assert/strict";
import { type TestApp, testApp } from "./_app.ts";
import { api, browse, CookieJar, ORIGIN } from "./_flow.ts";

/** Signs in at /play as `login`; the jar then holds the session cookie. */
async function playSignIn(t: TestApp, login = "alice"): Promise<CookieJar> {
  const jar = new CookieJar();
  const start = await browse(t, jar, "/play/login?provider=dev");
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get("location")!);
  assert.equal(authorize.pathname, "/oauth/authorize");
  assert.equal(authorize.searchParams.get("client_id"), "play");
  assert.equal(
    authorize.searchParams.get("redirect_uri"),
    `${ORIGIN}/play/callback`,
  );
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  const form = await browse(t, jar, authorize.href);
  assert.equal(form.status, 302, "provider=dev: straight to the sign-in");
  const page = new URL(form.headers.get("location")!, ORIGIN);
  const callback = await browse(
    t,
    jar,
    `/login/dev/callback?state=${
      page.searchParams.get("state")
    }&login=${login}`,
  );
  assert.equal(callback.status, 302);
  const back = new URL(callback.headers.get("location")!);
  assert.equal(back.origin + back.pathname, `${ORIGIN}/play/callback`);
  const done = await browse(t, jar, back.href);
  assert.equal(done.status, 303, await done.clone().text());
  assert.equal(done.headers.get("location"), "/play");
  return jar;
}

function session(
  t: TestApp,
  jar: CookieJar,
  headers: Record<string, string> = { origin: ORIGIN },
): Promise<Response> {
  return Promise.resolve(
    t.app.request(`${ORIGIN}/play/session`, {
      method: "POST",
      headers: {
        ...headers,
        ...(jar.cookies.size ? { cookie: jar.header() } : {}),
      },
    }),
  ).then((res) => {
    jar.store(res);
    return res;
  });
}

Deno.test("play: signing in keeps the refresh token in an HttpOnly, SameSite=Strict, __Host- cookie, and the page gets an access token", async () => {
  await using t = await testApp();
  const jar = await playSignIn(t);
  const stored = jar.cookies.get("__Host-wwc_play");
  assert.ok(stored?.startsWith("wwc_rt."), "the refresh token");
  assert.equal(jar.cookies.has("__Host-wwc_play_login"), false, "cleared");

  const res = await session(t, jar);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const line = res.headers.getSetCookie().find((l) =>
    l.startsWith("__Host-wwc_play=")
  )!;
  assert.match(line, /HttpOnly/i);
  assert.match(line, /SameSite=Strict/i);
  assert.match(line, /Secure/i);
  assert.match(line, /Path=\//);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in"]);
  assert.notEqual(jar.cookies.get("__Host-wwc_play"), stored, "rotated");
  const me = await api(t, "/api/me", body.access_token);
  assert.equal((await me.json()).id, "dev:alice");

  // A reload: the page asks again and is still signed in.
  const again = await session(t, jar);
  assert.equal(again.status, 200);
});

Deno.test("play: the session answers only our own page", async () => {
  await using t = await testApp();
  const jar = await playSignIn(t);
  for (
    const headers of [
      {},
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: ORIGIN, "sec-fetch-site": "cross-site" },
      { origin: ORIGIN, "sec-fetch-site": "same-site" },
    ] as Record<string, string>[]
  ) {
    const before = jar.cookies.get("__Host-wwc_play");
    const res = await session(t, jar, headers);
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal((await res.json()).error, "cross_origin");
    assert.equal(jar.cookies.get("__Host-wwc_play"), before, "untouched");
  }
  assert.equal((await session(t, jar)).status, 200, "still signed in");
});

Deno.test("play: without a session, or with an ended one, the page is told to sign in", async () => {
  await using t = await testApp();
  const none = await session(t, new CookieJar());
  assert.equal(none.status, 401);
  assert.equal((await none.json()).error, "signed_out");

  const jar = await playSignIn(t);
  const { access_token } = await (await session(t, jar)).json();
  const old = new CookieJar();
  old.cookies.set("__Host-wwc_play", jar.cookies.get("__Host-wwc_play")!);
  const out = await t.app.request(`${ORIGIN}/play/signout`, {
    method: "POST",
    headers: { origin: ORIGIN, cookie: jar.header() },
  });
  assert.equal(out.status, 204);
  jar.store(out);
  assert.equal(jar.cookies.has("__Host-wwc_play"), false, "cookie cleared");
  const after = await session(t, old);
  assert.equal(after.status, 401, "the old cookie is revoked");
  assert.equal((await api(t, "/api/me", access_token)).status, 401);
});

Deno.test("play: a callback this browser did not start is refused (login CSRF), and the code is not spent", async () => {
  await using t = await testApp();
  // The attacker starts a sign-in in their own browser and stops at the callback.
  const attacker = new CookieJar();
  const start = await browse(t, attacker, "/play/login?provider=dev");
  const form = await browse(t, attacker, start.headers.get("location")!);
  const page = new URL(form.headers.get("location")!, ORIGIN);
  const callback = await browse(
    t,
    attacker,
    `/login/dev/callback?state=${page.searchParams.get("state")}&login=mallory`,
  );
  const link = callback.headers.get("location")!;
  // The victim opens it.
  const victim = new CookieJar();
  const res = await browse(t, victim, link);
  assert.equal(res.status, 400);
  assert.match(await res.text(), /not started in this browser/);
  assert.equal(victim.cookies.has("__Host-wwc_play"), false);
  // The code was not spent on the victim's behalf: its own sign-in could
  // still redeem it (here, straight at the token endpoint).
  const verifier = attacker.cookies.get("__Host-wwc_play_login")!.split(
    "~",
  )[1]!;
  const redeemed = await t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: "play",
      code: new URL(link).searchParams.get("code")!,
      redirect_uri: `${ORIGIN}/play/callback`,
      code_verifier: verifier,
    }),
  });
  assert.equal(redeemed.status, 200);
  // A wrong issuer is refused too, even with the right state.
  const forged = new URL(link);
  forged.searchParams.set("iss", "https://evil.example");
  const wrongIss = await browse(t, attacker, forged.href);
  assert.equal(wrongIss.status, 400);
});

Deno.test("play: the client `play` returns only to /play/callback, and an unknown provider is a page", async () => {
  await using t = await testApp();
  const res = await browse(
    t,
    new CookieJar(),
    `/oauth/authorize?response_type=code&client_id=play&redirect_uri=${
      encodeURIComponent("https://evil.example/play/callback")
    }&state=s&code_challenge=${"a".repeat(43)}&code_challenge_method=S256`,
  );
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("location"), null);
  const unknown = await browse(t, new CookieJar(), "/play/login?provider=x");
  assert.equal(unknown.status, 404);
  assert.match(unknown.headers.get("content-type")!, /text\/html/);
});

Deno.test("play: OAUTH_CLIENT_ID may not take the page's own client id", async () => {
  await assert.rejects(
    () => testApp({ env: { OAUTH_CLIENT_ID: "play" } }),
    /the client of the game's own page/,
  );
});

Deno.test("play: a renewal whose answer was lost leaves a cookie that still works; renewals rotate once the token is ten minutes old, and reuse after that ends the session", async () => {
  await using t = await testApp();
  const jar = await playSignIn(t);
  const first = jar.cookies.get("__Host-wwc_play")!;
  // A reload renews, but its answer (with the new cookie) never arrives.
  const lost = new CookieJar();
  lost.cookies.set("__Host-wwc_play", first);
  assert.equal((await session(t, lost)).status, 200);
  t.advance(60);
  // The browser still holds the first cookie: it must still work.
  const again = await session(t, jar);
  assert.equal(again.status, 200, "a lost answer does not sign the player out");
  const young = jar.cookies.get("__Host-wwc_play")!;
  // Ten minutes on, a renewal rotates the family to a new generation...
  t.advance(10 * 60);
  const rotated = await session(t, jar);
  assert.equal(rotated.status, 200);
  // ...and a token of the old generation, past the grace period, is reuse.
  t.advance(60);
  const stale = new CookieJar();
  stale.cookies.set("__Host-wwc_play", young);
  const reused = await session(t, stale);
  assert.equal(reused.status, 401);
  assert.equal((await session(t, jar)).status, 401, "the family is revoked");
});
