/**
 * Client ID Metadata Documents through the whole service: a `client_id`
 * that is an https URL is fetched (here from a real TLS server on loopback,
 * allowed in development mode only), its redirect URIs bind the sign-in,
 * the person always meets the consent page, and every document that cannot
 * be used ends on an error page here, never in a redirect.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { pinnedFetch } from "../lib/pinned_fetch.ts";
import { s256 } from "../auth/pkce.ts";
import { fetchInto } from "./_fake_fetch.ts";
import { serveTls } from "./_tls.ts";
import { rowsMentioning, type TestApp, testApp } from "./_app.ts";
import {
  authorizeUrl,
  browse,
  CookieJar,
  ORIGIN,
  signInThroughConsent,
} from "./_flow.ts";

const VERIFIER = "a-verifier-of-enough-length-for-pkce-0123456789abcdef";
const CALLBACK = "https://app.example.com/oauth/callback";

function tokenRequest(
  t: TestApp,
  form: Record<string, string>,
): Promise<Response> {
  return Promise.resolve(t.app.request(`${ORIGIN}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  }));
}

/**
 * A document host for `docs.test` (a public address) and `inside.test` (a
 * private one), answering as each path says; counts requests.
 */
function fakeHost() {
  const app = new Hono();
  let requests = 0;
  app.use(async (_c, next) => {
    requests++;
    await next();
  });
  const doc = (id: string, extra: Record<string, unknown> = {}) => ({
    client_id: id,
    client_name: "Example Agent",
    redirect_uris: [CALLBACK, "http://127.0.0.1/callback"],
    token_endpoint_auth_method: "none",
    ...extra,
  });
  app.get("/good/:n", (c) => c.json(doc(c.req.url)));
  app.get("/mismatch.json", (c) => c.json(doc("https://docs.test/other.json")));
  app.get("/moved.json", (c) => c.redirect("https://docs.test/good/1", 302));
  app.get(
    "/large.json",
    (c) => c.json(doc(c.req.url, { padding: "x".repeat(10_000) })),
  );
  app.get("/secret.json", (c) =>
    c.json(doc(c.req.url, {
      token_endpoint_auth_method: "client_secret_post",
    })));
  app.get("/nameless.json", (c) => c.json(doc(c.req.url, { client_name: "" })));
  return {
    documents: {
      fetch: fetchInto(app),
      resolve: (name: string) =>
        Promise.resolve(
          name === "inside.test" ? ["10.0.0.5"] : ["93.184.215.14"],
        ),
    },
    requests: () => requests,
  };
}

/** Opens `/oauth/authorize` for `clientId`; the answer, and the page's text. */
async function authorize(
  t: TestApp,
  clientId: string,
  extra: Record<string, string> = {},
): Promise<{ res: Response; text: string }> {
  const res = await browse(
    t,
    new CookieJar(),
    authorizeUrl({
      client_id: clientId,
      redirect_uri: CALLBACK,
      code_challenge: s256(VERIFIER),
      code_challenge_method: "S256",
      ...extra,
    }),
  );
  return { res, text: await res.text() };
}

Deno.test("metadata says client ids may be metadata document URLs", async () => {
  await using t = await testApp();
  const res = await t.app.request(
    `${ORIGIN}/.well-known/oauth-authorization-server`,
  );
  assert.equal(
    (await res.json()).client_id_metadata_document_supported,
    true,
  );
});

Deno.test("a document client on loopback https signs in (development mode): consent, PKCE, resource, tokens, refresh", async () => {
  await using server = await serveTls((request) =>
    Response.json({
      client_id: request.url,
      client_name: "Local <Agent>",
      redirect_uris: ["http://127.0.0.1/callback"],
    }, { headers: { "cache-control": "max-age=600" } })
  );
  const clientId = `${server.origin}/oauth/client.json`;
  await using t = await testApp({
    documents: {
      fetch: pinnedFetch({ caCerts: [server.cert] }),
      resolve: () => Promise.reject(new Error("localhost needs no DNS")),
    },
  });
  const { res, text } = await authorize(t, clientId, {
    redirect_uri: "http://127.0.0.1:43117/callback",
    provider: "dev",
  });
  assert.equal(res.status, 200, "the consent page, even with provider=dev");
  assert.match(text, /Local &lt;Agent&gt;/, "the name, escaped");
  assert.match(text, /has not verified who\s+makes it/);
  assert.match(
    text,
    new RegExp(`published by\\s+<strong>localhost:${server.port}</strong>`),
  );
  assert.match(text, /127\.0\.0\.1:43117/, "the redirect's host");

  const redirect = "http://127.0.0.1:50123/callback";
  const params = await signInThroughConsent(t, {
    clientId,
    redirectUri: redirect,
    verifier: VERIFIER,
    resource: `${ORIGIN}/mcp`,
  });
  assert.equal(params.get("iss"), ORIGIN);
  const exchanged = await tokenRequest(t, {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: redirect,
    client_id: clientId,
    code_verifier: VERIFIER,
    resource: `${ORIGIN}/mcp`,
  });
  assert.equal(exchanged.status, 200, await exchanged.clone().text());
  const tokens = await exchanged.json();
  assert.ok(tokens.refresh_token, "a refresh token for an MCP client");
  const refreshed = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  assert.equal(refreshed.status, 200, await refreshed.clone().text());
  const stolen = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: (await refreshed.json()).refresh_token,
    client_id: `${server.origin}/oauth/other.json`,
  });
  assert.equal(stolen.status, 400, "another document's id: not its token");
  assert.equal((await stolen.json()).error, "invalid_grant");
});

