/**
 * The budget of document fetches cannot be multiplied by an attacker who
 * controls a whole IPv6 /64 (every home and cloud machine has one): the
 * addresses of one /64 share the per-address limit.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { s256 } from "../auth/pkce.ts";
import { fetchInto } from "./_fake_fetch.ts";
import { testApp } from "./_app.ts";
import { authorizeUrl, ORIGIN } from "./_flow.ts";

const VERIFIER = "a-verifier-of-enough-length-for-pkce-0123456789abcdef";
const CALLBACK = "https://app.example.com/oauth/callback";

Deno.test("document fetches: the addresses of one IPv6 /64 share CLIENT_DOCUMENT_RATE_LIMIT", async () => {
  const host = new Hono();
  let fetched = 0;
  host.get("/good/:n", (c) => {
    fetched++;
    return c.json({
      client_id: c.req.url,
      client_name: "Example Agent",
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: "none",
    });
  });
  await using t = await testApp({
    env: {
      CLIENT_DOCUMENT_RATE_LIMIT: "3",
      TRUST_PROXY_HEADER: "X-Forwarded-For",
    },
    documents: {
      fetch: fetchInto(host),
      resolve: () => Promise.resolve(["93.184.215.14"]),
    },
  });
  const statuses: number[] = [];
  for (let i = 1; i <= 6; i++) {
    const res = await t.app.request(
      new URL(
        authorizeUrl({
          client_id: `https://docs.test/good/${i}`,
          redirect_uri: CALLBACK,
          code_challenge: s256(VERIFIER),
          code_challenge_method: "S256",
        }),
        ORIGIN,
      ).href,
      // One machine: the same /64, a new interface identifier each time.
      { headers: { "x-forwarded-for": `2600:1f18:aaaa:bbbb::${i}` } },
    );
    await res.body?.cancel();
    statuses.push(res.status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
  assert.equal(fetched, 3);
});

Deno.test("document fetches: one address holding slow fetches cannot take every in-flight slot from everyone else", async () => {
  const host = new Hono();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  // Settled: a lookup that reached the host, or was answered without.
  let settled = 0;
  let allSettled!: () => void;
  const stalling = new Promise<void>((resolve) => allSettled = resolve);
  const settle = () => {
    if (++settled === 16) allSettled();
  };
  host.get("/slow/:n", async (c) => {
    settle();
    await gate; // a host that answers only when it pleases
    return c.notFound();
  });
  host.get("/good/:n", (c) =>
    c.json({
      client_id: c.req.url,
      client_name: "Example Agent",
      redirect_uris: [CALLBACK],
      token_endpoint_auth_method: "none",
    }));
  await using t = await testApp({
    env: {
      CLIENT_DOCUMENT_RATE_LIMIT: "100",
      TRUST_PROXY_HEADER: "X-Forwarded-For",
    },
    documents: {
      fetch: fetchInto(host),
      resolve: () => Promise.resolve(["93.184.215.14"]),
    },
  });
  const open = (clientId: string, address: string) =>
    Promise.resolve(t.app.request(
      new URL(
        authorizeUrl({
          client_id: clientId,
          redirect_uri: CALLBACK,
          code_challenge: s256(VERIFIER),
          code_challenge_method: "S256",
        }),
        ORIGIN,
      ).href,
      { headers: { "x-forwarded-for": address } },
    ));
  // The attacker's one address starts many lookups of a host that stalls.
  const stalled = Array.from(
    { length: 16 },
    (_, i) => {
      const answer = open(`https://slow.test/slow/${i}`, "198.51.100.7");
      // Turned away before reaching the host (busy): settled too.
      void answer.then((res) => {
        if (res.status === 503) settle();
      });
      return answer;
    },
  );
  await stalling; // every one of the sixteen is being fetched or turned away
  // Someone else signs in with an application nobody has looked up yet.
  const other = await open("https://docs.test/good/1", "203.0.113.9");
  const status = other.status;
  await other.body?.cancel();
  release();
  for (const res of await Promise.all(stalled)) await res.body?.cancel();
  assert.equal(status, 200, "the other person's sign-in was refused as busy");
});
