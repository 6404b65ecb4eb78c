/**
 * One row per rule of a provider callback, through `completeLogin` alone:
 * the provider's answer and the stored-token look-up are values in the row,
 * and each row says which of the two steps may run at all.
 */
import assert from "node:assert/strict";
import type { ProviderResult, UpstreamLeg } from "./providers/types.ts";
import { completeLogin, type LoginOutcome } from "./login.ts";
import type { LoginClaims } from "./tokens.ts";

const REQUEST = {
  client_id: "gpt",
  redirect_uri: "https://chatgpt.com/aip/g-123/oauth/callback",
  scope: "game",
  state: "client-state",
  code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
};
/** A sign-in whose upstream leg went to Google. */
const LOGIN: LoginClaims = {
  ...REQUEST,
  provider: "google",
  upstream_state: "upstream-state",
  nonce: "the-nonce",
  verifier: "the-verifier",
  iat: 0,
  exp: 1,
  jti: "j",
};
const GOOGLE = {
  id: "google",
  name: "Google",
  userPrefix: "google",
  wantsRefreshToken: true,
};
const GITHUB = { id: "github", name: "GitHub", userPrefix: "github" };

const OK: ProviderResult = { ok: true, subject: "1234" };

interface Row {
  rule: string;
  login?: LoginClaims;
  provider?: typeof GOOGLE | typeof GITHUB;
  /** The callback's `state`; default: the one this browser sent. */
  state?: string | null;
  /** What `finish` answers; `"throws"`: it throws a TypeError. */
  result?: ProviderResult | "throws";
  /** Whether an upstream refresh token is stored. */
  stored?: boolean;
  want: LoginOutcome;
  /** The I/O steps that ran, in order. */
  ran: ("finish" | "hasRefreshToken")[];
}

const ROWS: Row[] = [
  {
    rule: "a callback state that differs from this browser's is refused here",
    state: "someone-elses-state",
    want: { kind: "refuse_here" },
    ran: [],
  },
  {
    rule: "a callback without state is refused here",
    state: null,
    want: { kind: "refuse_here" },
    ran: [],
  },
  {
    rule: "a callback of another provider than the one started is refused here",
    provider: GITHUB,
    want: { kind: "refuse_here" },
    ran: [],
  },
  {
    rule: "a sign-in whose upstream leg never started is refused here",
    login: { ...REQUEST, iat: 0, exp: 1, jti: "j" },
    state: "",
    want: { kind: "refuse_here" },
    ran: [],
  },
  {
    rule: "a person who declined upstream is an error for the client",
    result: {
      ok: false,
      error: "access_denied",
      message: "You declined to sign in with Google.",
      reason: "person declined at the provider",
    },
    want: {
      kind: "client_error",
      error: "access_denied",
      error_description: "You declined to sign in with Google.",
      reason: "person declined at the provider",
      misconfigured: false,
    },
    ran: ["finish"],
  },
  {
    rule:
      "our own credentials refused upstream is an error, marked misconfigured",
    result: {
      ok: false,
      error: "server_error",
      message: "Google could not sign you in.",
      reason: "provider refused our client credentials (invalid_client)",
      misconfigured: true,
    },
    want: {
      kind: "client_error",
      error: "server_error",
      error_description: "Google could not sign you in.",
      reason: "provider refused our client credentials (invalid_client)",
      misconfigured: true,
    },
    ran: ["finish"],
  },
  {
    rule: "a provider that throws is a server_error for the client",
    result: "throws",
    want: {
      kind: "client_error",
      error: "server_error",
      error_description: "Google sign-in failed unexpectedly.",
      reason: "provider threw: TypeError",
      misconfigured: false,
    },
    ran: ["finish"],
  },
  {
    rule:
      "a refresh token from the provider is handed on to store, and a code issued",
    result: { ok: true, subject: "1234", refreshToken: "1//rt" },
    want: {
      kind: "issue_code",
      sub: "google:1234",
      subject: "1234",
      refreshToken: "1//rt",
    },
    ran: ["finish"],
  },
  {
    rule: "no refresh token and none stored: sent back once for consent",
    stored: false,
    want: { kind: "ask_consent", pending: REQUEST, loginHint: "1234" },
    ran: ["finish", "hasRefreshToken"],
  },
  {
    rule:
      "sent back for consent, the request keeps its resource (RFC 8707) and drops the upstream leg",
    login: { ...LOGIN, resource: "https://words.example.com/mcp" },
    stored: false,
    want: {
      kind: "ask_consent",
      pending: { ...REQUEST, resource: "https://words.example.com/mcp" },
      loginHint: "1234",
    },
    ran: ["finish", "hasRefreshToken"],
  },
  {
    rule: "no refresh token but one stored: a code is issued",
    stored: true,
    want: { kind: "issue_code", sub: "google:1234", subject: "1234" },
    ran: ["finish", "hasRefreshToken"],
  },
  {
    rule:
      "no refresh token after consent was asked: a code anyway, asked only once",
    login: { ...LOGIN, prompt: "consent" },
    stored: false,
    want: { kind: "issue_code", sub: "google:1234", subject: "1234" },
    ran: ["finish"],
  },
  {
    rule: "a provider that wants no refresh token: a code, nothing looked up",
    login: { ...LOGIN, provider: "github" },
    provider: GITHUB,
    stored: false,
    want: { kind: "issue_code", sub: "github:1234", subject: "1234" },
    ran: ["finish"],
  },
];

/** Runs a row; returns the outcome, the steps that ran and the leg handed on. */
async function run(row: Omit<Row, "rule" | "want" | "ran">) {
  const login = row.login ?? LOGIN;
  const ran: string[] = [];
  const legs: UpstreamLeg[] = [];
  const outcome = await completeLogin({
    login,
    provider: row.provider ?? GOOGLE,
    state: row.state === undefined ? login.upstream_state ?? null : row.state,
    finish: (leg) => {
      ran.push("finish");
      legs.push(leg);
      const result = row.result ?? OK;
      return result === "throws"
        ? Promise.reject(new TypeError("boom"))
        : Promise.resolve(result);
    },
    hasRefreshToken: (subject) => {
      ran.push("hasRefreshToken");
      assert.equal(subject, "1234");
      return Promise.resolve(row.stored ?? false);
    },
  });
  return { outcome, ran, legs };
}

for (const row of ROWS) {
  Deno.test(`completeLogin(): ${row.rule}`, async () => {
    const { outcome, ran } = await run(row);
    assert.deepEqual(outcome, row.want);
    assert.deepEqual(ran, row.ran);
  });
}

Deno.test("completeLogin(): the provider gets only its own leg's state, nonce and verifier", async () => {
  const { legs } = await run({});
  assert.deepEqual(legs, [{
    state: "upstream-state",
    nonce: "the-nonce",
    verifier: "the-verifier",
  }]);
  const { legs: plain } = await run({
    login: { ...LOGIN, nonce: undefined, verifier: undefined },
  });
  assert.deepEqual(plain, [{ state: "upstream-state" }]);
});
