import assert from "node:assert/strict";
import fc from "../tests/_deps/fast_check.ts";
import { LIFETIME, Tokens, type Unstamped } from "./tokens.ts";
import { PREFIX, PURPOSES, sealBytes } from "./seal.ts";
import { keyring } from "../tests/_keys.ts";

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function clock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance: (seconds: number) => void (now += seconds * 1000),
  };
}

const samples: { [P in (typeof PURPOSES)[number]]: Unstamped<P> } = {
  code: {
    sub: "dev:alice",
    client_id: "gpt",
    redirect_uri: "https://chatgpt.com/aip/g-1/oauth/callback",
    scope: "game",
    code_challenge: "abc",
    fid: "f1",
  },
  access: { sub: "dev:alice", client_id: "gpt", scope: "game", fid: "f1" },
  refresh: {
    sub: "dev:alice",
    client_id: "gpt",
    scope: "game",
    fid: "f1",
    gen: 0,
  },
  login: {
    client_id: "gpt",
    redirect_uri: "https://chatgpt.com/aip/g-1/oauth/callback",
    scope: "game",
    state: "xyz",
  },
  upstream: { sub: "google:1", provider: "google", refresh_token: "1//abc" },
  round: { sub: "dev:alice", rid: "r1" },
  client: { client_name: "Inspector", redirect_uris: ["http://127.0.0.1/cb"] },
  upgrade: { sub: "dev:alice", fid: "f1" },
  portal: { sub: "dev:alice", fid: "f1" },
  admin: { sub: "github:583", csrf: "c1", rv: "" },
};

Deno.test("Tokens.seal/open round-trip typed claims for every purpose", async () => {
  const tokens = new Tokens(keyring, clock().now);
  for (const p of PURPOSES) {
    const { token, claims } = await tokens.seal(p, samples[p]);
    assert.equal(claims.iat, T0);
    assert.equal(claims.exp, T0 + LIFETIME[p] * 1000);
    const opened = await tokens.open(p, token);
    assert.ok(opened.ok, `${p} opens`);
    assert.deepEqual(opened.claims, claims);
  }
});

Deno.test("Tokens.open() never opens claims sealed for another purpose, even relabelled with its prefix (property)", async () => {
  const tokens = new Tokens(keyring, clock().now);
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...PURPOSES),
      fc.constantFrom(...PURPOSES),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue()),
      async (sealedAs, openedAs, extra) => {
        fc.pre(sealedAs !== openedAs);
        // Claims valid for every purpose at once, so only the purpose differs.
        const all = Object.assign({}, ...Object.values(samples), extra, {
          sub: "dev:a",
        });
        const { token } = await tokens.seal(sealedAs, all);
        assert.ok((await tokens.open(sealedAs, token)).ok);
        // Wearing the other purpose's prefix, the token passes the prefix
        // check and reaches the cipher, which refuses it: the purpose is in
        // the key derivation and the additional data.
        const relabelled = PREFIX[openedAs] +
          token.slice(PREFIX[sealedAs].length);
        assert.deepEqual(await tokens.open(openedAs, relabelled), {
          ok: false,
          reason: "bad_tag",
        });
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("Tokens.open() refuses an expired token against the injected clock", async () => {
  const c = clock();
  const tokens = new Tokens(keyring, c.now);
  const { token } = await tokens.seal("access", samples.access);
  c.advance(LIFETIME.access - 1);
  assert.ok((await tokens.open("access", token)).ok, "valid one second before");
  c.advance(1);
  assert.deepEqual(await tokens.open("access", token), {
    ok: false,
    reason: "expired",
  });
});

Deno.test("Tokens.seal() honours a custom lifetime", async () => {
  const c = clock();
  const tokens = new Tokens(keyring, c.now);
  const { token } = await tokens.seal("code", samples.code, 30);
  c.advance(30);
  assert.equal((await tokens.open("code", token)).ok, false);
});

Deno.test("Tokens.open() refuses authentic tokens whose claims have the wrong shape", async () => {
  const tokens = new Tokens(keyring, clock().now);
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const good = {
    ...samples.refresh,
    iat: T0,
    exp: T0 + 60_000,
    jti: "j",
  };
  const bad: unknown[] = [
    null,
    [],
    "string",
    7,
    { ...good, sub: 1 },
    { ...good, gen: -1 },
    { ...good, gen: 1.5 },
    { ...good, exp: "soon" },
    { ...good, jti: undefined },
  ];
  for (const claims of bad) {
    const token = await sealBytes(keyring, "refresh", enc(claims));
    const opened = await tokens.open("refresh", token);
    assert.deepEqual(
      opened,
      { ok: false, reason: "bad_claims" },
      JSON.stringify(claims),
    );
  }
  const notJson = await sealBytes(
    keyring,
    "refresh",
    new Uint8Array([0xff, 1]),
  );
  assert.deepEqual(await tokens.open("refresh", notJson), {
    ok: false,
    reason: "bad_claims",
  });
  assert.ok(
    (await tokens.open(
      "refresh",
      await sealBytes(keyring, "refresh", enc(good)),
    )).ok,
  );
});

const MCP = "https://words.example.com/mcp";

/** Every claim each type declares, optional ones included (checked by the compiler). */
const everyClaim: {
  [P in (typeof PURPOSES)[number]]: Required<Unstamped<P>>;
} = {
  code: { ...samples.code, code_challenge: "abc", rev: "v1", aud: MCP },
  access: { ...samples.access, aud: MCP },
  refresh: { ...samples.refresh, aud: MCP },
  login: {
    ...samples.login,
    resource: MCP,
    code_challenge: "abc",
    provider: "google",
    upstream_state: "s",
    nonce: "n",
    verifier: "v",
    prompt: "consent",
    consent: "c",
  },
  upstream: samples.upstream,
  round: samples.round,
  client: samples.client as Required<Unstamped<"client">>,
  upgrade: samples.upgrade,
  portal: samples.portal,
  admin: samples.admin,
};
const OPTIONAL = new Set([
  "client.client_name",
  "code.code_challenge",
  "code.rev",
  "code.aud",
  "access.aud",
  "refresh.aud",
  "login.resource",
  ...[
    "code_challenge",
    "provider",
    "upstream_state",
    "nonce",
    "verifier",
    "prompt",
    "consent",
  ]
    .map((k) => `login.${k}`),
]);

Deno.test("Tokens.open() checks exactly the claims the types declare: each one of another type is refused, each required one missing is refused", async () => {
  const tokens = new Tokens(keyring, clock().now);
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const stamp = { iat: T0, exp: T0 + 60_000, jti: "j" };
  for (const p of PURPOSES) {
    const claims: Record<string, unknown> = { ...everyClaim[p], ...stamp };
    const opens = async (c: unknown) =>
      (await tokens.open(p, await sealBytes(keyring, p, enc(c)))).ok;
    assert.ok(await opens(claims), p);
    for (const [key, value] of Object.entries(claims)) {
      const other = typeof value === "string" ? 42 : "42";
      assert.equal(
        await opens({ ...claims, [key]: other }),
        false,
        `${p}.${key}`,
      );
      const { [key]: _, ...without } = claims;
      assert.equal(
        await opens(without),
        OPTIONAL.has(`${p}.${key}`),
        `${p}.${key} missing`,
      );
    }
  }
});

Deno.test("Tokens.seal() gives every token a fresh jti", async () => {
  const tokens = new Tokens(keyring, clock().now);
  const a = await tokens.seal("access", samples.access);
  const b = await tokens.seal("access", samples.access);
  assert.notEqual(a.token, b.token);
  assert.notEqual(a.claims.jti, b.claims.jti);
});
