/**
 * `COLLECT_EMAIL=1`: the verified email from Google (the ID token's `email`
 * with `email_verified`) and GitHub (the primary verified address of
 * `GET /user/emails`) is kept with the member row, shown to operators and
 * erased with the player's data; unverified addresses never, and with the
 * setting off nothing beyond the subject is kept, whatever the provider
 * sends. (OpenID Connect: tests/oidc_provider_test.ts.)
 */
import assert from "node:assert/strict";
import {
  kvDump,
  lastingRowsMentioning,
  rowsMentioning,
  T0,
  testApp,
  tombstoneOf,
} from "./_app.ts";
import { FakeProvider, GITHUB, GOOGLE } from "./_fake_provider.ts";
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
import type { MemberRow } from "../account/members.ts";

async function signInWith(
  t: Awaited<ReturnType<typeof testApp>>,
  provider: FakeProvider,
  sub: string,
): Promise<{ tokens: Tokens; upstream: URL }> {
  const id = provider.dialect.variable.toLowerCase();
  const jar = new CookieJar();
  let res = await browse(t, jar, authorizeUrl({ provider: id, state: "s" }));
  const upstream = new URL(res.headers.get("location")!);
  res = await browse(t, jar, provider.authorize(upstream.href, { sub }));
  const tokens = await exchange(t, redirectParams(res).get("code")!);
  return { tokens, upstream };
}

const ON = { COLLECT_EMAIL: "1" };

Deno.test("email: Google with COLLECT_EMAIL=1 asks for the email scope and keeps the ID token's email when email_verified is true", async () => {
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  google.idToken = { email: "ada@gmail.example", email_verified: true };
  await using t = await testApp({
    fetch: google.fetch,
    env: { ...google.env, ...ON },
  });
  const { upstream } = await signInWith(t, google, "1098");
  assert.equal(upstream.searchParams.get("scope"), "openid email");
  const row = (await t.kv.get<MemberRow>(["member", "google:1098"])).value;
  assert.equal(row?.email, "ada@gmail.example");
  assert.equal(row?.provider, "google");
});

Deno.test('email: Google\'s email is not kept when email_verified is false, missing, or the string "true"', async () => {
  for (const verified of [false, undefined, "true"]) {
    const google = await new FakeProvider(GOOGLE, () => T0).ready();
    google.idToken = {
      email: "unverified@gmail.example",
      ...(verified !== undefined ? { email_verified: verified } : {}),
    };
    await using t = await testApp({
      fetch: google.fetch,
      env: { ...google.env, ...ON },
    });
    await signInWith(t, google, "77");
    const row = (await t.kv.get<MemberRow>(["member", "google:77"])).value;
    assert.ok(row, "the member is recorded");
    assert.equal(row.email, undefined, `email_verified=${verified}`);
    assert.ok(!(await kvDump(t.kv)).includes("unverified@"));
  }
});

Deno.test("email: with COLLECT_EMAIL off, Google is asked for openid only and no email reaches KV even when the ID token carries a verified one", async () => {
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  google.idToken = { email: "ada@gmail.example", email_verified: true };
  await using t = await testApp({ fetch: google.fetch, env: google.env });
  const { upstream } = await signInWith(t, google, "1098");
  assert.equal(upstream.searchParams.get("scope"), "openid");
  assert.ok((await t.kv.get(["member", "google:1098"])).value);
  assert.ok(!(await kvDump(t.kv)).includes("gmail.example"));
});

Deno.test("email: GitHub with COLLECT_EMAIL=1 asks for user:email and keeps the primary verified address, never the public profile's", async () => {
  const github = new FakeProvider(GITHUB, () => T0);
  await using t = await testApp({
    fetch: github.fetch,
    env: { ...github.env, ...ON },
  });
  const { upstream } = await signInWith(t, github, "583231");
  assert.equal(upstream.searchParams.get("scope"), "user:email");
  const row = (await t.kv.get<MemberRow>(["member", "github:583231"])).value;
  assert.equal(row?.email, "583231@primary.example.com");
  const dump = await kvDump(t.kv);
  assert.ok(!dump.includes("users.example.com"), "the profile's email");
  assert.ok(!dump.includes("old-583231"), "a secondary address");
});

