/**
 * The browser side of the authorization code flow: `/oauth/authorize`, the
 * consent / provider-choice page, the upstream leg (`/login/<provider>/…`)
 * and the redirect back to the client with a code.
 *
 * The pending request travels in a sealed, HttpOnly, SameSite=Lax cookie
 * (`__Host-` over https) together with a random state for the upstream leg;
 * a callback whose state does not match this browser's cookie is refused
 * (login CSRF, RFC 9700 §4.7).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import { findClient, isAllowedRedirect } from "../../auth/clients.ts";
import { constantTimeEqual } from "../../auth/compare.ts";
import type { OAuthErrorCode } from "../../auth/oauth_error.ts";
import { isS256Challenge } from "../../auth/pkce.ts";
import { grantScope, SCOPES } from "../../auth/scope.ts";
import type { AuthorizationServer } from "../../auth/grants.ts";
import {
  LIFETIME,
  type LoginClaims,
  randomId,
  type Tokens,
  type Unstamped,
} from "../../auth/tokens.ts";
import type { UpstreamProvider } from "../../auth/providers/types.ts";
import type { UpstreamTokens } from "../../auth/upstream_tokens.ts";
import { ErrorPage } from "../../views/layout.tsx";
import { ConsentPage, DevLoginPage } from "../../views/consent.tsx";
import { renderPage } from "./_page.ts";

/** What the authorize routes need. */
export interface AuthorizeDeps {
  config: Config;
  tokens: Tokens;
  server: AuthorizationServer;
  providers: ReadonlyMap<string, UpstreamProvider>;
  upstream: UpstreamTokens;
  log: Log;
}

type Pending = Unstamped<"login">;

/** Parameters that must appear at most once (RFC 6749 §3.1). */
const SINGLE = [
  "response_type",
  "state",
  "scope",
  "code_challenge",
  "code_challenge_method",
  "provider",
  "login_hint",
] as const;
const MAX_PARAM = 2048;
/**
 * The pending request travels in a sealed cookie, with the upstream state,
 * nonce and verifier added later: this bound on its JSON (in UTF-8 bytes,
 * where quotes and non-ASCII characters count for more) keeps the cookie well
 * inside browsers' 4 KiB.
 */
const MAX_PENDING_BYTES = 2048;