Deno.test("a document client: a redirect it does not list is refused on a page, and PKCE is required", async () => {
  const host = fakeHost();
  await using t = await testApp({ documents: host.documents });
  const id = "https://docs.test/good/1";
  const elsewhere = await authorize(t, id, {
    redirect_uri: "https://attacker.example/callback",
  });
  assert.equal(elsewhere.res.status, 400);
  assert.equal(elsewhere.res.headers.get("location"), null);
  assert.match(elsewhere.text, /Unexpected return address/);

  const noPkce = await authorize(t, id, {
    code_challenge: "\u0000omit",
    code_challenge_method: "\u0000omit",
  });
  assert.equal(noPkce.res.status, 302);
  const back = new URL(noPkce.res.headers.get("location")!);
  assert.equal(back.origin + back.pathname, CALLBACK);
  assert.equal(back.searchParams.get("error"), "invalid_request");
  assert.equal(back.searchParams.get("iss"), ORIGIN);

  const plain = await authorize(t, id, { code_challenge_method: "plain" });
  assert.equal(
    new URL(plain.res.headers.get("location")!).searchParams.get("error"),
    "invalid_request",
  );
  assert.equal(host.requests(), 1, "one fetch, then the cache");
});

Deno.test("documents that cannot be used end on a page here, never a redirect", async () => {
  const host = fakeHost();
  await using t = await testApp({ documents: host.documents });
  const cases: [string, number, RegExp][] = [
    ["https://docs.test/mismatch.json", 400, /names another client_id/],
    ["https://docs.test/moved.json", 400, /redirects are not followed/],
    ["https://docs.test/large.json", 400, /larger than 5 KB/],
    ["https://docs.test/secret.json", 400, /authentication other than none/],
    ["https://docs.test/nameless.json", 400, /not valid JSON with client_id/],
    ["https://docs.test/missing.json", 400, /did not answer 200/],
    ["https://inside.test/client.json", 400, /private, local or reserved/],
    ["https://169.254.169.254/latest.json", 400, /private, local or reserved/],
    ["https://[::ffff:a00:1]/c.json", 400, /private, local or reserved/],
    ["https://docs.test/", 400, /not a URL this service fetches/],
    ["https://docs.test/a/../b.json", 400, /not a URL this service fetches/],
    ["https://user@docs.test/c.json", 400, /not a URL this service fetches/],
  ];
  for (const [id, status, message] of cases) {
    const { res, text } = await authorize(t, id);
    assert.equal(res.status, status, id);
    assert.equal(res.headers.get("location"), null, id);
    assert.match(text, /could not be identified/, id);
    assert.match(text, message, id);
    assert.ok(!text.includes("Continue with"), `${id}: no way on`);
  }
  const refusals = t.logs.filter((l) =>
    l.msg === "authorize: client metadata document refused"
  );
  assert.equal(refusals.length, cases.length);
});

Deno.test("outside development, documents are fetched on port 443 only and never from loopback", async () => {
  const host = fakeHost();
  await using t = await testApp({
    env: {
      DEV_LOGIN: "0",
      GITHUB_CLIENT_ID: "gh",
      GITHUB_CLIENT_SECRET: "ghs",
    },
    documents: host.documents,
  });
  const port = await authorize(t, "https://docs.test:8443/good/1");
  assert.equal(port.res.status, 400);
  assert.match(port.text, /port/);
  const loopback = await authorize(t, "https://localhost/client.json");
  assert.equal(loopback.res.status, 400);
  assert.match(loopback.text, /private, local or reserved/);
  assert.equal(host.requests(), 0);
  const good = await authorize(t, "https://docs.test/good/1");
  assert.equal(good.res.status, 200, "a public document on 443 is fine");
  assert.match(good.text, /Continue with GitHub/);
});

