/**
 * `/play`, the game in a browser, as a client of this authorization server:
 * the built-in public client `play` (PKCE S256, one redirect,
 * `${PUBLIC_URL}/play/callback`).
 *
 * Where its tokens live: the refresh token in an HttpOnly cookie that only
 * this server reads (SameSite=Strict, `__Host-` over https), the access
 * token in the page's memory only. A reload asks the server for a fresh
 * access token (`POST /play/session`, which rotates the refresh token), so
 * the player stays signed in and nothing a script could read survives the
 * page: an injected script (which the CSP should stop anyway) could use the
 * session while the page is open, but never carry a token away that outlives
 * it. `sessionStorage` would have been simpler and keeps the tokens
 * readable by any script on the page; a full cookie session would have
 * needed a second way into the API. This is the "token-mediating backend"
 * of the OAuth browser-based apps guidance.
 *
 * The code exchange happens here, on the server, with the verifier the
 * browser kept in a short-lived HttpOnly cookie beside the state: the
 * callback is refused unless both match this browser's sign-in.
 *
 * @module
 */
import { PLAY_CLIENT_ID } from "../config.ts";
import type { AuthorizationServer, TokenResponse } from "./grants.ts";
import { OAuthError } from "./oauth_error.ts";
import { s256 } from "./pkce.ts";
import { randomId } from "./tokens.ts";

/** How old a page's refresh token must be before a renewal rotates it. */
export const ROTATE_AFTER_MS = 10 * 60_000;

/** What a browser keeps while it signs in: `<state>~<verifier>`. */
export type PendingPlay = string;

/** How a sign-in ended. */
export type PlayFinish =
  | { kind: "signed_in"; tokens: TokenResponse }
  | {
    kind: "refused";
    /** For the log. */
    reason: string;
    /** For the person. */
    message: string;
  };

/**
 * The game page's client. The members view (`/admin`) signs in the same
 * way as its own built-in client: pass its id and callback path.
 */
export class PlayClient {
  readonly #publicUrl: string;
  readonly #server: AuthorizationServer;
  readonly #clientId: string;
  readonly #callbackPath: string;

  constructor(
    publicUrl: string,
    server: AuthorizationServer,
    client: { id: string; callbackPath: string } = {
      id: PLAY_CLIENT_ID,
      callbackPath: "/play/callback",
    },
  ) {
    this.#publicUrl = publicUrl;
    this.#server = server;
    this.#clientId = client.id;
    this.#callbackPath = client.callbackPath;
  }

  /** The page's one redirect URI. */
  get redirectUri(): string {
    return `${this.#publicUrl}${this.#callbackPath}`;
  }

  /**
   * Starts a sign-in with `provider`: where to send the browser, and what
   * it keeps meanwhile (state and PKCE verifier, in an HttpOnly cookie).
   */
  start(provider: string): { url: string; pending: PendingPlay } {
    const state = randomId();
    const verifier = randomId(32);
    const url = new URL(`${this.#publicUrl}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.#clientId,
      redirect_uri: this.redirectUri,
      scope: "game",
      state,
      code_challenge: s256(verifier),
      code_challenge_method: "S256",
      provider,
    }).toString();
    return { url: url.href, pending: `${state}~${verifier}` };
  }

  /**
   * Finishes a sign-in from the callback's query and what this browser
   * kept: the state must match, the issuer must be us (RFC 9207), and the
   * code is exchanged with the kept verifier.
   */
  async finish(
    params: URLSearchParams,
    pending: PendingPlay | undefined,
  ): Promise<PlayFinish> {
    const refused = (reason: string, message: string): PlayFinish => ({
      kind: "refused",
      reason,
      message,
    });
    const [state, verifier] = (pending ?? "").split("~");
    if (!state || !verifier || params.get("state") !== state) {
      return refused(
        "state mismatch",
        "This sign-in was not started in this browser, or it has expired. Sign in again.",
      );
    }
    if (params.get("iss") !== this.#publicUrl) {
      return refused("issuer mismatch", "This sign-in came from elsewhere.");
    }
    const error = params.get("error");
    if (error !== null) {
      return refused(
        `authorization error: ${error.slice(0, 50)}`,
        error === "access_denied"
          ? "The sign-in was cancelled."
          : "The sign-in did not complete. Try again.",
      );
    }
    try {
      const tokens = await this.#server.exchangeCode(this.#clientId, {
        code: params.get("code") ?? undefined,
        redirect_uri: this.redirectUri,
        code_verifier: verifier,
      }, { pkceRequired: true });
      return { kind: "signed_in", tokens };
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      return refused(
        `code exchange: ${err.code}`,
        "The sign-in could not be completed. Sign in again.",
      );
    }
  }

  /**
   * Fresh tokens for the page from the refresh token it holds, rotated once
   * it is {@linkcode ROTATE_AFTER_MS} old: a reload whose answer (and new
   * cookie) was lost then leaves a token that still works, instead of one
   * whose next use reads as reuse and ends the session.
   */
  session(refreshToken: string): Promise<TokenResponse> {
    return this.#server.refresh(this.#clientId, refreshToken, undefined, {
      rotateAfterMs: ROTATE_AFTER_MS,
    });
  }

  /** Ends this browser's session: its refresh family is revoked. */
  signOut(refreshToken: string): Promise<void> {
    return this.#server.revoke(this.#clientId, refreshToken);
  }
}
