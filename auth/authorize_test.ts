/**
 * One row per rule of the authorization endpoint, through
 * `parseAuthorizeRequest` alone: no HTTP, no KV.
 */
import assert from "node:assert/strict";
import type { ClientConfig } from "./clients.ts";
import {
  type AuthorizeDecision,
  MAX_PARAM,
  MAX_PENDING_BYTES,
  parseAuthorizeRequest,
} from "./authorize.ts";

const GPT: ClientConfig = {
  id: "gpt",
  name: "ChatGPT",
  secret: "wNgyJck2WADT7189a2MJ5F8aHbZhwCGBStKBIdqbfS8",
  redirectUris: null,
};
const PUBLIC: ClientConfig = {
  id: "playground",
  name: "the playground",
  secret: null,
  redirectUris: ["https://words.example.com/playground"],
};
const MCP = "https://words.example.com/mcp";
const context = {
  clients: [GPT, PUBLIC],
  providers: new Map([["google", "the Google provider"], [
    "dev",
    "the development provider",
  ]]),
  resources: [MCP],
};

const CALLBACK = "https://chatgpt.com/aip/g-123/oauth/callback";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
/** A valid request from the GPT; rows add, replace or remove parameters. */
const BASE = {
  response_type: "code",
  client_id: "gpt",
  redirect_uri: CALLBACK,
  state: "s1",
};

type Decision = AuthorizeDecision<string>;

/** The query: BASE with `changes` (null removes; an array repeats). */
function query(
  changes: Record<string, string | string[] | null> = {},
): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...BASE, ...changes })) {
    if (v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
  }
  return q;
}

const back = (
  error: string,
  error_description: string,
  /** `null`: no state goes back. */
  state: string | null = "s1",
): Decision => ({
  kind: "redirect_error",
  redirect_uri: CALLBACK,
  ...(state !== null ? { state } : {}),
  error: error as "invalid_request",
  error_description,
});

const proceed = (
  extra: Partial<Extract<Decision, { kind: "proceed" }>> = {},
  pending: Record<string, string> = {},
): Decision => ({
  kind: "proceed",
  client: GPT,
  pending: {
    client_id: "gpt",
    redirect_uri: CALLBACK,
    scope: "game",
    state: "s1",
    ...pending,
  },
  ...extra,
});

