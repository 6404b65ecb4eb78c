/**
 * An MCP client from nothing, as Claude, ChatGPT or the MCP Inspector
 * connect: the official SDK clients (v1 and v2) meet a 401, discover the
 * protected resource and the authorization server, register (by Dynamic
 * Client Registration, or by a Client ID Metadata Document served on
 * loopback https in development mode), send the person through consent and
 * the sign-in with PKCE and `resource`, exchange the code, list the tools,
 * play a whole round, and refresh when the access token has expired. All of
 * it over real HTTP on loopback; the person's browser is a cookie jar.
 */
import assert from "node:assert/strict";
import { openWord } from "./_game.ts";
import {
  Client,
  ClientV1,
  StreamableHTTPClientTransport,
  StreamableHTTPClientTransportV1,
} from "./_deps/mcp.ts";
import { type TestApp, testApp } from "./_app.ts";
import { CookieJar } from "./_flow.ts";
import { serveTls, type TlsServer } from "./_tls.ts";
import { pinnedFetch } from "../lib/pinned_fetch.ts";
import { LIFETIME } from "../auth/tokens.ts";

/** The app on a loopback port that is also its `PUBLIC_URL`. */
async function serveApp(documents?: TlsServer) {
  // The app needs its origin, which the server knows once it listens.
  const ready: { app?: TestApp } = {};
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request, info) =>
      ready.app?.app.fetch(request, info) ??
        new Response(null, { status: 503 }),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const t = await testApp({
    env: { PUBLIC_URL: origin },
    ...(documents
      ? {
        documents: {
          fetch: pinnedFetch({ caCerts: [documents.cert] }),
          resolve: () => Promise.reject(new Error("localhost needs no DNS")),
        },
      }
      : {}),
  });
  ready.app = t;
  return {
    t,
    origin,
    mcp: new URL(`${origin}/mcp`),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await t[Symbol.asyncDispose]();
    },
  };
}

/** What an MCP client keeps between runs: an OAuthClientProvider in memory. */
class MemoryProvider {
  clientInfo: Record<string, unknown> | undefined;
  savedTokens: Record<string, unknown> | undefined;
  verifier = "";
  authorizationUrl: URL | undefined;
  registrations = 0;
  readonly clientMetadataUrl?: string;

  constructor(
    readonly redirectUrl: string,
    documentUrl?: string,
  ) {
    if (documentUrl) this.clientMetadataUrl = documentUrl;
  }

