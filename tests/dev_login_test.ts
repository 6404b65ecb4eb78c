/**
 * The development sign-in takes what it invites: names in any case (kept in
 * lower case), addresses such as alice@example.com, and for anything else
 * a message saying what is allowed, from a script (`login_hint`) as from
 * the form.
 */
import assert from "node:assert/strict";
import { testApp } from "./_app.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  REDIRECT,
  signIn,
} from "./_flow.ts";

Deno.test("development sign-in: Dana signs in as dev:dana, and alice@example.com as herself", async () => {
  await using t = await testApp();
  for (
    const [login, id] of [
      ["Dana", "dev:dana"],
      ["  Bob.Smith ", "dev:bob.smith"],
      ["alice@example.com", "dev:alice@example.com"],
      ["Carol+test@Example.COM", "dev:carol+test@example.com"],
    ]
  ) {
    const params = await signIn(t, { login: login! });
    const { access_token } = await exchange(t, params.get("code")!);
    const me = await (await api(t, "/api/me", access_token)).json();
    assert.equal(me.id, id, login);
  }
});

Deno.test("development sign-in: a name it cannot use comes back to the client saying what is allowed", async () => {
  await using t = await testApp();
  for (const login of ["bad name", "dev:admin", "-x", "a".repeat(65), "ünï"]) {
    const jar = new CookieJar();
    const start = await browse(
      t,
      jar,
      authorizeUrl({ provider: "dev", login_hint: login }),
    );
    assert.equal(start.status, 302, login);
    const callback = await browse(t, jar, start.headers.get("location")!);
    assert.equal(callback.status, 302, login);
    const back = new URL(callback.headers.get("location")!);
    assert.equal(back.origin + back.pathname, REDIRECT, login);
    assert.equal(back.searchParams.get("error"), "access_denied", login);
    assert.match(
      back.searchParams.get("error_description")!,
      /1–64 letters, digits.*alice@example\.com/,
      login,
    );
  }
});

Deno.test("development sign-in form: no automatic capitals, and its pattern accepts what the provider accepts", async () => {
  await using t = await testApp();
  const jar = new CookieJar();
  const start = await browse(t, jar, authorizeUrl({ provider: "dev" }));
  const form = await browse(t, jar, start.headers.get("location")!);
  assert.equal(form.status, 200);
  const html = await form.text();
  assert.match(html, /autocapitalize="off"/);
  assert.match(html, /spellcheck="false"/);
  const pattern = /pattern="([^"]+)"/.exec(html)![1]!.replaceAll("&amp;", "&");
  // Browsers compile `pattern` with the `v` flag, anchored.
  const field = new RegExp(`^(?:${pattern})$`, "v");
  for (const ok of ["Dana", "alice@example.com", "bob.smith", "x"]) {
    assert.ok(field.test(ok), ok);
  }
  for (const bad of ["bad name", "-x", "dev:admin"]) {
    assert.ok(!field.test(bad), bad);
  }
});