const ROWS: { rule: string; query: URLSearchParams; want: Decision }[] = [
  // Who is asking, and where the answer goes: rendered here, never redirected.
  {
    rule: "an unknown client_id is rendered here",
    query: query({ client_id: "someone-else" }),
    want: { kind: "render_here", problem: "unknown_client", clientIds: 1 },
  },
  {
    rule: "a missing client_id is rendered here",
    query: query({ client_id: null }),
    want: { kind: "render_here", problem: "unknown_client", clientIds: 0 },
  },
  {
    rule: "an empty client_id counts as omitted",
    query: query({ client_id: "" }),
    want: { kind: "render_here", problem: "unknown_client", clientIds: 0 },
  },
  {
    rule:
      "a repeated client_id is rendered here, even when both name the client",
    query: query({ client_id: ["gpt", "gpt"] }),
    want: { kind: "render_here", problem: "unknown_client", clientIds: 2 },
  },
  {
    rule: "a redirect_uri not allowed for the client is rendered here",
    query: query({ redirect_uri: "https://evil.example/cb" }),
    want: {
      kind: "render_here",
      problem: "redirect_not_allowed",
      client: GPT,
      redirects: 1,
      refused: "https://evil.example/cb",
    },
  },
  {
    rule: "the refused redirect_uri is cut to 300 characters for the log",
    query: query({ redirect_uri: `https://evil.example/${"a".repeat(400)}` }),
    want: {
      kind: "render_here",
      problem: "redirect_not_allowed",
      client: GPT,
      redirects: 1,
      refused: `https://evil.example/${"a".repeat(400)}`.slice(0, 300),
    },
  },
  {
    rule: "a missing redirect_uri is rendered here",
    query: query({ redirect_uri: null }),
    want: {
      kind: "render_here",
      problem: "redirect_not_allowed",
      client: GPT,
      redirects: 0,
    },
  },
  {
    rule:
      "a repeated redirect_uri is rendered here, even when both are allowed",
    query: query({ redirect_uri: [CALLBACK, CALLBACK] }),
    want: {
      kind: "render_here",
      problem: "redirect_not_allowed",
      client: GPT,
      redirects: 2,
    },
  },
  {
    rule: "a listed redirect URI matches exactly, not by prefix",
    query: query({
      client_id: "playground",
      redirect_uri: "https://words.example.com/playground/x",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
    }),
    want: {
      kind: "render_here",
      problem: "redirect_not_allowed",
      client: PUBLIC,
      redirects: 1,
      refused: "https://words.example.com/playground/x",
    },
  },
  // Everything else goes back to the client, with its state when it sent one.
  {
    rule: "a repeated state is refused, and no state goes back",
    query: query({ state: ["s1", "s2"] }),
    want: back("invalid_request", "state is repeated.", null),
  },
  {
    rule: "a repeated scope is refused",
    query: query({ scope: ["game", "game"] }),
    want: back("invalid_request", "scope is repeated."),
  },
  {
    rule: "a parameter longer than MAX_PARAM is refused",
    query: query({ login_hint: "a".repeat(MAX_PARAM + 1) }),
    want: back("invalid_request", "login_hint is too long."),
  },
  {
    rule: "a missing response_type is refused",
    query: query({ response_type: null }),
    want: back("invalid_request", "response_type is required."),
  },
  {
    rule: "an empty response_type counts as omitted",
    query: query({ response_type: "" }),
    want: back("invalid_request", "response_type is required."),
  },
  {
    rule: "response_type other than code is unsupported",
    query: query({ response_type: "token" }),
    want: back(
      "unsupported_response_type",
      "Only response_type=code is supported.",
    ),
  },
  {
    rule: "a missing state is refused",
    query: query({ state: null }),
    want: back("invalid_request", "state is required.", null),
  },
  {
    rule: "an empty state counts as omitted",
    query: query({ state: "" }),
    want: back("invalid_request", "state is required.", null),
  },
  {
    rule: "code_challenge_method without code_challenge is refused",
    query: query({ code_challenge_method: "S256" }),
    want: back(
      "invalid_request",
      "code_challenge_method without code_challenge.",
    ),
  },
  {
    rule: "a public client must send a code_challenge",
    query: query({
      client_id: "playground",
      redirect_uri: "https://words.example.com/playground",
    }),
    want: {
      kind: "redirect_error",
      redirect_uri: "https://words.example.com/playground",
      state: "s1",
      error: "invalid_request",
      error_description:
        "A public client must send code_challenge (PKCE S256).",
    },
  },
  {
    rule: "code_challenge_method=plain is refused",
    query: query({ code_challenge: CHALLENGE, code_challenge_method: "plain" }),
    want: back(
      "invalid_request",
      "Only code_challenge_method=S256 is supported.",
    ),
  },
  {
    rule: "a code_challenge without a method means plain, and is refused",
    query: query({ code_challenge: CHALLENGE }),
    want: back(
      "invalid_request",
      "Only code_challenge_method=S256 is supported.",
    ),
  },
  {
    rule: "a code_challenge that is not 43 base64url characters is refused",
    query: query({
      code_challenge: CHALLENGE.slice(1),
      code_challenge_method: "S256",
    }),
    want: back(
      "invalid_request",
      "code_challenge must be 43 base64url characters.",
    ),
  },
  {
    rule: "an unknown provider is refused, naming the enabled ones in order",
    query: query({ provider: "facebook" }),
    want: back("invalid_request", "provider must be one of: google, dev."),
  },
  {
    rule: "a pending request over MAX_PENDING_BYTES in UTF-8 is refused",
    // Under MAX_PARAM in characters, over the bound in bytes.
    query: query({ state: "é".repeat(MAX_PENDING_BYTES / 2) }),
    want: back(
      "invalid_request",
      "The request is too large to hold during sign-in; keep state under 1,000 characters.",
      "é".repeat(MAX_PENDING_BYTES / 2),
    ),
  },
  // Proceeding: the pending request, and where to go next.
  {
    rule: "a valid request proceeds to the choice page with scope game",
    query: query(),
    want: proceed(),
  },
  {
    rule: "a value of exactly MAX_PARAM is accepted",
    query: query({ login_hint: "a".repeat(MAX_PARAM) }),
    want: proceed({ loginHint: "a".repeat(MAX_PARAM) }),
  },
  {
    rule: "unknown scopes are dropped, commas separate, game is granted",
    query: query({ scope: "email,game profile" }),
    want: proceed(),
  },
  {
    rule: "a scope with nothing known means game",
    query: query({ scope: "email" }),
    want: proceed(),
  },
  {
    rule: "an empty scope means game",
    query: query({ scope: "" }),
    want: proceed(),
  },
  {
    rule: "offline_access is kept beside game",
    query: query({ scope: "offline_access game" }),
    want: proceed({}, { scope: "game offline_access" }),
  },
  {
    rule: "offline_access alone still grants game",
    query: query({ scope: "offline_access" }),
    want: proceed({}, { scope: "game offline_access" }),
  },
  {
    rule: "an S256 challenge is kept in the pending request",
    query: query({ code_challenge: CHALLENGE, code_challenge_method: "S256" }),
    want: proceed({}, { code_challenge: CHALLENGE }),
  },
  {
    rule: "a public client with an S256 challenge proceeds",
    query: query({
      client_id: "playground",
      redirect_uri: "https://words.example.com/playground",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
    }),
    want: proceed({ client: PUBLIC }, {
      client_id: "playground",
      redirect_uri: "https://words.example.com/playground",
      code_challenge: CHALLENGE,
    }),
  },
  {
    rule: "provider= names the provider to go straight to, with login_hint",
    query: query({ provider: "dev", login_hint: "alice" }),
    want: proceed({ provider: "the development provider", loginHint: "alice" }),
  },
  {
    rule: "an empty provider counts as omitted",
    query: query({ provider: "" }),
    want: proceed(),
  },
  {
    rule: "a known resource goes into the pending request, canonical",
    query: query({ resource: "HTTPS://Words.Example.COM/mcp/" }),
    want: proceed({}, { resource: MCP }),
  },
  {
    rule: "an empty resource counts as omitted",
    query: query({ resource: "" }),
    want: proceed(),
  },
  {
    rule: "an unknown resource goes back as invalid_target (RFC 8707 §2)",
    query: query({ resource: "https://words.example.com/api" }),
    want: back("invalid_target", `resource must be one of: ${MCP}.`),
  },
  {
    rule: "a resource with a fragment goes back as invalid_target",
    query: query({ resource: `${MCP}#x` }),
    want: back("invalid_target", `resource must be one of: ${MCP}.`),
  },
  {
    rule: "a resource that is not a URL goes back as invalid_target",
    query: query({ resource: "mcp" }),
    want: back("invalid_target", `resource must be one of: ${MCP}.`),
  },
  {
    rule: "a repeated resource goes back as invalid_target, even the same one",
    query: query({ resource: [MCP, MCP] }),
    want: back("invalid_target", "Send one resource at most."),
  },
  {
    rule: "unknown parameters are ignored",
    query: query({ prompt: "login", nonce: "n" }),
    want: proceed(),
  },
];

for (const row of ROWS) {
  Deno.test(`parseAuthorizeRequest(): ${row.rule}`, () => {
    assert.deepEqual(parseAuthorizeRequest(row.query, context), row.want);
  });
}

Deno.test("parseAuthorizeRequest(): every parameter that must appear once is refused when repeated", () => {
  for (
    const name of [
      "response_type",
      "state",
      "scope",
      "code_challenge",
      "code_challenge_method",
      "provider",
      "login_hint",
    ]
  ) {
    const q = query();
    q.append(name, "x");
    q.append(name, "y");
    const got = parseAuthorizeRequest(q, context);
    assert.equal(got.kind, "redirect_error", name);
    assert.equal(
      got.kind === "redirect_error" && got.error_description,
      `${name} is repeated.`,
    );
  }
});
