/**
 * `/admin`, the members view: operators sign in as the built-in client
 * `admin` and get a session of their own (a sealed `admin` token in a
 * `__Host-` cookie); anyone else signed in gets a 403 page; the CSV export
 * matches the members and is safe to open in a spreadsheet; the one form
 * refuses requests from elsewhere; every page view is logged.
 */
import assert from "node:assert/strict";
import { PREFIX } from "../auth/seal.ts";
import { type TestApp, testApp } from "./_app.ts";
import { api, browse, CookieJar, ORIGIN, tokensFor } from "./_flow.ts";
import { adminSignIn } from "./_admin.ts";
import { csvCell } from "../views/members_csv.ts";

const ADMIN_ENV = { ADMIN_USERS: "dev:root, github:583231" };

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  assert.equal(cell + row.join(""), "", "the CSV ends with CRLF");
  return rows;
}

Deno.test("admin: an operator signs in through the providers and gets an admin session in a __Host- cookie — HttpOnly, Secure, SameSite=Strict, Path=/, one hour", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const { jar, done } = await adminSignIn(t);
  assert.equal(done.status, 200, await done.clone().text());
  assert.match(await done.text(), /href="\/admin"/);
  const line = done.headers.getSetCookie().find((l) =>
    l.startsWith("__Host-wwc_admin=")
  );
  assert.ok(line, done.headers.getSetCookie().join("\n"));
  const attrs = line.split(";").map((a) => a.trim().toLowerCase());
  for (
    const want of [
      "httponly",
      "secure",
      "samesite=strict",
      "path=/",
      "max-age=3600",
    ]
  ) {
    assert.ok(attrs.includes(want), `${want} in ${line}`);
  }
  assert.ok(!attrs.some((a) => a.startsWith("domain=")), "host-only");
  assert.ok(
    jar.cookies.get("__Host-wwc_admin")!.startsWith(PREFIX.admin),
    "a sealed admin token",
  );
  // The sign-in's own OAuth tokens are not kept: their family is revoked.
  const families = [];
  for await (const row of t.kv.list({ prefix: ["family", "dev:root"] })) {
    families.push(row.value as { revoked: boolean });
  }
  assert.ok(families.every((f) => f.revoked), JSON.stringify(families));
  const page = await browse(t, jar, "/admin");
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("cache-control"), "no-store");
  assert.match(
    page.headers.get("content-security-policy")!,
    /default-src 'none'; style-src 'self'/,
  );
});

Deno.test("admin: the members page lists each member with provider, nickname, times, score, plan free; totals and a 30-day SVG chart without script or style attributes", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const ada = await tokensFor(t, "ada");
  await api(t, "/api/me/nickname", ada.access_token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "Ada Lovelace" }),
  });
  await tokensFor(t, "bob");
  const { jar } = await adminSignIn(t);
  const res = await browse(t, jar, "/admin");
  assert.equal(res.status, 200);
  const html = await res.text();
  const row = html.match(/<tr><td><code>dev:ada<\/code><\/td>.*?<\/tr>/)?.[0];
  assert.ok(row, html);
  assert.match(row, /<td>dev<\/td><td>Ada Lovelace<\/td>/);
  assert.match(row, /<td>2026-11-23 12:00 UTC<\/td><td>2026-11-23 12:00 UTC/);
  assert.match(row, /<td>0<\/td><td>free<\/td><td><\/td><\/tr>/);
  assert.match(html, /<code>dev:bob<\/code>/);
  // Three members: ada, bob and the operator, who signed in too.
  assert.match(html, /<strong id="total-members">3<\/strong> members/);
  const svg = html.match(/<svg id="members-chart"[\s\S]*?<\/svg>/)?.[0];
  assert.ok(svg, "the chart");
  assert.equal(svg.match(/class="bar-new"/g)?.length, 30);
  assert.match(svg, /<title>2026-11-23: 3 new<\/title>/);
  assert.match(svg, /<title>2026-11-23: 3 active<\/title>/);
  assert.doesNotMatch(html, /<script|style=/);
});

