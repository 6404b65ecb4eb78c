import assert from "node:assert/strict";
import {
  ConfigError,
  type Env,
  loadConfig,
  productionWarnings,
} from "./config.ts";

// Secrets as `deno task keygen` prints them: weak ones are refused.
const SEAL_SECRET = "evjzL0kXnMFnjcOB1DC2WKLNmd8r3abdypGsUp6N4Y4";
const SEAL_SECRET_2 = "qCpEab65KoBlewpLbJaCo2NCEqKLQ-U9smFVkcgrKbg";
const KEY = `k1:${SEAL_SECRET}`;
const BASE: Env = {
  SEAL_KEYS: KEY,
  OAUTH_CLIENT_ID: "gpt",
  OAUTH_CLIENT_SECRET: "fuN3n-QmH0EkBSkAPix8iA1iT8e9VrTb9sq-YATSuRA",
};

function problem(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

Deno.test("loadConfig() applies the documented defaults", () => {
  const config = loadConfig(BASE);
  assert.equal(config.port, 8000);
  assert.equal(config.publicUrl, "http://localhost:8000");
  assert.deepEqual(config.sealKeys, [{ kid: "k1", secret: SEAL_SECRET }]);
  assert.equal(config.client.redirectUris, null);
  assert.equal(config.devLogin, false);
  assert.equal(config.kvPath, undefined);
  assert.equal(config.google, null);
  assert.equal(config.github, null);
  assert.equal(config.oidc, null);
});

Deno.test("loadConfig() takes PORT=0 as any free port (start() names the one taken)", () => {
  assert.equal(loadConfig({ ...BASE, PORT: "0" }).port, 0);
  assert.match(problem({ ...BASE, PORT: "-1" }).message, /not a port/);
});

Deno.test("loadConfig() parses every variable", () => {
  const config = loadConfig({
    ...BASE,
    PORT: "9000",
    PUBLIC_URL: "https://words.example.com/",
    SEAL_KEYS: `k2:${SEAL_SECRET_2}, ${KEY}`,
    OAUTH_REDIRECT_URIS:
      "https://chatgpt.com/aip/g-1/oauth/callback, http://localhost:3000/cb",
    GOOGLE_CLIENT_ID: "g-id",
    GOOGLE_CLIENT_SECRET: "g-secret",
    GITHUB_CLIENT_ID: "gh-id",
    GITHUB_CLIENT_SECRET: "gh-secret",
    OIDC_ISSUER: "http://127.0.0.1:4000",
    OIDC_CLIENT_ID: "o-id",
    OIDC_CLIENT_SECRET: "o-secret",
    DEV_LOGIN: "1",
    KV_PATH: ":memory:",
  });
  assert.equal(config.port, 9000);
  assert.equal(config.publicUrl, "https://words.example.com");
  assert.deepEqual(config.sealKeys.map((k) => k.kid), ["k2", "k1"]);
  assert.deepEqual(config.client.redirectUris, [
    "https://chatgpt.com/aip/g-1/oauth/callback",
    "http://localhost:3000/cb",
  ]);
  assert.deepEqual(config.google, {
    clientId: "g-id",
    clientSecret: "g-secret",
  });
  assert.equal(config.github?.clientId, "gh-id");
  assert.equal(config.oidc?.name, "127.0.0.1");
  assert.equal(config.oidc?.issuer.href, "http://127.0.0.1:4000/");
  assert.equal(config.devLogin, true);
  assert.equal(config.kvPath, ":memory:");
});

Deno.test("config errors name the variable and the fix", () => {
  const cases: [Env, string, RegExp][] = [
    [{ ...BASE, SEAL_KEYS: undefined }, "SEAL_KEYS", /deno task keygen/],
    [
      { ...BASE, SEAL_KEYS: "k1:twelve-chars" },
      "SEAL_KEYS",
      /^SEAL_KEYS: "k1" is 12 characters; each secret needs at least 32 — run "deno task keygen" \(without Deno installed: "npx -y deno@2\.9\.6 task keygen"\)$/,
    ],
    [{ ...BASE, SEAL_KEYS: SEAL_SECRET }, "SEAL_KEYS", /kid1:secret1/],
    [{ ...BASE, SEAL_KEYS: `${KEY},${KEY}` }, "SEAL_KEYS", /appears twice/],
    [
      { ...BASE, SEAL_KEYS: `bad kid:${SEAL_SECRET}` },
      "SEAL_KEYS",
      /key id/,
    ],
    [{ ...BASE, PORT: "80a" }, "PORT", /not a port/],
    [{ ...BASE, PORT: "70000" }, "PORT", /not a port/],
    [{ ...BASE, PUBLIC_URL: "words.example.com" }, "PUBLIC_URL", /http/],
    [
      { ...BASE, PUBLIC_URL: "https://x.example/app" },
      "PUBLIC_URL",
      /origin only/,
    ],
    [{ ...BASE, OAUTH_CLIENT_ID: undefined }, "OAUTH_CLIENT_ID", /not set/],
    [{ ...BASE, OAUTH_CLIENT_ID: "a b" }, "OAUTH_CLIENT_ID", /visible ASCII/],
    [
      { ...BASE, OAUTH_CLIENT_SECRET: undefined },
      "OAUTH_CLIENT_SECRET",
      /keygen/,
    ],
    [{ ...BASE, OAUTH_CLIENT_SECRET: "short" }, "OAUTH_CLIENT_SECRET", /32/],
    [
      { ...BASE, OAUTH_REDIRECT_URIS: "http://evil.example/cb" },
      "OAUTH_REDIRECT_URIS",
      /https/,
    ],
    [
      { ...BASE, OAUTH_REDIRECT_URIS: "https://x.example/cb#frag" },
      "OAUTH_REDIRECT_URIS",
      /fragment/,
    ],
    [{ ...BASE, GOOGLE_CLIENT_ID: "id" }, "GOOGLE_CLIENT_SECRET", /both/],
    [{ ...BASE, GITHUB_CLIENT_SECRET: "s" }, "GITHUB_CLIENT_ID", /both/],
    [{ ...BASE, OIDC_CLIENT_ID: "id" }, "OIDC_ISSUER", /not set/],
    [
      { ...BASE, OIDC_ISSUER: "http://idp.example", OIDC_CLIENT_ID: "i" },
      "OIDC_ISSUER",
      /https/,
    ],
    [
      { ...BASE, OIDC_ISSUER: "https://idp.example" },
      "OIDC_CLIENT_ID",
      /not set/,
    ],
    [
      {
        ...BASE,
        OIDC_ISSUER: "https://idp.example",
        OIDC_CLIENT_ID: "i",
        OIDC_CLIENT_SECRET: "s",
        OIDC_NAME: "google",
      },
      "OIDC_NAME",
      /collide/,
    ],
    [
      { ...BASE, OAUTH_CLIENT_SECRET_PREVIOUS: "short" },
      "OAUTH_CLIENT_SECRET_PREVIOUS",
      /the old OAUTH_CLIENT_SECRET/,
    ],
    [
      { ...BASE, OAUTH_CLIENT_SECRET_PREVIOUS: BASE.OAUTH_CLIENT_SECRET },
      "OAUTH_CLIENT_SECRET_PREVIOUS",
      /equals OAUTH_CLIENT_SECRET/,
    ],
    [{ ...BASE, DEV_LOGIN: "yes" }, "DEV_LOGIN", /1 \(on\) or 0/],
    [
      { ...BASE, DEV_LOGIN: "1", DENO_DEPLOYMENT_ID: "abc" },
      "DEV_LOGIN",
      /refused on Deno Deploy/,
    ],
  ];
  for (const [env, variable, message] of cases) {
    const err = problem(env);
    assert.equal(err.variable, variable, err.message);
    assert.ok(err.message.startsWith(`${variable}: `), err.message);
    assert.match(err.message, message);
    assert.ok(!err.message.includes("\n"), "one line");
  }
});

Deno.test("config errors never echo a secret", () => {
  const secret = "super-secret-value";
  const err = problem({ ...BASE, SEAL_KEYS: `k1:${secret}` });
  assert.ok(!err.message.includes(secret), err.message);
  const err2 = problem({ ...BASE, OAUTH_CLIENT_SECRET: secret });
  assert.ok(!err2.message.includes(secret), err2.message);
});

Deno.test("an OpenID issuer's host names its users, and an IPv6 loopback issuer needs no OIDC_NAME", () => {
  const named = (issuer: string) =>
    loadConfig({
      ...BASE,
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: "i",
      OIDC_CLIENT_SECRET: "s",
    }).oidc?.name;
  assert.equal(named("https://login.acme.example"), "login.acme.example");
  assert.equal(named("http://[::1]:8080"), "localhost");
});

Deno.test("on Deno Deploy PUBLIC_URL is required and must be https", () => {
  const deploy = { ...BASE, DENO_DEPLOYMENT_ID: "abc" };
  assert.match(problem(deploy).message, /^PUBLIC_URL: not set; on Deno Deploy/);
  assert.match(
    problem({ ...deploy, PUBLIC_URL: "http://words.example.com" }).message,
    /^PUBLIC_URL: .* is http; on Deno Deploy it must be/,
  );
  assert.equal(
    loadConfig({ ...deploy, PUBLIC_URL: "https://words.example.com" })
      .publicUrl,
    "https://words.example.com",
  );
});

Deno.test("config errors are collected: the first is thrown, carrying every one", () => {
  const err = problem({
    SEAL_KEYS: "k1:short",
    OAUTH_CLIENT_ID: "gpt",
    GAME_RATE_LIMIT: "lots",
  });
  assert.deepEqual(err.all.map((e) => e.variable), [
    "OAUTH_CLIENT_SECRET",
    "SEAL_KEYS",
    "GAME_RATE_LIMIT",
  ]);
  assert.equal(err.all[0], err);
});

Deno.test("guessable secrets are refused, naming the variable and deno task keygen", () => {
  const keygen =
    / — run "deno task keygen" \(without Deno installed: "npx -y deno@2\.9\.6 task keygen"\)/;
  const cases: [Env, string, RegExp][] = [
    [
      { ...BASE, SEAL_KEYS: `k1:${"a".repeat(32)}` },
      "SEAL_KEYS",
      /^SEAL_KEYS: "k1" is too predictable: about 9 of the 128 bits needed \(repeats and runs such as aaaa, abab, 1234, qwer count for little\) — run "deno task keygen"/,
    ],
    [
      { ...BASE, SEAL_KEYS: `${KEY},k0:${"password1234".repeat(3)}` },
      "SEAL_KEYS",
      /^SEAL_KEYS: "k0" is too predictable/,
    ],
    [
      { ...BASE, OAUTH_CLIENT_SECRET: "a".repeat(32) },
      "OAUTH_CLIENT_SECRET",
      /^OAUTH_CLIENT_SECRET: is too predictable: about 9 of the 128 bits/,
    ],
    [
      { ...BASE, OAUTH_CLIENT_SECRET: "qwertyuiopasdfghjklzxcvbnm123456" },
      "OAUTH_CLIENT_SECRET",
      /too predictable/,
    ],
    [
      { ...BASE, OAUTH_CLIENT_SECRET_PREVIOUS: "ab".repeat(16) },
      "OAUTH_CLIENT_SECRET_PREVIOUS",
      /^OAUTH_CLIENT_SECRET_PREVIOUS: is too predictable.*not kept even while rotating/,
    ],
  ];
  for (const [env, variable, message] of cases) {
    const err = problem(env);
    assert.equal(err.variable, variable, err.message);
    assert.match(err.message, message);
    assert.match(err.message, keygen);
    assert.ok(!err.message.includes("\n"), "one line");
  }
  // What keygen and openssl print passes.
  assert.equal(
    loadConfig({
      ...BASE,
      OAUTH_CLIENT_SECRET: "6f1c0e9a4b7d2358e0aa91c4d76b3f12",
      SEAL_KEYS: "k1:yK3m0Qv2pX9rL8sT4wZ7nB1cD6fG5hJ0kM2qR4tU9vA=",
    }).client.secret,
    "6f1c0e9a4b7d2358e0aa91c4d76b3f12",
  );
});

Deno.test("LISTEN_HOST: every interface by default, or one IP address", () => {
  assert.equal(loadConfig(BASE).hostname, "0.0.0.0");
  for (const host of ["127.0.0.1", "::1", "::", "192.0.2.7", "localhost"]) {
    assert.equal(loadConfig({ ...BASE, LISTEN_HOST: host }).hostname, host);
  }
  for (
    const host of [
      "127.0.0.1:80",
      "10.0.0.0/8",
      "example.com",
      "[::1]",
      "01.2.3.4",
    ]
  ) {
    assert.match(
      problem({ ...BASE, LISTEN_HOST: host }).message,
      /^LISTEN_HOST: .* must be an IP address to listen on, e\.g\. 127\.0\.0\.1/,
    );
  }
});

Deno.test("LISTEN_HOST alone chooses the address: HOSTNAME and HOST, which shells and containers set to the machine's name, are not read", () => {
  for (const name of ["HOSTNAME", "HOST"]) {
    assert.equal(
      loadConfig({ ...BASE, [name]: "build-box-7" }).hostname,
      "0.0.0.0",
    );
    assert.equal(
      loadConfig({ ...BASE, [name]: "10.1.2.3", LISTEN_HOST: "127.0.0.1" })
        .hostname,
      "127.0.0.1",
    );
  }
});

Deno.test("IP_ALLOWLIST: a range the allowlist could not match (leading zeros, a port, a bad prefix) is a configuration error, not a crash at start-up", () => {
  for (
    const value of [
      "01.2.3.4",
      "10.0.0.0/8, 192.168.001.0/24",
      "1.2.3.4:443",
      "10.0.0.0/08",
      '{"prefixes":[{"ipv4Prefix":"023.102.140.112/28"}]}',
    ]
  ) {
    assert.match(
      problem({ ...BASE, IP_ALLOWLIST: value }).message,
      /^IP_ALLOWLIST: .* is not an IP range; use CIDR ranges such as 23\.102\.140\.112\/28/,
      value,
    );
  }
  const ranges =
    loadConfig({ ...BASE, IP_ALLOWLIST: "10.0.0.0/8 2001:db8::/32" })
      .ipAllowlist;
  assert.deepEqual(ranges?.map((r) => [r.family, r.prefix]), [[4, 8], [6, 32]]);
});

const STRIPE: Env = {
  STRIPE_SECRET_KEY: "sk_test_51AbCdEfGhIjKlMnOp",
  STRIPE_PRICE_ID: "price_1AbCdEf",
  STRIPE_WEBHOOK_SECRET: "whsec_0123456789abcdef",
};

Deno.test("billing: off without STRIPE_* (no quota); all three set turn it on with a quota of 20 a day against Stripe's own API", () => {
  const off = loadConfig(BASE);
  assert.equal(off.billing, null);
  assert.equal(off.freeRoundsPerDay, 0);
  const on = loadConfig({ ...BASE, ...STRIPE });
  assert.equal(on.freeRoundsPerDay, 20);
  assert.equal(on.billing?.apiBase.href, "https://api.stripe.com/");
  assert.equal(on.billing?.priceId, "price_1AbCdEf");
  const tuned = loadConfig({
    ...BASE,
    ...STRIPE,
    FREE_ROUNDS_PER_DAY: "0",
    STRIPE_API_BASE: "http://127.0.0.1:12111",
  });
  assert.equal(tuned.freeRoundsPerDay, 0);
  assert.equal(tuned.billing?.apiBase.origin, "http://127.0.0.1:12111");
});

Deno.test("billing: the STRIPE_* variables are set together or not at all, each in its own shape, and the API base is an https origin (http only on loopback)", () => {
  for (const name of Object.keys(STRIPE)) {
    const err = problem({ ...BASE, ...STRIPE, [name]: undefined });
    assert.equal(err.variable, name);
    assert.match(err.message, /together, or none/);
  }
  assert.equal(
    problem({ ...BASE, STRIPE_API_BASE: "https://api.stripe.com" }).variable,
    "STRIPE_API_BASE",
  );
  for (
    const [name, value] of [
      ["STRIPE_SECRET_KEY", "pk_test_51AbCdEfGhIjKlMnOp"],
      ["STRIPE_PRICE_ID", "prod_123456"],
      ["STRIPE_WEBHOOK_SECRET", "secret"],
      ["STRIPE_API_BASE", "http://stripe.example.com"],
      ["STRIPE_API_BASE", "https://stripe.example.com/v1"],
      ["STRIPE_API_BASE", "not a url"],
    ]
  ) {
    const err = problem({ ...BASE, ...STRIPE, [name!]: value });
    assert.equal(err.variable, name, `${name}=${value}`);
    assert.ok(!err.message.includes("sk_test_51"), "no secret echoed");
  }
  assert.equal(
    loadConfig({ ...BASE, ...STRIPE, STRIPE_API_BASE: "http://[::1]:9" })
      .billing?.apiBase.port,
    "9",
  );
});

Deno.test("billing: a free-round quota without billing is refused, since nobody could lift it", () => {
  const err = problem({ ...BASE, FREE_ROUNDS_PER_DAY: "5" });
  assert.equal(err.variable, "FREE_ROUNDS_PER_DAY");
  assert.match(err.message, /STRIPE_SECRET_KEY/);
  assert.equal(
    loadConfig({ ...BASE, FREE_ROUNDS_PER_DAY: "0" }).freeRoundsPerDay,
    0,
  );
  assert.equal(
    problem({ ...BASE, ...STRIPE, FREE_ROUNDS_PER_DAY: "-1" }).variable,
    "FREE_ROUNDS_PER_DAY",
  );
});

Deno.test("billing: a test-mode key or another API base is a production warning", () => {
  const live = loadConfig({
    ...BASE,
    ...STRIPE,
    STRIPE_SECRET_KEY: "sk_live_51AbCdEfGhIjKlMnOp",
  });
  assert.deepEqual(
    productionWarnings(live).filter((w) => w.includes("STRIPE")),
    [],
  );
  const trial = productionWarnings(
    loadConfig({ ...BASE, ...STRIPE, STRIPE_API_BASE: "http://127.0.0.1:9" }),
  ).filter((w) => w.includes("STRIPE"));
  assert.equal(trial.length, 2);
  assert.match(trial[0]!, /test-mode key/);
  assert.match(trial[1]!, /not Stripe/);
});

Deno.test("ADMIN_USERS: user ids, comma-separated and trimmed; it adds the built-in client admin with its one redirect; off by default", () => {
  const off = loadConfig(BASE);
  assert.deepEqual(off.adminUsers, []);
  assert.ok(!off.clients.some((c) => c.id === "admin"));
  assert.equal(off.collectEmail, false);
  const on = loadConfig({
    ...BASE,
    PUBLIC_URL: "https://words.example.com",
    ADMIN_USERS: " google:109876543210 , github:583231,dev:ada,dev:ada",
    COLLECT_EMAIL: "1",
  });
  assert.deepEqual(on.adminUsers, [
    "google:109876543210",
    "github:583231",
    "dev:ada",
  ]);
  const admin = on.clients.find((c) => c.id === "admin");
  assert.deepEqual(admin?.redirectUris, [
    "https://words.example.com/admin/callback",
  ]);
  assert.equal(admin?.secret, null, "a public client: PKCE");
  assert.equal(on.collectEmail, true);
});

Deno.test("ADMIN_USERS and COLLECT_EMAIL refuse what is not a user id or a flag, naming the variable", () => {
  for (const bad of ["alice", "google:", ":123", "google:12 34", "a/b:1"]) {
    const err = problem({ ...BASE, ADMIN_USERS: bad });
    assert.equal(err.variable, "ADMIN_USERS", bad);
    assert.match(err.message, /<provider>:<id>/);
  }
  assert.equal(
    problem({ ...BASE, COLLECT_EMAIL: "yes" }).variable,
    "COLLECT_EMAIL",
  );
  const taken = problem({ ...BASE, OAUTH_CLIENT_ID: "admin" });
  assert.equal(taken.variable, "OAUTH_CLIENT_ID");
  assert.match(taken.message, /members view/);
});
