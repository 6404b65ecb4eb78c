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
import { networkOf } from "../../lib/ip.ts";
import { counters } from "../../lib/telemetry.ts";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import { parseAuthorizeRequest } from "../../auth/authorize.ts";
import type { OAuthErrorCode } from "../../auth/oauth_error.ts";
import { completeLogin, pendingRequest } from "../../auth/login.ts";
import type {
  ClientDirectory,
  DocumentRefusal,
} from "../../auth/client_directory.ts";
import { resources } from "../../auth/resource.ts";
import { SCOPES } from "../../auth/scope.ts";
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
import type { Members } from "../../account/members.ts";
import { ErrorPage } from "../../views/layout.tsx";
import { ConsentPage, DevLoginPage } from "../../views/consent.tsx";
import { renderPage } from "./_page.ts";
import { constantTimeEqual } from "../../auth/compare.ts";
import type { RateLimiter } from "../../lib/rate_limit.ts";
import { RATE_WINDOW_SECONDS } from "../../lib/rate_limit.ts";
import { type AddressOf, countRequest } from "../_guards.ts";

/**
 * Where a redirect URI returns the person: the CSP source that lets a form
 * (and its redirects) go there, and what the page shows. A web redirect is
 * its origin and host; a native app's private-use scheme
 * (`com.example.app:/cb`, RFC 8252 §7.1) has no origin, so it is its scheme.
 */
function returnsTo(redirectUri: string): { source: string; shown: string } {
  const url = new URL(redirectUri);
  return url.origin !== "null"
    ? { source: url.origin, shown: url.host }
    : { source: url.protocol, shown: url.protocol.slice(0, -1) };
}

/** What the authorize routes need. */
export interface AuthorizeDeps {
  config: Config;
  tokens: Tokens;
  server: AuthorizationServer;
  providers: ReadonlyMap<string, UpstreamProvider>;
  upstream: UpstreamTokens;
  log: Log;
  clients: ClientDirectory;
  limiter: RateLimiter;
  members: Members;
  /** The app's one client-address finder. */
  address: AddressOf;
}

/**
 * What a person reads when an application's metadata document gave no
 * client: the status, and a sentence for whoever builds the application.
 */
function documentProblem(
  refusal: DocumentRefusal,
): { status: 400 | 502 | 503; detail: string } {
  switch (refusal.kind) {
    case "busy":
      return {
        status: 503,
        detail:
          "Too many applications are being looked up right now. Try again in a minute.",
      };
    case "bad_client_id":
      return {
        status: 400,
        detail: refusal.problem === "port"
          ? "Its client_id names a port: documents are fetched on the https port (443) only."
          : "Its client_id is not a URL this service fetches: https, with a path, no fragment, no user name, written in canonical form.",
      };
    case "fetch_refused":
      switch (refusal.refusal.kind) {
        case "address":
        case "bad_url":
          return {
            status: 400,
            detail:
              "Its client_id points at a private, local or reserved network address, which this service never fetches.",
          };
        case "redirect":
          return {
            status: 400,
            detail:
              "Its metadata document answered with a redirect; redirects are not followed.",
          };
        case "too_large":
          return {
            status: 400,
            detail: "Its metadata document is larger than 5 KB.",
          };
        case "timeout":
          return {
            status: 502,
            detail: "Its metadata document did not arrive within 5 seconds.",
          };
        case "unresolvable":
        case "network":
          return {
            status: 502,
            detail: "Its metadata document could not be reached.",
          };
      }
      break;
    case "invalid_document":
      return {
        status: 400,
        detail: refusal.problem === "client_id_mismatch"
          ? "Its metadata document names another client_id than the address it was fetched from."
          : refusal.problem === "status"
          ? "Its metadata document's address did not answer 200."
          : refusal.problem === "auth_method" ||
              refusal.problem === "client_secret"
          ? "Its metadata document asks for client authentication other than none (a public client with PKCE), which this service does not support."
          : "Its metadata document is not valid JSON with client_id, client_name and redirect_uris.",
      };
  }
}