Deno.test("fetches that miss the cache are limited per address; cached documents are not counted", async () => {
  const host = fakeHost();
  await using t = await testApp({
    env: { CLIENT_DOCUMENT_RATE_LIMIT: "3" },
    documents: host.documents,
  });
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await authorize(t, `https://docs.test/good/${i}`)).res.status,
      200,
    );
  }
  const fourth = await authorize(t, "https://docs.test/good/3");
  assert.equal(fourth.res.status, 429);
  assert.ok(Number(fourth.res.headers.get("retry-after")) > 0);
  assert.equal(host.requests(), 3, "the fourth was not fetched");
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await authorize(t, `https://docs.test/good/${i}`)).res.status,
      200,
      "from the cache, uncounted",
    );
  }
  assert.equal(host.requests(), 3);
});

Deno.test("the token endpoint knows a document client by its URL: an invented one gets invalid_grant and leaves no rows", async () => {
  const host = fakeHost();
  await using t = await testApp({ documents: host.documents });
  const invented = "https://invented.example/client-7.json";
  const res = await tokenRequest(t, {
    grant_type: "authorization_code",
    code: "wwc_cd.not-a-code",
    redirect_uri: CALLBACK,
    client_id: invented,
    code_verifier: VERIFIER,
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
  assert.deepEqual(await rowsMentioning(t.kv, "invented.example"), []);
  assert.equal(host.requests(), 0, "nothing fetched at the token endpoint");
  const secret = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: "x",
    client_id: invented,
    client_secret: "guess",
  });
  assert.equal(secret.status, 401, "a document client is public");
});

Deno.test("a code issued to one document client cannot be redeemed by another", async () => {
  const host = fakeHost();
  await using t = await testApp({ documents: host.documents });
  const params = await signInThroughConsent(t, {
    clientId: "https://docs.test/good/1",
    redirectUri: CALLBACK,
    verifier: VERIFIER,
  });
  const res = await tokenRequest(t, {
    grant_type: "authorization_code",
    code: params.get("code")!,
    redirect_uri: CALLBACK,
    client_id: "https://docs.test/good/2",
    code_verifier: VERIFIER,
  });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, "invalid_grant");
});

Deno.test("ChatGPT's and Claude's redirects work like any other value: exact match, nothing special-cased", async () => {
  const chatgpt = "https://chatgpt.com/connector/oauth/cb_7f3a9e";
  const platform = "https://chatgpt.com/connector_platform_oauth_redirect";
  const claude = "https://claude.ai/api/mcp/auth_callback";
  const app = new Hono();
  app.get("/chatgpt.json", (c) =>
    c.json({
      client_id: c.req.url,
      client_name: "ChatGPT",
      redirect_uris: [chatgpt, platform],
    }));
  await using t = await testApp({
    documents: {
      fetch: fetchInto(app),
      resolve: () => Promise.resolve(["93.184.215.14"]),
    },
  });
  const document = "https://docs.test/chatgpt.json";
  for (const redirect of [chatgpt, platform]) {
    const params = await signInThroughConsent(t, {
      clientId: document,
      redirectUri: redirect,
      verifier: VERIFIER,
    });
    assert.ok(params.get("code"), redirect);
  }
  const registered = await t.app.request(`${ORIGIN}/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: "Claude",
      redirect_uris: [claude, "https://claude.com/api/mcp/auth_callback"],
      token_endpoint_auth_method: "none",
    }),
  });
  const claudeId = (await registered.json()).client_id;
  assert.ok(
    (await signInThroughConsent(t, {
      clientId: claudeId,
      redirectUri: claude,
      verifier: VERIFIER,
    })).get("code"),
  );
  const nearMisses: [string, string][] = [
    [document, "https://chatgpt.com/connector/oauth/cb_other"],
    [document, `${chatgpt}/`],
    [document, "https://chatgpt.com/aip/g-123/oauth/callback"],
    [claudeId, `${claude}/`],
    [claudeId, "https://claude.ai/api/mcp/auth_callback?x=1"],
    [claudeId, "https://CLAUDE.ai/api/mcp/auth_callback"],
  ];
  for (const [clientId, redirect] of nearMisses) {
    const { res } = await authorize(t, clientId, { redirect_uri: redirect });
    assert.equal(res.status, 400, `${redirect} for ${clientId.slice(0, 30)}`);
    assert.equal(res.headers.get("location"), null);
  }
});