Deno.test("admin: someone signed in but not in ADMIN_USERS gets a 403 page and no session; without a session /admin is the sign-in", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const { jar, done } = await adminSignIn(t, "mallory");
  assert.equal(done.status, 403);
  assert.match(await done.text(), /not allowed to see the members/);
  assert.equal(jar.cookies.get("__Host-wwc_admin"), undefined);
  const page = await browse(t, jar, "/admin");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /href="\/admin\/login\?provider=dev"/);
  const csv = await browse(t, jar, "/admin/members.csv");
  assert.equal(csv.status, 303);
  assert.equal(csv.headers.get("location"), "/admin");
  assert.ok(
    t.logs.some((l) =>
      l.msg === "admin refused" && l.fields?.sub === "dev:mallory"
    ),
  );
});

Deno.test("admin: a session stops working when its user leaves ADMIN_USERS", async () => {
  await using a = await testApp({ env: ADMIN_ENV });
  const { jar } = await adminSignIn(a);
  await using b = await testApp({
    env: { ADMIN_USERS: "github:583231" },
    kv: a.kv,
    clockOf: a,
  });
  assert.equal((await browse(b, jar, "/admin")).status, 403);
  assert.equal((await browse(b, jar, "/admin/members.csv")).status, 403);
});

Deno.test("admin: without ADMIN_USERS there is no /admin", async () => {
  await using t = await testApp();
  const res = await t.app.request(`${ORIGIN}/admin`);
  assert.equal(res.status, 404);
  const login = await t.app.request(`${ORIGIN}/admin/login?provider=dev`);
  assert.equal(login.status, 404);
});

Deno.test("admin: the session expires after an hour", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const { jar } = await adminSignIn(t);
  t.advance(3601);
  const res = await browse(t, jar, "/admin");
  assert.match(await res.text(), /href="\/admin\/login\?provider=dev"/);
});

Deno.test("admin: the CSV export is an attachment whose rows are the members, cells that start a formula neutralised", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const eve = await tokensFor(t, "eve");
  const named = await api(t, "/api/me/nickname", eve.access_token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "Eve the First" }),
  });
  assert.equal(named.status, 200, await named.clone().text());
  await tokensFor(t, "zed");
  // Emails as a provider may send them (as COLLECT_EMAIL=1 keeps them): one
  // a spreadsheet would run as a formula, one with a quote and a comma.
  for (
    const [sub, email] of [
      ["dev:eve", "=1+1@x.example"],
      ["dev:zed", '"a,b"@x.example'],
    ] as const
  ) {
    const row = await t.kv.get<Record<string, unknown>>(["member", sub]);
    await t.kv.set(["member", sub], { ...row.value, email });
  }
  const { jar } = await adminSignIn(t);
  const res = await browse(t, jar, "/admin/members.csv");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.match(
    res.headers.get("content-disposition")!,
    /^attachment; filename="members-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  const rows = parseCsv(await res.text());
  assert.deepEqual(rows[0], [
    "user_id",
    "provider",
    "nickname",
    "first_seen",
    "last_active",
    "score",
    "plan",
    "email",
  ]);
  const at = new Date(t.now()).toISOString();
  assert.deepEqual(rows.slice(1), [
    ["dev:eve", "dev", "Eve the First", at, at, "0", "free", "'=1+1@x.example"],
    ["dev:root", "dev", rows[2]![2]!, at, at, "0", "free", ""],
    ["dev:zed", "dev", rows[3]![2]!, at, at, "0", "free", '"a,b"@x.example'],
  ]);
  // Cells that a spreadsheet would run start with a quote; others as is.
  assert.equal(csvCell("=HYPERLINK(x)"), "'=HYPERLINK(x)");
  for (const lead of ["=", "+", "-", "@", "\t"]) {
    assert.equal(csvCell(`${lead}1`)[0], "'", lead);
  }
  assert.equal(csvCell("-1,2"), `"'-1,2"`);
  assert.equal(csvCell("plain"), "plain");
  assert.ok(
    t.logs.some((l) =>
      l.msg === "admin page view" && l.fields?.sub === "dev:root" &&
      l.fields?.page === "/admin/members.csv"
    ),
  );
});

Deno.test("admin: every page view is logged with the operator and the page, never a token", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const { jar } = await adminSignIn(t);
  await browse(t, jar, "/admin");
  const views = t.logs.filter((l) => l.msg === "admin page view");
  assert.deepEqual(views.map((l) => [l.fields?.sub, l.fields?.page]), [[
    "dev:root",
    "/admin",
  ]]);
  const text = JSON.stringify(t.logs);
  assert.ok(!text.includes(jar.cookies.get("__Host-wwc_admin")!));
  assert.ok(!text.includes("wwc_adm."));
});

