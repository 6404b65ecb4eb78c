/**
 * Drives the OAuth flow through the app as a browser and as ChatGPT would:
 * a cookie jar for the browser leg, form posts for the token endpoint.
 */
import assert from "node:assert/strict";
import { CLIENT_ID, CLIENT_SECRET, type TestApp } from "./_app.ts";
import { s256 } from "../auth/pkce.ts";

export const REDIRECT = "https://chatgpt.com/aip/g-test123/oauth/callback";
export const ORIGIN = "https://words.example.com";

/** A minimal cookie jar: name → value, from `Set-Cookie` headers. */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/**
 * The consent page's link that starts `provider`'s sign-in: it carries the
 * page's own token, without which the start is refused.
 */
export async function startLink(
  consent: Response,
  provider = "dev",
): Promise<string> {
  const html = await consent.text();
  const href = new RegExp(`href="(/login/${provider}/start\\?consent=[^"]+)"`)
    .exec(html)?.[1];
  assert.ok(href, `the consent page links to ${provider}'s sign-in`);
  return href.replaceAll("&amp;", "&");
}

/** Sends a browser request (with the jar's cookies) and stores the cookies it sets. */
export async function browse(
  t: TestApp,
  jar: CookieJar,
  url: string,
): Promise<Response> {
  const res = await t.app.request(new URL(url, ORIGIN).href, {
    headers: jar.cookies.size ? { cookie: jar.header() } : {},
  });
  jar.store(res);
  return res;
}

/** Query parameters for `/oauth/authorize`. */
export interface AuthorizeParams {
  response_type?: string;
  client_id?: string;
  redirect_uri?: string;
  state?: string;
  scope?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  provider?: string;
  login_hint?: string;
  /** RFC 8707: the resource the tokens are for (`${ORIGIN}/mcp`). */
  resource?: string;
}

export function authorizeUrl(params: AuthorizeParams = {}): string {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    state: "client-state-1",
    ...params,
  } as Record<string, string>);
  for (const [k, v] of [...q]) if (v === "\u0000omit") q.delete(k);
  return `/oauth/authorize?${q}`;
}

/** Marks a parameter to leave out of {@linkcode authorizeUrl}. */
export const OMIT = "\u0000omit";

/** The query of a redirect `Location`, checked to go to `REDIRECT`. */
export function redirectParams(res: Response, to = REDIRECT): URLSearchParams {
  assert.equal(res.status, 302, "a redirect to the client");
  const location = new URL(res.headers.get("location")!);
  assert.equal(location.origin + location.pathname, to);
  return location.searchParams;
}

/**
 * Signs in through `/oauth/authorize?provider=dev&login_hint=<login>` and
 * returns the final redirect's parameters (code, state, iss).
 */
export async function signIn(
  t: TestApp,
  params: AuthorizeParams & { login?: string } = {},
  jar = new CookieJar(),
): Promise<URLSearchParams> {
  const { login = "alice", ...rest } = params;
  const start = await browse(
    t,
    jar,
    authorizeUrl({ provider: "dev", login_hint: login, ...rest }),
  );
  assert.equal(start.status, 302, "authorize redirects to the provider");
  const callback = await browse(t, jar, start.headers.get("location")!);
  return redirectParams(callback, rest.redirect_uri ?? REDIRECT);
}

/** How the client authenticates at the token endpoint. */
export type ClientAuth = "body" | "basic";

export function basic(id = CLIENT_ID, secret = CLIENT_SECRET): string {
  const enc = (s: string) => encodeURIComponent(s);
  return "Basic " + btoa(`${enc(id)}:${enc(secret)}`);
}

/** POSTs a form to `path` with client credentials as `auth` says. */
export async function postForm(
  t: TestApp,
  path: string,
  form: Record<string, string>,
  auth: ClientAuth | "none" = "body",
): Promise<Response> {
  const body = new URLSearchParams(form);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
  };
  if (auth === "body") {
    body.set("client_id", CLIENT_ID);
    body.set("client_secret", CLIENT_SECRET);
  } else if (auth === "basic") {
    headers.authorization = basic();
  }
  return await t.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers,
    body,
  });
}

/** The token response fields this project returns. */
export interface Tokens {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** Exchanges a code; asserts success. */
export async function exchange(
  t: TestApp,
  code: string,
  options: { auth?: ClientAuth; verifier?: string; redirect_uri?: string } = {},
): Promise<Tokens> {
  const res = await postForm(t, "/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: options.redirect_uri ?? REDIRECT,
    ...(options.verifier ? { code_verifier: options.verifier } : {}),
  }, options.auth ?? "body");
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

/** Signs in as `login` and exchanges the code. */
export async function tokensFor(t: TestApp, login = "alice"): Promise<Tokens> {
  const params = await signIn(t, { login });
  return await exchange(t, params.get("code")!);
}

/** Signs in as `login` for the MCP resource (RFC 8707) and exchanges the code. */
export async function mcpTokensFor(
  t: TestApp,
  login = "alice",
): Promise<Tokens> {
  const params = await signIn(t, { login, resource: `${ORIGIN}/mcp` });
  return await exchange(t, params.get("code")!);
}

/** Sends a refresh grant; returns the raw response. */
export function refresh(
  t: TestApp,
  refreshToken: string,
  auth: ClientAuth = "body",
): Promise<Response> {
  return postForm(t, "/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
  }, auth);
}

/** Calls the API with a bearer token. */
export function api(
  t: TestApp,
  path: string,
  token: string | undefined,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
  return Promise.resolve(
    t.app.request(`${ORIGIN}${path}`, { ...init, headers }),
  );
}

/**
 * Opens an authorization URL as a browser, meets the consent page, picks the
 * development provider there and signs in as `login`: the redirect to the
 * client (checked to go to `redirect`).
 */
export async function throughConsent(
  t: TestApp,
  url: string,
  redirect: string,
  login = "alice",
): Promise<URLSearchParams> {
  const jar = new CookieJar();
  const consent = await browse(t, jar, url);
  assert.equal(consent.status, 200, "the consent page, not the provider");
  const start = await browse(t, jar, await startLink(consent));
  assert.equal(start.status, 302);
  const page = new URL(start.headers.get("location")!, ORIGIN);
  const callback = await browse(
    t,
    jar,
    `/login/dev/callback?state=${
      page.searchParams.get("state")
    }&login=${login}`,
  );
  return redirectParams(callback, redirect);
}

/**
 * Signs in as a dynamic client (registered, or a metadata document URL):
 * authorize with `provider=dev` (which such a client cannot skip the
 * consent page with), pick the development sign-in there, sign in as
 * `login`; returns the client's redirect parameters.
 */
export function signInThroughConsent(
  t: TestApp,
  options: {
    clientId: string;
    redirectUri: string;
    verifier: string;
    resource?: string;
    login?: string;
  },
): Promise<URLSearchParams> {
  const login = options.login ?? "alice";
  return throughConsent(
    t,
    authorizeUrl({
      client_id: options.clientId,
      redirect_uri: options.redirectUri,
      code_challenge: s256(options.verifier),
      code_challenge_method: "S256",
      provider: "dev",
      login_hint: login,
      ...(options.resource ? { resource: options.resource } : {}),
    }),
    options.redirectUri,
    login,
  );
}
