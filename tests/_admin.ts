/** Signs in at `/admin` through the development provider. */
import assert from "node:assert/strict";
import type { TestApp } from "./_app.ts";
import { browse, CookieJar, ORIGIN } from "./_flow.ts";

/** Signs in at /admin as `login`; returns the jar and the callback's answer. */
export async function adminSignIn(
  t: TestApp,
  login = "root",
): Promise<{ jar: CookieJar; done: Response }> {
  const jar = new CookieJar();
  const start = await browse(t, jar, "/admin/login?provider=dev");
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get("location")!);
  assert.equal(authorize.searchParams.get("client_id"), "admin");
  assert.equal(
    authorize.searchParams.get("redirect_uri"),
    `${ORIGIN}/admin/callback`,
  );
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");
  const form = await browse(t, jar, authorize.href);
  assert.equal(form.status, 302);
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
  assert.equal(back.origin + back.pathname, `${ORIGIN}/admin/callback`);
  const done = await browse(t, jar, back.href);
  return { jar, done };
}
