/**
 * A real OpenID provider (`oidc-provider` from npm) on loopback as the
 * `OIDC_ISSUER`: discovery, its login and consent screens, its token
 * endpoint and signed ID tokens, all over real HTTP. The service talks to it
 * with the platform `fetch`; the test plays the person's browser.
 */
import assert from "node:assert/strict";
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "./_deps/oidc_provider.ts";
import { kvDump, T0, type TestApp, testApp } from "./_app.ts";
import type { Env } from "../config.ts";
import type { MemberRow } from "../account/members.ts";
import {
  api,
  authorizeUrl,
  browse,
  CookieJar,
  exchange,
  ORIGIN,
  redirectParams,
} from "./_flow.ts";

const CLIENT = {
  client_id: "words-with-chat",
  client_secret: "words-with-chat-secret-0123456789abcdef",
};

interface Issuer {
  url: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts `oidc-provider` on 127.0.0.1 with one client: this service. */
async function startIssuer(): Promise<Issuer> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (
    _req,
    res,
  ) => res.end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve())
  );
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const provider = new Provider(url, {
    clients: [{
      ...CLIENT,
      redirect_uris: [`${ORIGIN}/login/oidc/callback`],
      token_endpoint_auth_method: "client_secret_post",
    }],
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    cookies: { keys: ["cookie-signing-key-for-the-loopback-issuer"] },
    // The `email` scope's claims, in the ID token too (as Google does).
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    conformIdTokenClaims: false,
    // Everyone has an address; it is verified unless the login says not.
    findAccount: (_ctx: unknown, sub: string) =>
      Promise.resolve({
        accountId: sub,
        claims: () => ({
          sub,
          email: `${sub}@acme.example`,
          email_verified: !sub.startsWith("unverified"),
        }),
      }),
  });
  handle = provider.callback();
  return {
    url,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The person's browser at the issuer: follows redirects, keeps cookies. */
async function atIssuer(
  jar: CookieJar,
  url: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (jar.cookies.size) headers.set("cookie", jar.header());
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(res);
  return res;
}

/**
 * Follows the issuer's redirects, answering its login screen as `login` and
 * its consent screen with yes, until it sends the browser back to us.
 */
async function signInAtIssuer(
  issuer: Issuer,
  start: string,
  login: string,
): Promise<{ callback: string; screens: string[] }> {
  const jar = new CookieJar();
  const screens: string[] = [];
  let url = start;
  for (let hop = 0; hop < 12; hop++) {
    if (!url.startsWith(issuer.url)) return { callback: url, screens };
    const res = await atIssuer(jar, url);
    if (res.status === 200) {
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      assert.ok(prompt, `an interaction screen: ${html.slice(0, 200)}`);
      screens.push(prompt);
      const form = new URLSearchParams({ prompt });
      if (prompt === "login") {
        form.set("login", login);
        form.set("password", "any");
      }
      const submit = await atIssuer(jar, url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
      });
      await submit.body?.cancel();
      assert.ok([302, 303].includes(submit.status), `${submit.status}`);
      url = new URL(submit.headers.get("location")!, url).href;
      continue;
    }
    await res.body?.cancel();
    assert.ok([302, 303].includes(res.status), `${res.status} at ${url}`);
    url = new URL(res.headers.get("location")!, url).href;
  }
  throw new Error("too many redirects at the issuer");
}

async function appFor(issuer: Issuer, env: Env = {}): Promise<TestApp> {
  const t = await testApp({
    fetch: globalThis.fetch,
    env: {
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: CLIENT.client_id,
      OIDC_CLIENT_SECRET: CLIENT.client_secret,
      OIDC_NAME: "acme",
      ...env,
    },
  });
  // The issuer signs with the wall clock; run ours on it too.
  t.advance((Date.now() - T0) / 1000);
  return t;
}

/** A test with a fresh issuer on loopback and the app pointed at it. */
function issuerTest(
  name: string,
  fn: (issuer: Issuer, t: TestApp) => Promise<void>,
  env: Env = {},
): void {
  Deno.test({
    name,
    // oidc-provider keeps timers and sockets of its own past the test.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      await using issuer = await startIssuer();
      await using t = await appFor(issuer, env);
      await fn(issuer, t);
    },
  });
}

