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
import type { UpstreamProvider } from "../../auth/providers/types.ts";
import { ErrorPage } from "../../views/layout.tsx";
import { renderPage } from "./_page.ts";

/** The cookies of `/play`: its refresh token, and a sign-in in progress. */
export function playCookies(publicUrl: string): {
  session: string;
  pending: string;
  secure: boolean;
} {
  const secure = publicUrl.startsWith("https:");
  // `__Host-`: browsers refuse it unless Secure, host-only, for the whole site.
  const prefix = secure ? "__Host-" : "";
  return {
    session: `${prefix}wwc_play`,
    pending: `${prefix}wwc_play_login`,
    secure,
  };
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
  const app = new Hono();
  const cookies = playCookies(config.publicUrl);

  app.get("/play/login", (c) => {
    const provider = providers.get(c.req.query("provider") ?? "");
    if (!provider) {
      return renderPage(
        c,
        <ErrorPage
          title="Unknown sign-in method"
          message="This sign-in method is not enabled here."
          next="Go back to the game and pick one of the buttons there."
        />,
        { status: 404 },
      );
    }
    const { url, pending } = play.start(provider.id);
    setCookie(c, cookies.pending, pending, {
      path: "/",
      httpOnly: true,
      secure: cookies.secure,
      // Lax: it must come back with the top-level redirect from the provider.
      sameSite: "Lax",
      maxAge: LIFETIME.login,
    });
    return c.redirect(url, 302);
  });

  app.get("/play/callback", async (c) => {
    const params = new URL(c.req.url).searchParams;
    const outcome = await play.finish(params, getCookie(c, cookies.pending));
    deleteCookie(c, cookies.pending, { path: "/", secure: cookies.secure });
    if (outcome.kind === "refused") {
      log("info", "play sign-in refused", { reason: outcome.reason });
      return renderPage(
        c,
        <ErrorPage
          title="Not signed in"
          message={outcome.message}
          next="Go back to the game and sign in again."
        />,
        { status: 400 },
      );
    }
    setPlaySession(c, config.publicUrl, outcome.tokens.refresh_token);
    // 303: the next request is a plain GET of the page, whatever came before.
    return c.redirect("/play", 303);
  });

  return app;
}