type Pending = Unstamped<"login">;

/**
 * The login cookie's name: `__Host-` prefixed over https, where browsers then
 * refuse it unless it is Secure, host-only and for the whole site.
 */
export function loginCookieName(publicUrl: string): string {
  return publicUrl.startsWith("https:") ? "__Host-wwc_login" : "wwc_login";
}

/** Builds the authorize and login routes. */
export function authorizeRoutes(deps: AuthorizeDeps): Hono {
  const { config, tokens, server, providers, upstream, log, clients } = deps;
  const secure = config.publicUrl.startsWith("https:");
  const cookieName = loginCookieName(config.publicUrl);
  const known = resources(config);
  const callbackUrl = (id: string) =>
    `${config.publicUrl}/login/${id}/callback`;

  function problem(
    c: Context,
    status: 400 | 404 | 502 | 503,
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

  const unknownMethod = (
    c: Context,
    message = "This sign-in method is not enabled here.",
  ) => problem(c, 404, "Unknown sign-in method", message);

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
    const query = new URL(c.req.url).searchParams;
    const ids = query.getAll("client_id");
    const requester = networkOf(deps.address(c));
    const lookup = await clients.forAuthorization(
      ids.length === 1 ? ids[0] : undefined,
      // A document not in the cache costs an outbound request: counted.
      () =>
        countRequest(deps.limiter, {
          bucket: "client_document",
          id: requester,
          limit: config.rateLimits.clientDocument,
          windowSeconds: RATE_WINDOW_SECONDS,
        }),
      requester,
    );
    if (lookup.kind === "document_refused") {
      const { status, detail } = documentProblem(lookup.refusal);
      log("info", "authorize: client metadata document refused", {
        client: ids[0]!.slice(0, 300),
        refusal: lookup.refusal.kind === "fetch_refused"
          ? `fetch_refused:${lookup.refusal.refusal.kind}`
          : lookup.refusal.kind === "busy"
          ? "busy"
          : `${lookup.refusal.kind}:${lookup.refusal.problem}`,
      });
      if (status === 503) c.header("Retry-After", "30");
      return problem(
        c,
        status,
        "This application could not be identified",
        "The application that sent you here is identified by the address of a document describing it, and that document could not be used, so you were not signed in.",
        `For the application's developer: ${detail}`,
      );
    }
    const decision = parseAuthorizeRequest(query, {
      clients: lookup.clients,
      providers,
      resources: known,
    });
    if (decision.kind === "render_here") {
      if (decision.problem === "unknown_client") {
        log("info", "authorize: unknown client", { count: decision.clientIds });
        return problem(
          c,
          400,
          "Unknown application",
          "The application that sent you here is not registered with this service, so you were not signed in.",
          "If you are setting up a GPT, check the Client ID in its authentication settings.",
        );
      }
      // The refused address is for the operator (it is not a secret: the
      // browser sent it in the clear); the page does not echo it.
      log("info", "authorize: redirect_uri not allowed", {
        client: decision.client.id,
        count: decision.redirects,
        ...(decision.refused !== undefined
          ? { redirect_uri: decision.refused }
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
    if (decision.kind === "redirect_error") {
      return clientError(
        c,
        { redirect_uri: decision.redirect_uri, state: decision.state ?? "" },
        decision.error,
        decision.error_description,
      );
    }
    const { client, pending, provider } = decision;
    // A registered client's name is self-declared: the person always sees
    // the consent page first, whatever the link says.
    if (provider && !client.registered) {
      return startUpstream(c, pending, provider, decision.loginHint);
    }
    const consent = randomId();
    await setPending(c, { ...pending, consent });
    return renderPage(
      c,
      <ConsentPage
        consent={consent}
        clientName={client.name}
        unverified={client.registered === true}
        publishedBy={client.publishedBy}
        redirectHost={returnsTo(pending.redirect_uri).shown}
        abilities={pending.scope.split(" ").map((s) =>
          SCOPES[s as keyof typeof SCOPES]
        )}
        providers={[...providers.values()].map(({ id, name }) => ({
          id,
          name,
        }))}
        collectEmail={config.collectEmail}
      />,
      {
        // Cancel redirects to the client: form-action covers redirects.
        formAction: [returnsTo(pending.redirect_uri).source],
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
      return unknownMethod(c);
    }
    const login = await readPending(c);
    if (!login) return expired(c);
    // Only the consent page's own buttons start a sign-in from here: a page
    // elsewhere that opened the consent page cannot move the browser on.
    if (
      !login.consent ||
      !constantTimeEqual(c.req.query("consent") ?? "", login.consent)
    ) {
      log("warn", "provider start without the consent page's token", {
        provider: provider.id,
        client: login.client_id.slice(0, 300),
        site: (c.req.header("sec-fetch-site") ?? "(none)").slice(0, 20),
      });
      return renderPage(
        c,
        <ErrorPage
          title="Sign-in not started"
          message="This sign-in was not started from this service's consent page, so it was stopped to protect your account."
          next="Go back to the application and start signing in again; then pick a sign-in method on the page that names the application."
        />,
        { status: 403 },
      );
    }
    return startUpstream(c, pendingRequest(login), provider);
  });

  // The development sign-in's form. A parameter, like its neighbours, not
  // "/login/dev/form": a static path beside `/login/:provider/…` puts Hono's
  // whole application on its slower trie router.
  app.get("/login/:provider/form", async (c) => {
    if (c.req.param("provider") !== "dev") return unknownMethod(c);
    if (!providers.has("dev")) {
      return unknownMethod(c, "The development sign-in is off.");
    }
    const login = await readPending(c);
    const state = c.req.query("state");
    if (!login || !state) return expired(c);
    return renderPage(
      c,
      <DevLoginPage state={state} action="/login/dev/callback" />,
      { formAction: [returnsTo(login.redirect_uri).source] },
    );
  });

  app.get("/login/:provider/callback", async (c) => {
    const id = c.req.param("provider");
    const provider = providers.get(id);
    if (!provider) {
      return unknownMethod(c);
    }
    const login = await readPending(c);
    if (!login) return expired(c);
    const params = new URL(c.req.url).searchParams;
    const outcome = await completeLogin({
      login,
      provider,
      state: params.get("state"),
      finish: (leg) =>
        provider.finish({ params, callbackUrl: callbackUrl(id), ...leg }),
      hasRefreshToken: (subject) => upstream.has(provider.id, subject),
    });
    if (outcome.kind === "refuse_here") {
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
    clearPending(c);
    switch (outcome.kind) {
      case "client_error":
        // Our credentials refused at the provider: every sign-in will fail.
        log(
          outcome.misconfigured ? "error" : "info",
          "upstream sign-in failed",
          {
            provider: id,
            error: outcome.error,
            reason: outcome.reason,
          },
        );
        return clientError(
          c,
          login,
          outcome.error,
          outcome.error_description,
        );
      case "ask_consent":
        log("info", "no upstream refresh token; asking for consent", {
          provider: id,
        });
        return startUpstream(
          c,
          outcome.pending,
          provider,
          outcome.loginHint,
          "consent",
        );
      case "issue_code": {
        if (outcome.refreshToken) {
          await upstream.put(
            provider.id,
            outcome.subject,
            outcome.refreshToken,
          );
        }
        await deps.members.signedIn(outcome.sub, provider.id, outcome.email);
        const code = await server.issueCode(login, outcome.sub);
        log("info", "signed in", { provider: id, sub: outcome.sub });
        counters.signIns.add(1, { provider: id });
        return toClient(c, login, { code });
      }
    }
  });

  return app;
}
