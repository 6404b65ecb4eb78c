/**
 * Every feature on at once (billing, COLLECT_EMAIL=1, the members view,
 * `/play`, the REST and MCP doors): what one player's whole life in the
 * service leaves behind, and what their sign-out reaches.
 */
import assert from "node:assert/strict";
import {
  kvRows,
  lastingRowsMentioning,
  rowsMentioning,
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
  type Tokens,
} from "./_flow.ts";
import { adminSignIn } from "./_admin.ts";
import {
  type Billed,
  deliverOk,
  objects,
  PRICE,
  SECRET_KEY,
  WEBHOOK_SECRET,
} from "./_billing.ts";
import { startStripeFake } from "../scripts/stripe_fake.ts";
import { privacyFigures, storedItems } from "../views/privacy.ts";

const SUB = "google:1098";
const EMAIL = "ada@gmail.example";
const IDS = { customer: "cus_Ada1", subscription: "sub_Ada1" };

interface World extends Billed {
  google: FakeProvider;
}

/** Billing (the Stripe fake), Google with email, an operator, all on. */
async function world(): Promise<World> {
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  google.idToken = { email: EMAIL, email_verified: true };
  let clock: () => number = Date.now;
  const fake = startStripeFake({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    prices: { [PRICE]: "recurring" },
    now: () => clock(),
  });
  const t = await testApp({
    env: {
      ...google.env,
      COLLECT_EMAIL: "1",
      ADMIN_USERS: "dev:root",
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_PRICE_ID: PRICE,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.origin,
      FREE_ROUNDS_PER_DAY: "3",
    },
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      return url.origin === fake.origin
        ? fetch(input, init)
        : google.fetch(input, init);
    },
  });
  clock = t.now;
  return {
    t,
    fake,
    google,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.close();
    },
  };
}

/** Signs in with Google for the GPT client; returns its tokens. */
async function gptTokens(w: World): Promise<Tokens> {
  const jar = new CookieJar();
  let res = await browse(
    w.t,
    jar,
    authorizeUrl({ provider: "google", state: "s" }),
  );
  res = await browse(
    w.t,
    jar,
    w.google.authorize(res.headers.get("location")!, { sub: "1098" }),
  );
  return await exchange(w.t, redirectParams(res).get("code")!);
}

/** Signs in at /play with Google; the jar then holds the session cookie. */
async function playSignIn(w: World): Promise<CookieJar> {
  const t = w.t;
  const jar = new CookieJar();
  const start = await browse(t, jar, "/play/login?provider=google");
  assert.equal(start.status, 302);
  const form = await browse(t, jar, start.headers.get("location")!);
  assert.equal(form.status, 302, await form.clone().text());
  const upstream = form.headers.get("location")!;
  const callback = await browse(
    t,
    jar,
    w.google.authorize(upstream, { sub: "1098" }),
  );
  assert.equal(callback.status, 302, await callback.clone().text());
  const done = await browse(t, jar, callback.headers.get("location")!);
  assert.equal(done.status, 303, await done.clone().text());
  return jar;
}

function playSession(t: TestApp, jar: CookieJar): Promise<Response> {
  return Promise.resolve(
    t.app.request(`${ORIGIN}/play/session`, {
      method: "POST",
      headers: { origin: ORIGIN, cookie: jar.header() },
    }),
  ).then((res) => {
    jar.store(res);
    return res;
  });
}

function round(t: TestApp, token: string): Promise<Response> {
  return api(t, "/api/rounds", token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ category: "colors" }),
  });
}

/** A whole life: play in the GPT and at /play, pay, be seen by the operator. */
async function live(w: World) {
  const tokens = await gptTokens(w);
  const started = await round(w.t, tokens.access_token);
  assert.equal(started.status, 201, await started.clone().text());
  const nick = await api(w.t, "/api/me/nickname", tokens.access_token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "Quokka" }),
  });
  assert.equal(nick.status, 200, await nick.clone().text());
  await nick.body?.cancel();
  await deliverOk(
    w,
    w.fake.event(
      "checkout.session.completed",
      objects.checkout(SUB, IDS),
    ),
  );
  const jar = await playSignIn(w);
  const session = await playSession(w.t, jar);
  assert.equal(session.status, 200, await session.clone().text());
  const { access_token: playToken } = await session.json();
  const played = await round(w.t, playToken);
  assert.equal(played.status, 201, await played.clone().text());
  const plan = await (await api(w.t, "/api/plan", tokens.access_token)).json();
  assert.ok(plan.portal_url, JSON.stringify(plan));
  const admin = await adminSignIn(w.t);
  const members = await (await browse(w.t, admin.jar, "/admin")).text();
  assert.ok(members.includes(EMAIL));
  return { tokens, jar, playToken, plan, admin };
}

Deno.test("integration: DELETE /api/me after playing in the GPT and at /play, paying and being listed leaves only the tombstone; the email, /play session and members entry are gone", async () => {
  await using w = await world();
  const { tokens, jar, admin } = await live(w);
  assert.ok((await rowsMentioning(w.t.kv, SUB)).length > 4);

  const erased = await api(w.t, "/api/me", tokens.access_token, {
    method: "DELETE",
  });
  assert.equal(erased.status, 200, await erased.clone().text());
  assert.deepEqual(await lastingRowsMentioning(w.t.kv, SUB), tombstoneOf(SUB));
  assert.deepEqual(await rowsMentioning(w.t.kv, EMAIL), []);
  assert.deepEqual(await rowsMentioning(w.t.kv, "Quokka"), []);
  assert.equal((await playSession(w.t, jar)).status, 401);
  const members = await (await browse(w.t, admin.jar, "/admin")).text();
  assert.ok(!members.includes(EMAIL));
  assert.ok(!members.includes(SUB));
});

Deno.test("integration: sign-out everywhere ends the /play session and the /billing links", async () => {
  await using w = await world();
  const { tokens, jar, playToken, plan } = await live(w);
  const out = await api(w.t, "/api/me/signout", tokens.access_token, {
    method: "POST",
  });
  assert.equal(out.status, 200, await out.clone().text());
  w.t.advance(2);
  assert.equal((await round(w.t, playToken)).status, 401);
  assert.equal((await playSession(w.t, jar)).status, 401);
  for (const link of [plan.portal_url, plan.upgrade_url]) {
    if (!link) continue;
    const res = await w.t.app.request(link);
    await res.body?.cancel();
    assert.ok(
      res.status >= 400 && res.status < 500,
      `${link}: ${res.status} ${res.headers.get("location")}`,
    );
  }
});

Deno.test("integration: /privacy describes every kind of row a whole session with every feature writes", async () => {
  await using w = await world();
  const { tokens } = await live(w);
  const written = new Set((await kvRows(w.t.kv)).map(([k]) => String(k[0])));
  const out = await api(w.t, "/api/me/signout", tokens.access_token, {
    method: "POST",
  });
  await out.body?.cancel();
  w.t.advance(2);
  const again = await gptTokens(w);
  const erased = await api(w.t, "/api/me", again.access_token, {
    method: "DELETE",
  });
  assert.equal(erased.status, 200);
  for (const [k] of await kvRows(w.t.kv)) written.add(String(k[0]));
  for (
    const kind of [
      "member",
      "member_day",
      "plan",
      "upstream",
      "family",
      "user_revoked",
      "revocation_log",
    ]
  ) {
    assert.ok(written.has(kind), kind);
  }
  const items = storedItems(true, privacyFigures(w.t.config, 5000));
  const described = new Set(items.flatMap((i) => i.keys));
  assert.deepEqual([...written].filter((k) => !described.has(k)), []);
});
