/**
 * The application's routes stay within what Hono's RegExpRouter takes: one
 * pattern it cannot compile (a parameter beside static paths at the same
 * depth, a parameter with its own expression beside static paths) silently
 * puts every request of the whole application on the slower trie router.
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import type { SmartRouter } from "hono/router/smart-router";
import { testApp } from "./_app.ts";
import { billed } from "./_billing.ts";

/** The router Hono settled on for `app`, once a request has been routed. */
async function activeRouter(app: Hono): Promise<string> {
  await (await app.request("/health")).body?.cancel();
  return (app.router as SmartRouter<unknown>).activeRouter.name;
}

Deno.test("routing: every route of the application compiles into Hono's RegExpRouter", async () => {
  await using t = await testApp({ env: { ADMIN_USERS: "dev:admin" } });
  assert.equal(await activeRouter(t.app), "RegExpRouter");
});

Deno.test("routing: with billing on, the billing routes keep the RegExpRouter too", async () => {
  await using b = await billed();
  assert.equal(await activeRouter(b.t.app), "RegExpRouter");
});
