/**
 * The session endpoints of `/play`, the game's own page: they trade the
 * refresh token kept in the page's HttpOnly cookie for an access token the
 * page holds in memory (`POST /play/session`), and end the session
 * (`POST /play/signout`). API JSON like the rest of this sub-app.
 *
 * Only the page itself may call them: the cookie is SameSite=Strict, and a
 * request whose `Origin` is not ours (or whose `Sec-Fetch-Site` says it came
 * from another site) is refused before the cookie is read.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { Config } from "../../config.ts";
import type { Log } from "../../lib/log.ts";
import type { PlayClient } from "../../auth/play_client.ts";
import { OAuthError } from "../../auth/oauth_error.ts";
import {
  clearPlaySession,
  playCookies,
  setPlaySession,
} from "../browser/play.tsx";
import { apiError } from "./errors.ts";

/** What the session endpoints need. */
export interface PlaySessionDeps {
  config: Config;
  play: PlayClient;
  log: Log;
}

/** Builds `POST /play/session` and `POST /play/signout`. */
export function playSessionRoutes(
  { config, play, log }: PlaySessionDeps,
): Hono {
  const app = new Hono();
  const cookieName = playCookies(config.publicUrl).session;

  /** Refuses what does not come from our own page. */
  function crossSite(c: Context): Response | null {
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    if (
      origin === config.publicUrl && (site ?? "same-origin") === "same-origin"
    ) {
      return null;
    }
    log("info", "play session request from elsewhere refused", {
      origin: (origin ?? "(none)").slice(0, 100),
    });
    return apiError(
      c,
      403,
      "cross_origin",
      "Only the game's own page may use its session.",
    );
  }

  app.post("/play/session", async (c) => {
    const refused = crossSite(c);
    if (refused) return refused;
    const token = getCookie(c, cookieName);
    const signedOut = () => {
      clearPlaySession(c, config.publicUrl);
      return apiError(c, 401, "signed_out", "Sign in to play.");
    };
    if (!token) return signedOut();
    let tokens;
    try {
      tokens = await play.session(token);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (err.code === "invalid_grant") {
        log("info", "play session ended", { reason: err.reason });
        return signedOut();
      }
      log("warn", "play session not renewed", { reason: err.reason });
      c.header("Retry-After", "5");
      return apiError(
        c,
        503,
        "temporarily_unavailable",
        "The session could not be renewed just now; try again in a few seconds.",
      );
    }
    setPlaySession(c, config.publicUrl, tokens.refresh_token);
    c.header("Cache-Control", "no-store");
    return c.json({
      access_token: tokens.access_token,
      expires_in: tokens.expires_in,
    });
  });

  app.post("/play/signout", async (c) => {
    const refused = crossSite(c);
    if (refused) return refused;
    const token = getCookie(c, cookieName);
    if (token) await play.signOut(token);
    clearPlaySession(c, config.publicUrl);
    return c.body(null, 204);
  });

  return app;
}
