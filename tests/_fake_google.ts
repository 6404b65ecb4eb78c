/**
 * An in-process Google: the authorization step a person takes in the
 * browser, a token endpoint that checks client credentials, redirect URI
 * and PKCE, real RS256-signed ID tokens, refresh tokens issued only on first
 * consent (or `prompt=consent`), and switchable failures.
 */
import { createHash, randomUUID } from "node:crypto";
import { Hono } from "hono";
import { fetchInto } from "./_fake_fetch.ts";
import {
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from "./_deps.ts";

export type Mode = "ok" | "error500" | "hang" | "garbage";

export class FakeGoogle {
  readonly app = new Hono();
  readonly clientId = "google-client.apps.googleusercontent.com";
  readonly clientSecret = "google-secret";
  mode: Mode = "ok";
  /** Overrides applied to the next ID tokens (wrong aud, iss, nonce, exp…). */
  idToken: Partial<JWTPayload> = {};
  /** Every refresh token ever issued: token → subject. */
  readonly refreshTokens = new Map<string, string>();
  /** Every access token issued, to check none is stored by the service. */
  readonly accessTokens: string[] = [];
  readonly revoked = new Set<string>();
  /** Rotate refresh tokens: each refresh returns a new one; the old one dies. */
  rotate = false;
  /** Refresh-grant calls received. */
  refreshCalls = 0;
  /** Runs when a refresh-grant call arrives, before it is answered. */
  onRefresh: () => Promise<void> | void = () => {};
  readonly #consented = new Set<string>();
  readonly #codes = new Map<string, {
    sub: string;
    nonce?: string;
    redirectUri: string;
    challenge: string;
    consent: boolean;
  }>();
  #keys?: Awaited<ReturnType<typeof generateKeyPair>>;

  constructor(readonly now: () => number) {
    this.app.post("/token", async (c) => {
      if (this.mode === "error500") return c.text("backend error", 500);
      if (this.mode === "garbage") return c.text("<html>not json</html>", 200);
      if (this.mode === "hang") {
        // Never answers; the caller's timeout rejects its fetch (see fetch).
        await new Promise((resolve) =>
          c.req.raw.signal.addEventListener("abort", resolve, { once: true })
        );
        return c.text("too late", 504);
      }
      const form = new URLSearchParams(await c.req.text());
      if (
        form.get("client_id") !== this.clientId ||
        form.get("client_secret") !== this.clientSecret
      ) {
        return c.json({ error: "invalid_client" }, 401);
      }
      if (form.get("grant_type") === "authorization_code") {
        const code = this.#codes.get(form.get("code") ?? "");
        this.#codes.delete(form.get("code") ?? "");
        const challenge = createHash("sha256").update(
          form.get("code_verifier") ?? "",
        )
          .digest("base64url");
        if (
          !code || code.redirectUri !== form.get("redirect_uri") ||
          challenge !== code.challenge
        ) {
          return c.json({ error: "invalid_grant" }, 400);
        }
        const body: Record<string, unknown> = {
          access_token: this.#accessToken(),
          expires_in: 3599,
          token_type: "Bearer",
          scope: "openid",
          id_token: await this.#sign(code.sub, code.nonce),
        };
        if (!this.#consented.has(code.sub) || code.consent) {
          this.#consented.add(code.sub);
          const rt = `1//fake-refresh-${randomUUID()}`;
          this.refreshTokens.set(rt, code.sub);
          body.refresh_token = rt;
        }
        return c.json(body);
      }
      if (form.get("grant_type") === "refresh_token") {
        this.refreshCalls++;
        await this.onRefresh();
        const rt = form.get("refresh_token") ?? "";
        const sub = this.refreshTokens.get(rt);
        if (!sub || this.revoked.has(rt)) {
          return c.json({
            error: "invalid_grant",
            error_description: "Token has been expired or revoked.",
          }, 400);
        }
        const body: Record<string, unknown> = {
          access_token: this.#accessToken(),
          expires_in: 3599,
          token_type: "Bearer",
          scope: "openid",
        };
        if (this.rotate) {
          this.revoked.add(rt);
          const next = `1//fake-refresh-${randomUUID()}`;
          this.refreshTokens.set(next, sub);
          body.refresh_token = next;
        }
        return c.json(body);
      }
      return c.json({ error: "unsupported_grant_type" }, 400);
    });
    this.app.get("/oauth2/v3/certs", async (c) => {
      const keys = await this.#keyPair();
      return c.json({
        keys: [{ ...await exportJWK(keys.publicKey), kid: "k", alg: "RS256" }],
      });
    });
  }

  /** The `fetch` the service under test gets: every call lands here. */
  readonly fetch: typeof fetch = fetchInto(this.app);

  /**
   * The person at Google's sign-in page: approves (or declines) and is sent
   * back. Returns the callback URL the browser would visit.
   */
  authorize(url: string, person: { sub: string; decline?: boolean }): string {
    const q = new URL(url).searchParams;
    const back = new URL(q.get("redirect_uri")!);
    back.searchParams.set("state", q.get("state")!);
    if (person.decline) {
      back.searchParams.set("error", "access_denied");
      return back.href;
    }
    if (
      q.get("client_id") !== this.clientId ||
      q.get("code_challenge_method") !== "S256"
    ) {
      throw new Error("bad authorization request");
    }
    const code = `4/fake-code-${randomUUID()}`;
    this.#codes.set(code, {
      sub: person.sub,
      nonce: q.get("nonce") ?? undefined,
      redirectUri: back.origin + back.pathname,
      challenge: q.get("code_challenge")!,
      consent: q.get("prompt") === "consent",
    });
    back.searchParams.set("code", code);
    back.searchParams.set("scope", "openid");
    return back.href;
  }

  #accessToken(): string {
    const token = `ya29.fake-access-${randomUUID()}`;
    this.accessTokens.push(token);
    return token;
  }

  async #keyPair() {
    this.#keys ??= await generateKeyPair("RS256");
    return this.#keys;
  }

  /** Makes the signing key now, so no test's timeout counts key generation. */
  async ready(): Promise<this> {
    await this.#keyPair();
    return this;
  }

  async #sign(sub: string, nonce?: string): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    const payload: JWTPayload = {
      iss: "https://accounts.google.com",
      aud: this.clientId,
      azp: this.clientId,
      sub,
      iat,
      exp: iat + 3600,
      ...(nonce ? { nonce } : {}),
      ...this.idToken,
    };
    return await new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", kid: "k" })
      .sign((await this.#keyPair()).privateKey);
  }
}
