/**
 * Confidential Dynamic Client Registration (RFC 7591): a client registering
 * `client_secret_basic` (the default) or `client_secret_post` gets a secret
 * once, its id keeps only the secret's hash, and it must authenticate by the
 * method it registered, with PKCE S256 like every registered client. Driven
 * by hand and by the official v1 SDK's client `auth()`.
 */
import assert from "node:assert/strict";
import { s256 } from "../auth/pkce.ts";
import { type TestApp, testApp } from "./_app.ts";
import {
  authorizeUrl,
  basic,
  browse,
  CookieJar,
  ORIGIN,
  redirectParams,
  startLink,
} from "./_flow.ts";
import {
  CALLBACK,
  register,
  type RegisteredClient,
  registeredClient,
  signInRegistered,
  throughConsent,
  tokenRequest,
  VERIFIER,
} from "./_registration.ts";
import {
  authV1,
  ClientV1,
  type OAuthClientProviderV1,
  StreamableHTTPClientTransportV1,
} from "./_deps/mcp.ts";
import { MAX_REGISTRATION_BYTES } from "../auth/registration.ts";

type Method = "none" | "client_secret_post" | "client_secret_basic";
const METHODS: Method[] = ["none", "client_secret_post", "client_secret_basic"];
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/** The form fields and headers `client` sends to authenticate by `method`. */
function credentials(
  client: RegisteredClient,
  method: Method = client.token_endpoint_auth_method as Method,
  secret = client.client_secret ?? "",
): { form: Record<string, string>; headers: Record<string, string> } {
  switch (method) {
    case "none":
      return { form: { client_id: client.client_id }, headers: {} };
    case "client_secret_post":
      return {
        form: { client_id: client.client_id, client_secret: secret },
        headers: {},
      };
    case "client_secret_basic":
      return {
        form: {},
        headers: { authorization: basic(client.client_id, secret) },
      };
  }
}

/** A token or revocation request from `client`, authenticated as `auth` says. */
function call(
  t: TestApp,
  path: "/oauth/token" | "/oauth/revoke",
  form: Record<string, string>,
  auth: { form: Record<string, string>; headers: Record<string, string> },
): Promise<Response> {
  return tokenRequest(t, { ...form, ...auth.form }, auth.headers, path);
}