issuerTest(
  "oidc-provider on loopback as OIDC_ISSUER: a ChatGPT-style flow from authorize to an authenticated /api/me",
  async (issuer, t) => {
    const jar = new CookieJar();

    const page = await browse(t, jar, authorizeUrl({ state: "s-oidc" }));
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes('href="/login/oidc/start?consent='));

    const start = await browse(
      t,
      jar,
      authorizeUrl({ provider: "oidc", state: "s-oidc" }),
    );
    assert.equal(start.status, 302);
    const toIssuer = new URL(start.headers.get("location")!);
    assert.equal(toIssuer.origin, issuer.url);
    assert.equal(toIssuer.searchParams.get("code_challenge_method"), "S256");
    assert.ok(toIssuer.searchParams.get("nonce"));

    const { callback, screens } = await signInAtIssuer(
      issuer,
      toIssuer.href,
      "carol",
    );
    assert.deepEqual(screens, ["login", "consent"]);
    assert.ok(callback.startsWith(`${ORIGIN}/login/oidc/callback?`));

    const back = await browse(t, jar, callback);
    const params = redirectParams(back);
    assert.equal(params.get("state"), "s-oidc");
    const tokens = await exchange(t, params.get("code")!);

    const me = await api(t, "/api/me", tokens.access_token);
    assert.equal(me.status, 200);
    assert.equal((await me.json()).id, "acme:carol");
  },
);

issuerTest(
  "oidc-provider on loopback: a person who cancels at the issuer returns to the client with access_denied and the state",
  async (issuer, t) => {
    const jar = new CookieJar();
    const start = await browse(
      t,
      jar,
      authorizeUrl({ provider: "oidc", state: "s-cancel" }),
    );
    const issuerJar = new CookieJar();
    const login = await atIssuer(issuerJar, start.headers.get("location")!);
    await login.body?.cancel();
    const interaction = new URL(login.headers.get("location")!, issuer.url);
    const abort = await atIssuer(issuerJar, `${interaction.href}/abort`);
    await abort.body?.cancel();
    let url = new URL(abort.headers.get("location")!, issuer.url).href;
    while (url.startsWith(issuer.url)) {
      const res = await atIssuer(issuerJar, url);
      await res.body?.cancel();
      url = new URL(res.headers.get("location")!, url).href;
    }
    const back = await browse(t, jar, url);
    const params = redirectParams(back);
    assert.equal(params.get("error"), "access_denied");
    assert.equal(params.get("state"), "s-cancel");
    assert.equal(params.get("code"), null);
  },
);

issuerTest(
  "oidc-provider on loopback: an error answer carrying another issuer's iss is not believed (RFC 9207)",
  async (_issuer, t) => {
    const jar = new CookieJar();
    const start = await browse(
      t,
      jar,
      authorizeUrl({ provider: "oidc", state: "s-mixup" }),
    );
    const upstreamState = new URL(start.headers.get("location")!)
      .searchParams.get("state")!;
    const forged = new URL("https://words.example.com/login/oidc/callback");
    forged.searchParams.set("error", "access_denied");
    forged.searchParams.set("state", upstreamState);
    forged.searchParams.set("iss", "https://evil.example");
    const back = await browse(t, jar, forged.pathname + forged.search);
    const params = redirectParams(back);
    assert.equal(params.get("error"), "server_error", "not a decline");
    assert.equal(params.get("state"), "s-mixup");
    assert.ok(
      t.logs.some((l) => String(l.fields?.reason).includes("iss")),
      JSON.stringify(t.logs.map((l) => l.fields?.reason)),
    );
  },
);

/** Signs `login` in at the issuer; returns the scope we asked it for. */
async function signInAs(
  issuer: Issuer,
  t: TestApp,
  login: string,
): Promise<string | null> {
  const jar = new CookieJar();
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "oidc", state: "s-email" }),
  );
  const toIssuer = new URL(start.headers.get("location")!);
  const { callback } = await signInAtIssuer(issuer, toIssuer.href, login);
  const params = redirectParams(await browse(t, jar, callback));
  await exchange(t, params.get("code")!);
  return toIssuer.searchParams.get("scope");
}

issuerTest(
  "oidc-provider on loopback with COLLECT_EMAIL=1: the email scope is asked for and the ID token's email kept only when email_verified is true",
  async (issuer, t) => {
    assert.equal(await signInAs(issuer, t, "dora"), "openid email");
    const kept = await t.kv.get<MemberRow>(["member", "acme:dora"]);
    assert.equal(kept.value?.email, "dora@acme.example");
    await signInAs(issuer, t, "unverified-ed");
    const unverified = await t.kv.get<MemberRow>([
      "member",
      "acme:unverified-ed",
    ]);
    assert.ok(unverified.value, "the member is recorded");
    assert.equal(unverified.value.email, undefined);
    assert.ok(!(await kvDump(t.kv)).includes("unverified-ed@"));
  },
  { COLLECT_EMAIL: "1" },
);

issuerTest(
  "oidc-provider on loopback with COLLECT_EMAIL off: only openid is asked for and no email reaches KV",
  async (issuer, t) => {
    assert.equal(await signInAs(issuer, t, "dora"), "openid");
    assert.ok((await t.kv.get(["member", "acme:dora"])).value);
    assert.ok(!(await kvDump(t.kv)).includes("acme.example"));
  },
);
