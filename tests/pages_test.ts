/**
 * The setup guide and the client secret: shown only when `deno task dev`
 * generated it, and only to this machine.
 */
import assert from "node:assert/strict";
import type { Env } from "../config.ts";
import { CLIENT_SECRET, testApp } from "./_app.ts";
import { ORIGIN } from "./_flow.ts";

const from = (hostname: string) => ({
  remoteAddr: { transport: "tcp" as const, hostname, port: 40000 },
});

async function setupPage(
  options: { env?: Env; devGeneratedSecret?: boolean },
  requests: [label: string, address: string | null, headers?: HeadersInit][],
): Promise<Map<string, string>> {
  await using t = await testApp(options);
  const pages = new Map<string, string>();
  for (const [label, address, headers] of requests) {
    const res = await t.app.request(
      `${ORIGIN}/`,
      { headers },
      address === null ? undefined : from(address),
    );
    assert.equal(res.status, 200);
    pages.set(label, await res.text());
  }
  return pages;
}

const LOOPBACK = ["127.0.0.1", "127.0.1.1", "::1", "::ffff:127.0.0.1"];

Deno.test("setup guide: under deno task start the client secret is never shown, even with DEV_LOGIN=1 and to this machine", async () => {
  const pages = await setupPage(
    { env: { DEV_LOGIN: "1" } },
    [...LOOPBACK, "192.168.1.20"].map((a) => [a, a]),
  );
  for (const [address, html] of pages) {
    assert.ok(!html.includes(CLIENT_SECRET), address);
    assert.match(html, /the OAUTH_CLIENT_SECRET set on this server/);
  }
});

Deno.test("setup guide: a secret deno task dev generated is shown to loopback requests only", async () => {
  const pages = await setupPage({ devGeneratedSecret: true }, [
    ...LOOPBACK.map((a): [string, string] => [a, a]),
    ["lan", "192.168.1.20"],
    ["public", "203.0.113.5"],
    ["IPv6", "2001:db8::5"],
    ["no connection info", null],
    // A client's own header means nothing without TRUST_PROXY_HEADER.
    ["claims loopback", "203.0.113.5", { "x-forwarded-for": "127.0.0.1" }],
  ]);
  for (const address of LOOPBACK) {
    assert.ok(pages.get(address)!.includes(CLIENT_SECRET), address);
  }
  for (
    const label of [
      "lan",
      "public",
      "IPv6",
      "no connection info",
      "claims loopback",
    ]
  ) {
    const html = pages.get(label)!;
    assert.ok(!html.includes(CLIENT_SECRET), label);
    assert.match(html, /shown only on the machine running deno task dev/);
  }
});

Deno.test("setup guide: behind a trusted proxy on loopback, the secret is shown only when the proxy's header says loopback", async () => {
  const pages = await setupPage({
    devGeneratedSecret: true,
    env: { TRUST_PROXY_HEADER: "X-Forwarded-For" },
  }, [
    ["local", "127.0.0.1", { "x-forwarded-for": "203.0.113.5, 127.0.0.1" }],
    ["remote", "127.0.0.1", { "x-forwarded-for": "127.0.0.1, 203.0.113.5" }],
    ["no header", "127.0.0.1"],
    ["not an address", "127.0.0.1", { "x-forwarded-for": "localhost" }],
  ]);
  assert.ok(pages.get("local")!.includes(CLIENT_SECRET));
  for (const label of ["remote", "no header", "not an address"]) {
    assert.ok(!pages.get(label)!.includes(CLIENT_SECRET), label);
  }
});