  get clientMetadata() {
    return {
      client_name: "SDK test client",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    return "sdk-state-1";
  }
  clientInformation() {
    // deno-lint-ignore no-explicit-any
    return this.clientInfo as any;
  }
  saveClientInformation(info: Record<string, unknown>) {
    this.registrations++;
    this.clientInfo = info;
  }
  tokens() {
    // deno-lint-ignore no-explicit-any
    return this.savedTokens as any;
  }
  saveTokens(tokens: Record<string, unknown>) {
    this.savedTokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/**
 * The person's browser: opens the authorization URL, meets the consent
 * page, picks the development sign-in, signs in as `login`; returns the
 * redirect to the client, not followed.
 */
async function personSignsIn(
  authorizationUrl: URL,
  login: string,
): Promise<URL> {
  const jar = new CookieJar();
  const get = async (url: string | URL) => {
    const res = await fetch(url, {
      redirect: "manual",
      headers: jar.cookies.size ? { cookie: jar.header() } : {},
    });
    jar.store(res);
    return res;
  };
  const consent = await get(authorizationUrl);
  assert.equal(consent.status, 200, "the consent page first");
  const page = await consent.text();
  assert.match(page, /SDK test client/);
  const link = /href="(\/login\/dev\/start\?consent=[^"]+)"/.exec(page)?.[1];
  assert.ok(link, "the consent page's button to the development sign-in");
  assert.match(page, /has not verified who\s+makes it/);
  const origin = authorizationUrl.origin;
  const start = await get(`${origin}${link.replaceAll("&amp;", "&")}`);
  assert.equal(start.status, 302);
  await start.body?.cancel();
  const form = new URL(start.headers.get("location")!, origin);
  const callback = await get(
    `${origin}/login/dev/callback?state=${
      form.searchParams.get("state")
    }&login=${login}`,
  );
  assert.equal(callback.status, 302);
  await callback.body?.cancel();
  return new URL(callback.headers.get("location")!);
}

type Sdk = "v1" | "v2" | "v2 on 2026-07-28";
type Registration = "registration" | "metadata document";

interface Connected {
  callTool(params: {
    name: string;
    arguments?: Record<string, unknown>;
  }): Promise<{
    structuredContent?: Record<string, unknown>;
    isError?: boolean;
  }>;
  listTools(): Promise<{ tools: { name: string }[] }>;
  close(): Promise<void>;
}

/** Connects `sdk`'s client with `provider`; `undefined` when it must authorize first. */
async function connect(
  sdk: Sdk,
  url: URL,
  provider: MemoryProvider,
): Promise<
  { client?: Connected; finish: (callback: URL) => Promise<void> }
> {
  if (sdk === "v1") {
    const transport = new StreamableHTTPClientTransportV1(url, {
      // deno-lint-ignore no-explicit-any
      authProvider: provider as any,
    });
    const client = new ClientV1({ name: "sdk-v1", version: "1.0.0" });
    try {
      await client.connect(transport);
      return {
        client: client as unknown as Connected,
        finish: () => Promise.resolve(),
      };
    } catch (err) {
      assert.match(String(err), /Unauthorized/);
      return {
        finish: (callback) =>
          transport.finishAuth(callback.searchParams.get("code")!),
      };
    }
  }
  const transport = new StreamableHTTPClientTransport(url, {
    // deno-lint-ignore no-explicit-any
    authProvider: provider as any,
  });
  const client = new Client(
    { name: "sdk-v2", version: "2.0.0" },
    sdk === "v2 on 2026-07-28"
      ? { versionNegotiation: { mode: { pin: "2026-07-28" } } }
      : {},
  );
  try {
    await client.connect(transport);
    return {
      client: client as unknown as Connected,
      finish: () => Promise.resolve(),
    };
  } catch (err) {
    assert.equal((err as Error).name, "UnauthorizedError", String(err));
    return {
      finish: (callback) => transport.finishAuth(callback.searchParams),
    };
  }
}

for (const sdk of ["v1", "v2", "v2 on 2026-07-28"] as const) {
  for (
    const registration of ["registration", "metadata document"] as const
  ) {
    Deno.test(`MCP from nothing (${sdk} SDK, ${registration}): 401, discovery, consent, PKCE with resource, tools, a whole round, refresh`, async () => {
      await using documents = await serveTls((request) =>
        Response.json({
          client_id: request.url,
          client_name: "SDK test client",
          redirect_uris: ["http://127.0.0.1/callback"],
          grant_types: ["authorization_code", "refresh_token"],
          token_endpoint_auth_method: "none",
        })
      );
      await using served = await serveApp(documents);
      const { t, origin } = served;
      const documentUrl = `${documents.origin}/oauth/client.json`;
      const provider = new MemoryProvider(
        // The document lists the port-less loopback redirect: any port.
        registration === "registration"
          ? "http://127.0.0.1/callback"
          : "http://127.0.0.1:41234/callback",
        registration === "metadata document" ? documentUrl : undefined,
      );

      const first = await connect(sdk as Sdk, served.mcp, provider);
      assert.equal(first.client, undefined, "a 401 before any token");
      const asked = provider.authorizationUrl!;
      assert.ok(asked, "sent to the authorization endpoint");
      assert.equal(asked.origin + asked.pathname, `${origin}/oauth/authorize`);
      assert.equal(asked.searchParams.get("resource"), `${origin}/mcp`);
      assert.equal(asked.searchParams.get("code_challenge_method"), "S256");
      assert.match(asked.searchParams.get("scope") ?? "", /\bgame\b/);
      if ((registration as Registration) === "registration") {
        assert.equal(provider.registrations, 1);
        assert.match(asked.searchParams.get("client_id")!, /^wwc_cl\./);
      } else {
        assert.equal(asked.searchParams.get("client_id"), documentUrl);
      }

      const callback = await personSignsIn(asked, "alice");
      assert.equal(
        callback.origin + callback.pathname,
        provider.redirectUrl.replace(/\/callback$/, "") + "/callback",
      );
      assert.equal(callback.searchParams.get("state"), "sdk-state-1");
      assert.equal(callback.searchParams.get("iss"), origin);
      await first.finish(callback);
      const tokens = provider.savedTokens!;
      assert.ok(tokens.access_token && tokens.refresh_token);

      const { client } = await connect(sdk as Sdk, served.mcp, provider);
      assert.ok(client, "connected with the tokens");
      try {
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        assert.ok(names.includes("start_round") && names.includes("guess"));

        const started = await client.callTool({
          name: "start_round",
          arguments: {
            category: "animals",
          },
        });
        assert.notEqual(started.isError, true, JSON.stringify(started));
        const round = started.structuredContent!.round as string;
        const word = await openWord(t.kv, "dev:alice");
        const miss = await client.callTool({
          name: "guess",
          arguments: {
            round,
            guess: word === "zebra" ? "tiger" : "zebra",
          },
        });
        assert.equal(miss.structuredContent!.correct, false);
        const hit = await client.callTool({
          name: "guess",
          arguments: { round, guess: word },
        });
        assert.equal(hit.structuredContent!.correct, true, JSON.stringify(hit));
        assert.equal(hit.structuredContent!.word, word);

        // An hour later the access token has expired: the SDK refreshes.
        t.advance(LIFETIME.access + 60);
        const score = await client.callTool({ name: "my_score" });
        assert.notEqual(score.isError, true, JSON.stringify(score));
        assert.ok((score.structuredContent!.score as number) > 0);
        assert.notEqual(
          provider.savedTokens!.refresh_token,
          tokens.refresh_token,
          "the refresh token rotated",
        );
      } finally {
        await client.close();
      }
    });
  }
}