/** Builds the authorize and login routes. */
export function authorizeRoutes(deps: AuthorizeDeps): Hono {
  const { config, tokens, server, providers, upstream, log } = deps;
  const secure = config.publicUrl.startsWith("https:");
  const cookieName = secure ? "__Host-wwc_login" : "wwc_login";
  const callbackUrl = (id: string) =>
    `${config.publicUrl}/login/${id}/callback`;

  function problem(
    c: Context,
    status: 400 | 404 | 502,
    title: string,
    message: string,
    next?: string,
  ) {
    return renderPage(
      c,
      <ErrorPage title={title} message={message} next={next} />,
      { status },
    );
  }

  const expired = (c: Context) =>
    problem(
      c,
      400,
      "This sign-in has expired",
      "The sign-in was started too long ago, or in another browser.",
      "Go back to ChatGPT and start signing in again.",
    );

  /** Redirects to the client with `params`, the client's `state` and our `iss` (RFC 9207). */
  function toClient(
    c: Context,
    pending: Pick<Pending, "redirect_uri" | "state">,
    params: Record<string, string>,
  ) {
    const url = new URL(pending.redirect_uri);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    if (pending.state) url.searchParams.set("state", pending.state);
    url.searchParams.set("iss", config.publicUrl);
    return c.redirect(url.href, 302);
  }

  function clientError(
    c: Context,
    pending: Pick<Pending, "redirect_uri" | "state">,
    error: OAuthErrorCode,
    description: string,
  ) {
    return toClient(c, pending, { error, error_description: description });
  }

  async function setPending(c: Context, claims: Pending) {
    const { token } = await tokens.seal("login", claims);
    setCookie(c, cookieName, token, {
      path: "/",
      httpOnly: true,
      secure,
      sameSite: "Lax",
      maxAge: LIFETIME.login,
    });
  }

  async function readPending(c: Context): Promise<LoginClaims | null> {
    const opened = await tokens.open("login", getCookie(c, cookieName));
    if (!opened.ok) {
      log("info", "login cookie refused", { reason: opened.reason });
      return null;
    }
    return opened.claims;
  }

  function clearPending(c: Context) {
    deleteCookie(c, cookieName, { path: "/", secure });
  }

  async function startUpstream(
    c: Context,
    pending: Pending,
    provider: UpstreamProvider,
    loginHint?: string,
    prompt?: "consent",
  ) {
    const upstreamState = randomId();
    let started;
    try {
      started = await provider.start({
        state: upstreamState,
        callbackUrl: callbackUrl(provider.id),
        loginHint,
        prompt,
      });
    } catch (err) {
      log("warn", "upstream sign-in could not start", {
        provider: provider.id,
        error: String(err),
      });
      return clientError(
        c,
        pending,
        "temporarily_unavailable",
        `${provider.name} could not be reached. Try again in a moment.`,
      );
    }
    await setPending(c, {
      ...pending,
      provider: provider.id,
      upstream_state: upstreamState,
      ...(started.nonce ? { nonce: started.nonce } : {}),
      ...(started.verifier ? { verifier: started.verifier } : {}),
      ...(prompt ? { prompt } : {}),
    });
    return c.redirect(started.url, 302);
  }

  const app = new Hono();

  app.get("/oauth/authorize", async (c) => {
    // Parameters sent without a value count as omitted (RFC 6749 §3.1).
    const q = new URLSearchParams(
      [...new URL(c.req.url).searchParams].filter(([, v]) => v !== ""),
    );
    const clientIds = q.getAll("client_id");
    const redirects = q.getAll("redirect_uri");
    // Never redirect to a URI we cannot vouch for (open redirect): render here.
    const client = clientIds.length === 1
      ? findClient(config.clients, clientIds[0]!)
      : undefined;
    if (!client) {
      log("info", "authorize: unknown client", { count: clientIds.length });
      return problem(
        c,
        400,
        "Unknown application",
        "The application that sent you here is not registered with this service, so you were not signed in.",
        "If you are setting up a GPT, check the Client ID in its authentication settings.",
      );
    }
    if (
      redirects.length !== 1 || !isAllowedRedirect(client, redirects[0]!)
    ) {
      // The refused address is for the operator (it is not a secret: the
      // browser sent it in the clear); the page does not echo it.
      log("info", "authorize: redirect_uri not allowed", {
        client: client.id,
        count: redirects.length,
        ...(redirects.length === 1
          ? { redirect_uri: redirects[0]!.slice(0, 300) }
          : {}),
      });
      return problem(
        c,
        400,
        "Unexpected return address",
        "The address this sign-in would return you to is not allowed for this application, so you were not signed in.",
        "If you are setting up a GPT: with OAUTH_REDIRECT_URIS unset, ChatGPT's callback addresses (https://chatgpt.com/aip/…/oauth/callback) are accepted; with it set, only the addresses it lists. The server log names the address that was refused.",
      );
    }
    const redirectUri = redirects[0]!;
    const states = q.getAll("state");
    const back = {
      redirect_uri: redirectUri,
      state: states.length === 1 ? states[0]! : "",
    };
    for (const name of SINGLE) {
      const values = q.getAll(name);
      if (values.length > 1) {
        return clientError(c, back, "invalid_request", `${name} is repeated.`);
      }
      if ((values[0]?.length ?? 0) > MAX_PARAM) {
        return clientError(c, back, "invalid_request", `${name} is too long.`);
      }
    }
    const responseType = q.get("response_type");
    if (responseType === null) {
      return clientError(
        c,
        back,
        "invalid_request",
        "response_type is required.",
      );
    }
    if (responseType !== "code") {
      return clientError(
        c,
        back,
        "unsupported_response_type",
        "Only response_type=code is supported.",
      );
    }
    const state = q.get("state");
    if (!state) {
      // The client's only defence against CSRF on its callback: required.
      return clientError(c, back, "invalid_request", "state is required.");
    }
    const challenge = q.get("code_challenge");
    const method = q.get("code_challenge_method");
    if (challenge === null && method !== null) {
      return clientError(
        c,
        back,
        "invalid_request",
        "code_challenge_method without code_challenge.",
      );
    }
    if (challenge === null && client.secret === null) {
      return clientError(
        c,
        back,
        "invalid_request",
        "A public client must send code_challenge (PKCE S256).",
      );
    }
    if (challenge !== null) {
      // RFC 7636 §4.3: a missing method means plain, which we refuse.
      if (method !== "S256") {
        return clientError(
          c,
          back,
          "invalid_request",
          "Only code_challenge_method=S256 is supported.",
        );
      }
      if (!isS256Challenge(challenge)) {
        return clientError(
          c,
          back,
          "invalid_request",
          "code_challenge must be 43 base64url characters.",
        );
      }
    }
    const providerId = q.get("provider");
    const provider = providerId === null
      ? undefined
      : providers.get(providerId);
    if (providerId !== null && !provider) {
      return clientError(
        c,
        back,
        "invalid_request",
        `provider must be one of: ${[...providers.keys()].join(", ")}.`,
      );
    }
    const pending: Pending = {
      client_id: client.id,
      redirect_uri: redirectUri,
      scope: grantScope(q.get("scope")),
      state,
      ...(challenge !== null ? { code_challenge: challenge } : {}),
    };
    if (
      new TextEncoder().encode(JSON.stringify(pending)).length >
        MAX_PENDING_BYTES
    ) {
      return clientError(
        c,
        back,
        "invalid_request",
        "The request is too large to hold during sign-in; keep state under 1,000 characters.",
      );
    }
    if (provider) {
      return startUpstream(
        c,
        pending,
        provider,
        q.get("login_hint") ?? undefined,
      );
    }
    await setPending(c, pending);
    return renderPage(
      c,
      <ConsentPage
        clientName={client.name}
        redirectHost={new URL(redirectUri).host}
        abilities={pending.scope.split(" ").map((s) =>
          SCOPES[s as keyof typeof SCOPES]
        )}
        providers={[...providers.values()].map(({ id, name }) => ({
          id,
          name,
        }))}
      />,
      {
        // Cancel redirects to the client: form-action covers redirects.
        formAction: [new URL(redirectUri).origin],
        referrer: "same-origin",
      },
    );
  });

  // Cancelling is a POST from the consent page: a GET could be triggered by
  // any site (a link, an image) and end a person's pending sign-in.
  app.post("/oauth/authorize/cancel", async (c) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && origin !== config.publicUrl) {
      log("info", "cancel from another origin refused", {
        origin: origin.slice(0, 100),
      });
      return renderPage(
        c,
        <ErrorPage
          title="Not cancelled"
          message="This request came from another site, so your sign-in was left as it was."
          next="To cancel, use the Cancel button on the sign-in page itself."
        />,
        { status: 403 },
      );
    }
    const login = await readPending(c);
    if (!login) return expired(c);
    clearPending(c);
    return clientError(
      c,
      login,
      "access_denied",
      "The person cancelled the sign-in.",
    );
  });

  app.get("/oauth/authorize/cancel", (c) => {
    c.header("Allow", "POST");
    return renderPage(
      c,
      <ErrorPage
        title="Nothing was cancelled"
        message="A sign-in is cancelled with the Cancel button on the sign-in page, not by opening this address."
        next="Go back to the sign-in page, or to ChatGPT."
      />,
      { status: 405 },
    );
  });

  app.get("/login/:provider/start", async (c) => {
    const provider = providers.get(c.req.param("provider"));
    if (!provider) {
      return problem(
        c,
        404,
        "Unknown sign-in method",
        "This sign-in method is not enabled here.",
      );
    }
    const login = await readPending(c);
    if (!login) return expired(c);
    return startUpstream(c, pendingOf(login), provider);
  });

  app.get("/login/dev", async (c) => {
    if (!providers.has("dev")) {
      return problem(
        c,
        404,
        "Unknown sign-in method",
        "The development sign-in is off.",
      );
    }
    const login = await readPending(c);
    const state = c.req.query("state");
    if (!login || !state) return expired(c);
    return renderPage(
      c,
      <DevLoginPage state={state} action="/login/dev/callback" />,
      { formAction: [new URL(login.redirect_uri).origin] },
    );
  });

  app.get("/login/:provider/callback", async (c) => {
    const id = c.req.param("provider");
    const provider = providers.get(id);
    if (!provider) {
      return problem(
        c,
        404,
        "Unknown sign-in method",
        "This sign-in method is not enabled here.",
      );
    }
    const login = await readPending(c);
    if (!login) return expired(c);
    const params = new URL(c.req.url).searchParams;
    const state = params.get("state") ?? "";
    if (
      login.provider !== id || !login.upstream_state ||
      !constantTimeEqual(state, login.upstream_state)
    ) {
      // Someone else's sign-in result delivered to this browser: refuse it
      // and keep this browser's own pending sign-in intact.
      log("warn", "login callback state mismatch", { provider: id });
      return problem(
        c,
        400,
        "This sign-in link is not for this browser",
        "The sign-in result does not match the sign-in this browser started, so it was refused to protect your account.",
        "Go back to ChatGPT and start signing in again.",
      );
    }
    let result;
    try {
      result = await provider.finish({
        params,
        callbackUrl: callbackUrl(id),
        login,
      });
    } catch (err) {
      result = {
        ok: false as const,
        error: "server_error" as const,
        message: `${provider.name} sign-in failed unexpectedly.`,
        reason: `provider threw: ${err instanceof Error ? err.name : "error"}`,
      };
    }
    clearPending(c);
    if (!result.ok) {
      // Our credentials refused at the provider: every sign-in will fail.
      log(result.misconfigured ? "error" : "info", "upstream sign-in failed", {
        provider: id,
        error: result.error,
        reason: result.reason,
      });
      return clientError(c, login, result.error, result.message);
    }
    if (result.refreshToken) {
      await upstream.put(provider.id, result.subject, result.refreshToken);
    } else if (
      provider.wantsRefreshToken && !login.prompt &&
      !(await upstream.has(provider.id, result.subject))
    ) {
      // Google issues a refresh token only on first consent: without one we
      // could not follow a revocation there, so ask once more, for consent.
      log("info", "no upstream refresh token; asking for consent", {
        provider: id,
      });
      return startUpstream(
        c,
        pendingOf(login),
        provider,
        result.subject,
        "consent",
      );
    }
    const sub = `${provider.userPrefix}:${result.subject}`;
    const code = await server.issueCode(login, sub);
    log("info", "signed in", { provider: id, sub });
    return toClient(c, login, { code });
  });

  return app;
}

function pendingOf(login: LoginClaims): Pending {
  const { client_id, redirect_uri, scope, state, code_challenge } = login;
  return {
    client_id,
    redirect_uri,
    scope,
    state,
    ...(code_challenge !== undefined ? { code_challenge } : {}),
  };
}