Deno.test("email: GitHub's primary address is not kept when unverified; an emails API that fails keeps none and the sign-in still works", async () => {
  const answers = [
    {
      status: 200,
      body: [{ email: "p@unverified.example", primary: true, verified: false }],
    },
    { status: 403, body: { message: "Resource not accessible" } },
    { status: 200, body: { not: "a list" } },
  ];
  for (const answer of answers) {
    const github = new FakeProvider(GITHUB, () => T0);
    github.emails = answer;
    await using t = await testApp({
      fetch: github.fetch,
      env: { ...github.env, ...ON },
    });
    const { tokens } = await signInWith(t, github, "9");
    assert.equal((await api(t, "/api/me", tokens.access_token)).status, 200);
    const row = (await t.kv.get<MemberRow>(["member", "github:9"])).value;
    assert.ok(row);
    assert.equal(row.email, undefined, JSON.stringify(answer));
  }
});

Deno.test("email: with COLLECT_EMAIL off, GitHub is asked for no scope and no email reaches KV", async () => {
  const github = new FakeProvider(GITHUB, () => T0);
  await using t = await testApp({ fetch: github.fetch, env: github.env });
  const { upstream } = await signInWith(t, github, "583231");
  assert.equal(upstream.searchParams.get("scope"), null);
  assert.ok(!(await kvDump(t.kv)).includes("example.com"));
});

Deno.test("email: the members view and the CSV show a collected email, and DELETE /api/me erases it with the member row", async () => {
  const google = await new FakeProvider(GOOGLE, () => T0).ready();
  google.idToken = { email: "ada@gmail.example", email_verified: true };
  await using t = await testApp({
    fetch: google.fetch,
    env: { ...google.env, ...ON, ADMIN_USERS: "dev:root" },
  });
  const { tokens } = await signInWith(t, google, "1098");
  const { jar } = await adminSignIn(t);
  const html = await (await browse(t, jar, "/admin")).text();
  assert.match(html, /<td>ada@gmail\.example<\/td>/);
  assert.match(html, /<strong>1<\/strong> with an email/);
  const csv = await (await browse(t, jar, "/admin/members.csv")).text();
  assert.ok(csv.includes(",free,ada@gmail.example\r\n"), csv);

  const erased = await api(t, "/api/me", tokens.access_token, {
    method: "DELETE",
  });
  assert.equal(erased.status, 200);
  assert.deepEqual(await rowsMentioning(t.kv, "ada@gmail.example"), []);
  assert.deepEqual(
    await lastingRowsMentioning(t.kv, "google:1098"),
    tombstoneOf("google:1098"),
  );
});

Deno.test("email: the consent page says an email is kept only when COLLECT_EMAIL=1, and /privacy says which", async () => {
  for (const on of [true, false]) {
    await using t = await testApp({ env: on ? ON : {} });
    const consent = await (await t.app.request(
      new URL(authorizeUrl({ state: "s" }), ORIGIN).href,
    )).text();
    assert.equal(
      consent.includes("keeps the email address your sign-in provider"),
      on,
    );
    const privacy = (await (await t.app.request(`${ORIGIN}/privacy`)).text())
      .replace(/\s+/g, " ");
    assert.equal(
      privacy.includes(
        "your email address, only when your provider says it is verified",
      ),
      on,
    );
    assert.equal(
      privacy.includes("Your email address, name or picture: we never store"),
      !on,
    );
  }
});

Deno.test("email: with a brand, the consent page's email notice names the operator's brand as who keeps the email", async () => {
  await using t = await testApp({
    env: { ...ON, BRAND_NAME: "Acme Quiz" },
  });
  const consent = await (await t.app.request(
    new URL(authorizeUrl({ state: "s" }), ORIGIN).href,
  )).text();
  const notice = consent.match(/<p[^>]*id="consent-email"[^>]*>([\s\S]*?)<\/p>/)
    ?.[1]?.replace(/\s+/g, " ");
  assert.ok(notice, "the email notice");
  assert.match(notice, /Acme Quiz keeps the email address/);
  assert.doesNotMatch(notice, /Words with Chat/);
});