/** Posts the sign-out form. */
function signOut(
  t: TestApp,
  jar: CookieJar,
  form: Record<string, string>,
  headers: Record<string, string>,
): Promise<Response> {
  return Promise.resolve(t.app.request(`${ORIGIN}/admin/signout`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: jar.header(),
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  }));
}

Deno.test("admin: the sign-out form is refused without this session's CSRF value or from another origin, and accepted with both", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const { jar } = await adminSignIn(t);
  const html = await (await browse(t, jar, "/admin")).text();
  const csrf = html.match(/name="csrf" value="([^"]+)"/)![1]!;
  const other = await adminSignIn(t);
  const otherCsrf = (await (await browse(t, other.jar, "/admin")).text())
    .match(/name="csrf" value="([^"]+)"/)![1]!;
  assert.notEqual(csrf, otherCsrf);
  const refusals: [Record<string, string>, Record<string, string>][] = [
    [{}, { origin: ORIGIN }],
    [{ csrf: "" }, { origin: ORIGIN }],
    [{ csrf: otherCsrf }, { origin: ORIGIN }],
    [{ csrf }, {}],
    [{ csrf }, { origin: "https://evil.example" }],
    [{ csrf }, { origin: ORIGIN, "sec-fetch-site": "cross-site" }],
  ];
  for (const [form, headers] of refusals) {
    const res = await signOut(t, jar, form, headers);
    assert.equal(res.status, 403, JSON.stringify([form, headers]));
    assert.match(await res.text(), /did not come from your members page/);
    assert.equal(res.headers.getSetCookie().length, 0);
  }
  assert.equal((await browse(t, jar, "/admin")).status, 200);
  const ok = await signOut(t, jar, { csrf }, { origin: ORIGIN });
  assert.equal(ok.status, 303);
  jar.store(ok);
  assert.equal(jar.cookies.get("__Host-wwc_admin"), undefined);
});

Deno.test("admin: pages of 100 members, a next-page link; a cursor not ours is no 500", async () => {
  await using t = await testApp({ env: ADMIN_ENV });
  const now = t.now();
  const op = t.kv.atomic();
  for (let i = 0; i < 150; i++) {
    op.set(["member", `dev:m${String(i).padStart(3, "0")}`], {
      first_seen: now,
      last_active: now,
      provider: "dev",
    });
  }
  // Atomic operations take at most 1000 mutations; 150 fit.
  assert.ok((await op.commit()).ok);
  const { jar } = await adminSignIn(t);
  const first = await (await browse(t, jar, "/admin")).text();
  assert.equal(first.match(/<tr><td><code>/g)?.length, 100);
  assert.match(first, /<strong id="total-members">151<\/strong>/);
  const next = first.match(/href="(\/admin\?cursor=[^"]+)"/)![1]!;
  const second = await (await browse(
    t,
    jar,
    next.replaceAll("&amp;", "&"),
  )).text();
  assert.equal(second.match(/<tr><td><code>/g)?.length, 51);
  assert.doesNotMatch(second, /cursor=/);
  assert.match(second, /<code>dev:root<\/code>/);
  for (const cursor of ["not-a-cursor", "%25%25%25", "AAAA"]) {
    const bad = await browse(t, jar, `/admin?cursor=${cursor}`);
    assert.ok([200, 303].includes(bad.status), `${cursor}: ${bad.status}`);
  }
});

Deno.test("admin: an operator's sign-out everywhere, and their erasure, end their /admin session too", async () => {
  for (const how of ["signout", "erase"] as const) {
    await using t = await testApp({ env: { ADMIN_USERS: "dev:root" } });
    const { jar } = await adminSignIn(t);
    const shown = await (await browse(t, jar, "/admin")).text();
    assert.match(shown, /Signed in as <code>dev:root<\/code>/);
    const { access_token } = await tokensFor(t, "root");
    const res = await api(
      t,
      how === "signout" ? "/api/me/signout" : "/api/me",
      access_token,
      { method: how === "signout" ? "POST" : "DELETE" },
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    t.advance(2);
    const html = await (await browse(t, jar, "/admin")).text();
    assert.doesNotMatch(html, /Signed in as/, `${how}: still signed in`);
    assert.match(html, /Sign in as an operator/, how);
    const csv = await browse(t, jar, "/admin/members.csv");
    await csv.body?.cancel();
    assert.equal(csv.status, 303, `${how}: the CSV`);
  }
});