/** Signs in as `client` and exchanges the code: the token response. */
async function codeFlow(
  t: TestApp,
  client: RegisteredClient,
): Promise<{ access_token: string; refresh_token: string }> {
  const params = await signInRegistered(t, client.client_id);
  const res = await call(t, "/oauth/token", {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: CALLBACK,
    code_verifier: VERIFIER,
  }, credentials(client));
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

/** Asserts `res` is RFC 6749 §5.2's `invalid_client`: 401 and a Basic challenge. */
async function assertInvalidClient(res: Response): Promise<void> {
  assert.equal(res.status, 401, await res.clone().text());
  assert.equal((await res.json()).error, "invalid_client");
  assert.match(res.headers.get("www-authenticate") ?? "", /^Basic /);
}

Deno.test("registration without token_endpoint_auth_method is client_secret_basic: a 256-bit secret expiring with the id", async () => {
  await using t = await testApp();
  const res = await register(t, {
    client_name: "Some app",
    redirect_uris: [CALLBACK],
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const body = await res.json();
  assert.equal(body.token_endpoint_auth_method, "client_secret_basic");
  assert.match(body.client_secret, /^[A-Za-z0-9_-]{43}$/);
  const issuedAt = Math.floor(t.now() / 1000);
  assert.equal(body.client_id_issued_at, issuedAt);
  assert.equal(body.client_secret_expires_at, issuedAt + YEAR_SECONDS);
  assert.deepEqual(body.redirect_uris, [CALLBACK]);
  assert.equal(body.client_name, "Some app");
  assert.ok(
    !body.client_id.includes(body.client_secret),
    "the id does not carry the secret",
  );
});

Deno.test("client_secret_post is registered and echoed with a secret", async () => {
  await using t = await testApp();
  const client = await registeredClient(t, {
    token_endpoint_auth_method: "client_secret_post",
  });
  assert.equal(client.token_endpoint_auth_method, "client_secret_post");
  assert.match(client.client_secret!, /^[A-Za-z0-9_-]{43}$/);
});

Deno.test("two registrations get different secrets", async () => {
  await using t = await testApp();
  const method = { token_endpoint_auth_method: "client_secret_basic" };
  const a = await registeredClient(t, method);
  const b = await registeredClient(t, method);
  assert.notEqual(a.client_secret, b.client_secret);
});

for (const method of METHODS) {
  Deno.test(`a ${method} client signs in, exchanges its code, refreshes and revokes by its method`, async () => {
    await using t = await testApp();
    const client = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    assert.equal(client.client_secret === undefined, method === "none");
    const tokens = await codeFlow(t, client);
    const me = await t.app.request(`${ORIGIN}/api/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(me.status, 200);
    const refreshed = await call(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, credentials(client));
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    const next = await refreshed.json();
    const revoked = await call(t, "/oauth/revoke", {
      token: next.refresh_token,
    }, credentials(client));
    assert.equal(revoked.status, 200, await revoked.clone().text());
    const after = await call(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: next.refresh_token,
    }, credentials(client));
    assert.equal(after.status, 400);
    assert.equal((await after.json()).error, "invalid_grant");
  });
}

for (const method of ["client_secret_post", "client_secret_basic"] as const) {
  Deno.test(`a ${method} client with a wrong secret is invalid_client at the token and revocation endpoints`, async () => {
    await using t = await testApp();
    const client = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const tokens = await codeFlow(t, client);
    const wrong = credentials(client, method, client.client_secret + "x");
    await assertInvalidClient(
      await call(t, "/oauth/token", {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
      }, wrong),
    );
    await assertInvalidClient(
      await call(t, "/oauth/revoke", { token: tokens.refresh_token }, wrong),
    );
    const still = await call(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
    }, credentials(client));
    assert.equal(still.status, 200, "the refused revocation revoked nothing");
  });

  Deno.test(`a ${method} client presenting another registered client's secret is invalid_client`, async () => {
    await using t = await testApp();
    const mine = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const other = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const params = await signInRegistered(t, mine.client_id);
    await assertInvalidClient(
      await call(t, "/oauth/token", {
        grant_type: "authorization_code",
        code: params.get("code")!,
        redirect_uri: CALLBACK,
        code_verifier: VERIFIER,
      }, credentials(mine, method, other.client_secret)),
    );
  });

  Deno.test(`a ${method} client without a PKCE challenge is sent back with invalid_request`, async () => {
    await using t = await testApp();
    const client = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const res = await browse(
      t,
      new CookieJar(),
      authorizeUrl({ client_id: client.client_id, redirect_uri: CALLBACK }),
    );
    const params = redirectParams(res, CALLBACK);
    assert.equal(params.get("error"), "invalid_request");
    assert.match(params.get("error_description")!, /PKCE/);
  });

  Deno.test(`a ${method} client's code with a wrong PKCE verifier gets no token, its secret right`, async () => {
    await using t = await testApp();
    const client = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const params = await signInRegistered(t, client.client_id);
    const res = await call(t, "/oauth/token", {
      grant_type: "authorization_code",
      code: params.get("code")!,
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER + "x",
    }, credentials(client));
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, "invalid_grant");
  });

  Deno.test(`a tampered ${method} client id is invalid_client, its secret right`, async () => {
    await using t = await testApp();
    const client = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const tokens = await codeFlow(t, client);
    const id = client.client_id;
    const last = id.at(-2) === "A" ? "B" : "A";
    const tampered = {
      ...client,
      client_id: id.slice(0, -2) + last + id.at(-1),
    };
    await assertInvalidClient(
      await call(t, "/oauth/token", {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
      }, credentials(tampered)),
    );
  });
}

/** The right secret (or none) sent by a method the client did not register. */
const WRONG_METHOD: [
  Method,
  string,
  (c: RegisteredClient) => {
    form: Record<string, string>;
    headers: Record<string, string>;
  },
][] = [
  [
    "client_secret_basic",
    "in the body",
    (c) => credentials(c, "client_secret_post"),
  ],
  [
    "client_secret_basic",
    "in HTTP Basic and in the body at once",
    (c) => ({
      form: { client_secret: c.client_secret! },
      headers: credentials(c).headers,
    }),
  ],
  ["client_secret_basic", "not at all", (c) => credentials(c, "none")],
  [
    "client_secret_post",
    "in HTTP Basic",
    (c) => credentials(c, "client_secret_basic"),
  ],
  ["client_secret_post", "not at all", (c) => credentials(c, "none")],
  [
    "none",
    "as an empty HTTP Basic password",
    (c) => credentials(c, "client_secret_basic", ""),
  ],
  [
    "none",
    "as a body secret",
    (c) => credentials(c, "client_secret_post", "anything"),
  ],
];

for (const [method, how, auth] of WRONG_METHOD) {
  Deno.test(`a ${method} client sending its secret ${how} is invalid_client at the token and revocation endpoints`, async () => {
    await using t = await testApp();
    const client = await registeredClient(t, {
      token_endpoint_auth_method: method,
    });
    const tokens = await codeFlow(t, client);
    await assertInvalidClient(
      await call(t, "/oauth/token", {
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
      }, auth(client)),
    );
    await assertInvalidClient(
      await call(
        t,
        "/oauth/revoke",
        { token: tokens.refresh_token },
        auth(client),
      ),
    );
  });
}

Deno.test("a client secret dies with its id a year after registration", async () => {
  await using t = await testApp();
  const client = await registeredClient(t, {
    token_endpoint_auth_method: "client_secret_basic",
  });
  const tokens = await codeFlow(t, client);
  t.advance(YEAR_SECONDS - 1);
  // The family lives 30 days: a fresh sign-in, the day before the id expires.
  const fresh = await codeFlow(t, client);
  assert.ok(fresh.access_token);
  t.advance(1);
  await assertInvalidClient(
    await call(
      t,
      "/oauth/revoke",
      { token: tokens.refresh_token },
      credentials(client),
    ),
  );
  await assertInvalidClient(
    await call(t, "/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: fresh.refresh_token,
    }, credentials(client)),
  );
});

Deno.test("the largest confidential registration still signs in: its id and login cookie stay inside browsers' 4 KiB", async () => {
  await using t = await testApp();
  const longest = (n: number) =>
    `https://app.example/${String(n).padEnd(5, "x")}/` + "c".repeat(80);
  const uris = [CALLBACK];
  for (let n = 0;; n++) {
    const more = [...uris, longest(n)];
    const bytes =
      JSON.stringify({ client_name: "N".repeat(100), redirect_uris: more })
        .length;
    if (bytes > MAX_REGISTRATION_BYTES) break;
    uris.push(longest(n));
  }
  const client = await registeredClient(t, {
    client_name: "N".repeat(100),
    redirect_uris: uris,
    token_endpoint_auth_method: "client_secret_basic",
  });
  assert.ok(client.client_id.length < 1200, `id: ${client.client_id.length}`);
  const jar = new CookieJar();
  const consent = await browse(
    t,
    jar,
    authorizeUrl({
      client_id: client.client_id,
      redirect_uri: CALLBACK,
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
    }),
  );
  assert.equal(consent.status, 200);
  for (const cookie of consent.headers.getSetCookie()) {
    assert.ok(cookie.length < 4096, `cookie: ${cookie.length}`);
  }
  const start = await browse(t, jar, await startLink(consent));
  assert.equal(start.status, 302);
  for (const cookie of start.headers.getSetCookie()) {
    assert.ok(cookie.length < 4096, `cookie: ${cookie.length}`);
  }
  const tokens = await codeFlow(t, client);
  assert.ok(tokens.refresh_token);
});

Deno.test("the v1 SDK's auth() registers (client_secret_basic by default), authorizes with PKCE and resource, exchanges and refreshes with HTTP Basic, then calls /mcp", async () => {
  await using t = await testApp();
  const sent: { path: string; authorization: string | null; body: string }[] =
    [];
  const fetchFn = async (input: string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    if (path === "/oauth/token") {
      sent.push({
        path,
        authorization: request.headers.get("authorization"),
        body: await request.clone().text(),
      });
    }
    return await t.app.request(request);
  };
  // The SDK's subpath exports carry no types here: the provider is typed
  // by what this test reads of it.
  const stored: {
    client?: { client_secret?: string; token_endpoint_auth_method?: string };
    tokens?: { refresh_token?: string };
    verifier?: string;
  } = {};
  let redirectedTo: URL | undefined;
  const provider: OAuthClientProviderV1 = {
    redirectUrl: CALLBACK,
    // No token_endpoint_auth_method: RFC 7591's default applies.
    clientMetadata: { client_name: "SDK app", redirect_uris: [CALLBACK] },
    state: () => "sdk-state",
    clientInformation: () => stored.client,
    saveClientInformation: (info: typeof stored.client) =>
      void (stored.client = info),
    tokens: () => stored.tokens,
    saveTokens: (tokens: typeof stored.tokens) => void (stored.tokens = tokens),
    redirectToAuthorization: (url: URL) => void (redirectedTo = url),
    saveCodeVerifier: (verifier: string) => void (stored.verifier = verifier),
    codeVerifier: () => stored.verifier!,
  };
  const serverUrl = `${ORIGIN}/mcp`;
  assert.equal(await authV1(provider, { serverUrl, fetchFn }), "REDIRECT");
  assert.equal(
    stored.client?.token_endpoint_auth_method,
    "client_secret_basic",
  );
  assert.ok(stored.client?.client_secret);
  assert.equal(redirectedTo!.searchParams.get("resource"), serverUrl);
  assert.equal(redirectedTo!.searchParams.get("code_challenge_method"), "S256");
  const params = await throughConsent(
    t,
    redirectedTo!.pathname + redirectedTo!.search,
  );
  assert.equal(params.get("state"), "sdk-state");
  assert.equal(
    await authV1(provider, {
      serverUrl,
      fetchFn,
      authorizationCode: params.get("code")!,
    }),
    "AUTHORIZED",
  );
  const first = stored.tokens!;
  assert.equal(await authV1(provider, { serverUrl, fetchFn }), "AUTHORIZED");
  assert.notEqual(stored.tokens!.refresh_token, first.refresh_token);
  assert.equal(sent.length, 2, "one exchange, one refresh");
  for (const request of sent) {
    assert.match(request.authorization ?? "", /^Basic /);
    assert.ok(!new URLSearchParams(request.body).has("client_secret"));
  }
  const client = new ClientV1({ name: "sdk-app", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransportV1(new URL(serverUrl), {
      authProvider: provider,
      fetch: fetchFn,
    }),
  );
  const { tools } = await client.listTools();
  assert.ok(tools.length > 0);
  await client.close();
});
