/**
 * The browser side of `/play`'s sign-in: `/play/login` starts it as the
 * built-in client `play` (PKCE), `/play/callback` finishes it, exchanging
 * the code here and keeping the refresh token in an HttpOnly cookie (see
 * `auth/play_client.ts` for why). The page itself is in pages.tsx; its
 * session endpoints answer JSON from the API sub-app.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import type { PlayClient } from "../../auth/play_client.ts";
import { LIFETIME } from "../../auth/tokens.ts";
import type { TokenResponse } from "../../auth/grants.ts";
import type { UpstreamProvider } from "../../auth/providers/types.ts";
import { ErrorPage } from "../../views/layout.tsx";
import { renderPage } from "./_page.ts";

/** A built-in page's cookies: its session, and a sign-in in progress. */
export interface PageCookies {
  session: string;
  pending: string;
  secure: boolean;
}

/** The cookies of the page `name` (`wwc_<name>`, `wwc_<name>_login`). */
export function pageCookies(publicUrl: string, name: string): PageCookies {
  const secure = publicUrl.startsWith("https:");
  // `__Host-`: browsers refuse it unless Secure, host-only, for the whole site.
  const prefix = secure ? "__Host-" : "";
  return {
    session: `${prefix}wwc_${name}`,
    pending: `${prefix}wwc_${name}_login`,
    secure,
  };
}

/** The cookies of `/play`: its refresh token, and a sign-in in progress. */
export function playCookies(publicUrl: string): PageCookies {
  return pageCookies(publicUrl, "play");
}

/** Keeps `/play`'s refresh token in its cookie. */
export function setPlaySession(
  c: Context,
  publicUrl: string,
  refreshToken: string,
): void {
  const cookies = playCookies(publicUrl);
  setCookie(c, cookies.session, refreshToken, {
    path: "/",
    httpOnly: true,
    secure: cookies.secure,
    // Only our own page's requests carry it: never a link from elsewhere.
    sameSite: "Strict",
    maxAge: LIFETIME.refresh,
  });
}

/** Forgets `/play`'s refresh token in this browser. */
export function clearPlaySession(c: Context, publicUrl: string): void {
  const cookies = playCookies(publicUrl);
  deleteCookie(c, cookies.session, { path: "/", secure: cookies.secure });
}

/** A built-in page's own sign-in (`/play`, `/admin`): see {@linkcode pageSignInRoutes}. */
export interface PageSignIn {
  /** The page's path, `/play` or `/admin`: the routes are `<path>/login` and `<path>/callback`. */
  path: string;
  /** What the log and the error pages call it ("play", "admin"). */
  name: string;
  /** Where the error pages send the person back ("the game", "/admin"). */
  backTo: string;
  client: PlayClient;
  providers: ReadonlyMap<string, UpstreamProvider>;
  /** The cookie holding the sign-in in progress, and whether it is Secure. */
  pending: { name: string; secure: boolean };
  log: Log;
  /** What to answer once the code is exchanged. */
  signedIn: (
    c: Context,
    tokens: TokenResponse,
  ) => Response | Promise<Response>;
}

/**
 * `<path>/login` starts a sign-in as the page's built-in client (PKCE, the
 * state and verifier in a short-lived HttpOnly cookie); `<path>/callback`
 * finishes it, exchanging the code here, and hands the tokens to
 * `signedIn`. Every refusal is a page.
 */
export function pageSignInRoutes(options: PageSignIn): Hono {
  const { path, name, backTo, client, providers, pending, log } = options;
  const app = new Hono();

  app.get(`${path}/login`, (c) => {
    const provider = providers.get(c.req.query("provider") ?? "");
    if (!provider) {
      return renderPage(
        c,
        <ErrorPage
          title="Unknown sign-in method"
          message="This sign-in method is not enabled here."
          next={`Go back to ${backTo} and pick one of the buttons there.`}
        />,
        { status: 404 },
      );
    }
    const { url, pending: kept } = client.start(provider.id);
    setCookie(c, pending.name, kept, {
      path: "/",
      httpOnly: true,
      secure: pending.secure,
      // Lax: it must come back with the top-level redirect from the provider.
      sameSite: "Lax",
      maxAge: LIFETIME.login,
    });
    return c.redirect(url, 302);
  });

  app.get(`${path}/callback`, async (c) => {
    const params = new URL(c.req.url).searchParams;
    const outcome = await client.finish(params, getCookie(c, pending.name));
    deleteCookie(c, pending.name, { path: "/", secure: pending.secure });
    if (outcome.kind === "refused") {
      log("info", `${name} sign-in refused`, { reason: outcome.reason });
      return renderPage(
        c,
        <ErrorPage
          title="Not signed in"
          message={outcome.message}
          next={`Go back to ${backTo} and sign in again.`}
        />,
        { status: 400 },
      );
    }
    return await options.signedIn(c, outcome.tokens);
  });

  return app;
}

/** What the `/play` sign-in needs. */
export interface PlaySignInDeps {
  config: Config;
  play: PlayClient;
  providers: ReadonlyMap<string, UpstreamProvider>;
  log: Log;
}

/** Builds `/play/login` and `/play/callback`. */
export function playSignInRoutes(
  { config, play, providers, log }: PlaySignInDeps,
): Hono {
  const cookies = playCookies(config.publicUrl);
  return pageSignInRoutes({
    path: "/play",
    name: "play",
    backTo: "the game",
    client: play,
    providers,
    pending: { name: cookies.pending, secure: cookies.secure },
    log,
    signedIn(c, tokens) {
      setPlaySession(c, config.publicUrl, tokens.refresh_token);
      // 303: the next request is a plain GET of the page, whatever came before.
      return c.redirect("/play", 303);
    },
  });
}
