/**
 * An in-process sign-in provider, Google or GitHub by its {@linkcode Dialect}:
 * the authorization step a person takes in the browser, a token endpoint
 * that checks client credentials, redirect URI and PKCE, refresh tokens with
 * the provider's own rules, real RS256-signed ID tokens (Google) or a user
 * API (GitHub), and switchable failures.
 *
 * @example
 * ```ts
 * const google = await new FakeProvider(GOOGLE, () => T0).ready();
 * await using t = await testApp({ fetch: google.fetch, env: google.env });
 * ```
 */
import { createHash, randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Env } from "../config.ts";
import { fetchInto } from "./_fake_fetch.ts";
import {
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from "./_deps/jose.ts";

/** What differs between providers, as data. */
export interface Dialect {
  /** The variables' prefix: `GOOGLE` reads GOOGLE_CLIENT_ID and so on. */
  variable: "GOOGLE" | "GITHUB";
  clientId: string;
  clientSecret: string;
  /** Where the service sends the person (checked by {@linkcode FakeProvider.authorize}). */
  authorizeUrl: string;
  tokenPath: string;
  /** Google signs ID tokens and publishes its keys here. */
  jwksPath?: string;
  /** GitHub tells who signed in through this API. */
  userPath?: string;
  /** GitHub answers token errors with 200 and an `error` field. */
  errorsAs200: boolean;
  /** The provider's error codes for a bad client, code and refresh token. */
  errors: { client: string; code: string; refresh: string };
  /** Refresh tokens on the first consent only (Google), or never by default. */
  offline: Offline;
  /** Each refresh returns a new refresh token and retires the old one. */
  rotate: boolean;
  tokenPrefix: { code: string; access: string; refresh: string };
}

/** When a code exchange also returns a refresh token. */
export type Offline = "first-consent" | "always" | "never";

export const GOOGLE: Dialect = {
  variable: "GOOGLE",
  clientId: "google-client.apps.googleusercontent.com",
  clientSecret: "google-secret",
  authorizeUrl: "https://accounts.google.com/o/oauth2/v2/auth",
  tokenPath: "/token",
  jwksPath: "/oauth2/v3/certs",
  errorsAs200: false,
  errors: {
    client: "invalid_client",
    code: "invalid_grant",
    refresh: "invalid_grant",
  },
  offline: "first-consent",
  rotate: false,
  tokenPrefix: {
    code: "4/fake-code-",
    access: "ya29.fake-access-",
    refresh: "1//fake-refresh-",
  },
};

export const GITHUB: Dialect = {
  variable: "GITHUB",
  clientId: "Iv1.github-client",
  clientSecret: "github-client-secret",
  authorizeUrl: "https://github.com/login/oauth/authorize",
  tokenPath: "/login/oauth/access_token",
  userPath: "/user",
  errorsAs200: true,
  errors: {
    client: "incorrect_client_credentials",
    code: "bad_verification_code",
    refresh: "bad_refresh_token",
  },
  // Only a GitHub App with expiring user tokens returns refresh tokens.
  offline: "never",
  rotate: true,
  tokenPrefix: { code: "", access: "gho_", refresh: "ghr_" },
};

export type Mode = "ok" | "error500" | "hang" | "garbage";

export class FakeProvider {
  readonly app = new Hono();
  mode: Mode = "ok";
  /** Overrides applied to the next ID tokens (wrong aud, iss, nonce, exp…). */
  idToken: Partial<JWTPayload> = {};
  /** The user API's answer instead of the signed-in person (GitHub). */
  user?: { status: number; body: unknown; headers?: Record<string, string> };
  /**
   * The user emails API's answer (GitHub, `GET /user/emails`) instead of
   * the signed-in person's: by default a primary verified address and a
   * second verified one.
   */
  emails?: { status: number; body: unknown };
  /** Refuse every code. */
  refuseCodes = false;
  offline: Offline;
  rotate: boolean;
  /** Every refresh token ever issued: token → subject. */
  readonly refreshTokens = new Map<string, string>();
  /** Every access token issued, to check none is stored by the service. */
  readonly accessTokens: string[] = [];
  readonly revoked = new Set<string>();
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
  /** Access token → subject. */
  readonly #access = new Map<string, string>();
  #keys?: Awaited<ReturnType<typeof generateKeyPair>>;

  constructor(readonly dialect: Dialect, readonly now: () => number) {
    this.offline = dialect.offline;
    this.rotate = dialect.rotate;
    this.app.post(dialect.tokenPath, async (c) => {
      if (this.mode === "error500") return c.text("backend error", 500);
      if (this.mode === "garbage") return c.text("<html>not json</html>", 200);
      if (this.mode === "hang") {
        // Never answers; the caller's timeout rejects its fetch (see fetch).
        await new Promise((resolve) =>
          c.req.raw.signal.addEventListener("abort", resolve, { once: true })
        );
        return c.text("too late", 504);
      }
      const refuse = (error: string, status: 400 | 401, description?: string) =>
        c.json(
          { error, ...(description ? { error_description: description } : {}) },
          dialect.errorsAs200 ? 200 : status,
        );
      const form = new URLSearchParams(await c.req.text());
      if (
        form.get("client_id") !== dialect.clientId ||
        form.get("client_secret") !== dialect.clientSecret
      ) {
        return refuse(dialect.errors.client, 401);
      }
      if (form.get("grant_type") === "authorization_code") {
        const code = this.#codes.get(form.get("code") ?? "");
        this.#codes.delete(form.get("code") ?? "");
        const challenge = createHash("sha256")
          .update(form.get("code_verifier") ?? "").digest("base64url");
        if (
          this.refuseCodes || !code ||
          code.redirectUri !== form.get("redirect_uri") ||
          challenge !== code.challenge
        ) {
          return refuse(dialect.errors.code, 400);
        }
        const body = this.#issue(code.sub);
        if (dialect.jwksPath) {
          body.id_token = await this.#sign(code.sub, code.nonce);
        }
        const offline = this.offline === "always" ||
          (this.offline === "first-consent" &&
            (!this.#consented.has(code.sub) || code.consent));
        this.#consented.add(code.sub);
        if (offline) body.refresh_token = this.#refreshToken(code.sub);
        return c.json(body);
      }
      if (form.get("grant_type") === "refresh_token") {
        this.refreshCalls++;
        await this.onRefresh();
        const rt = form.get("refresh_token") ?? "";
        const sub = this.refreshTokens.get(rt);
        if (sub === undefined || this.revoked.has(rt)) {
          return refuse(
            dialect.errors.refresh,
            400,
            "Token has been expired or revoked.",
          );
        }
        const body = this.#issue(sub);
        if (this.rotate) {
          this.revoked.add(rt);
          body.refresh_token = this.#refreshToken(sub);
        }
        return c.json(body);
      }
      return refuse("unsupported_grant_type", 400);
    });
    if (dialect.jwksPath) {
      this.app.get(dialect.jwksPath, async (c) => {
        const keys = await this.#keyPair();
        return c.json({
          keys: [{
            ...await exportJWK(keys.publicKey),
            kid: "k",
            alg: "RS256",
          }],
        });
      });
    }
    if (dialect.userPath) {
      this.app.get(dialect.userPath, (c) => {
        const bearer = c.req.header("authorization")?.replace(/^Bearer /, "");
        const sub = this.#access.get(bearer ?? "");
        if (sub === undefined) {
          return c.json({ message: "Bad credentials" }, 401);
        }
        const { status, body, headers } = this.user ?? {
          status: 200,
          body: {
            id: Number(sub),
            login: `login-${sub}`,
            email: `${sub}@users.example.com`,
          },
        };
        return new Response(JSON.stringify(body), {
          status,
          headers: { "content-type": "application/json", ...headers },
        });
      });
      this.app.get(`${dialect.userPath}/emails`, (c) => {
        const bearer = c.req.header("authorization")?.replace(/^Bearer /, "");
        const sub = this.#access.get(bearer ?? "");
        if (sub === undefined) {
          return c.json({ message: "Bad credentials" }, 401);
        }
        const { status, body } = this.emails ?? {
          status: 200,
          body: [
            { email: `old-${sub}@example.com`, primary: false, verified: true },
            {
              email: `${sub}@primary.example.com`,
              primary: true,
              verified: true,
            },
          ],
        };
        return c.json(body, status as 200);
      });
    }
  }

  /** The variables that point the service at this provider. */
  get env(): Env {
    return {
      [`${this.dialect.variable}_CLIENT_ID`]: this.dialect.clientId,
      [`${this.dialect.variable}_CLIENT_SECRET`]: this.dialect.clientSecret,
    };
  }

  /** The `fetch` the service under test gets: every call lands here. */
  readonly fetch: typeof fetch = fetchInto(this.app);

  /**
   * The person at the provider's sign-in page: approves (or declines) and is
   * sent back. Returns the callback URL the browser would visit.
   */
  authorize(url: string, person: { sub: string; decline?: boolean }): string {
    const to = new URL(url);
    const q = to.searchParams;
    const back = new URL(q.get("redirect_uri")!);
    back.searchParams.set("state", q.get("state")!);
    if (person.decline) {
      back.searchParams.set("error", "access_denied");
      return back.href;
    }
    if (
      to.origin + to.pathname !== this.dialect.authorizeUrl ||
      q.get("client_id") !== this.dialect.clientId ||
      q.get("code_challenge_method") !== "S256"
    ) {
      throw new Error(`bad authorization request: ${url}`);
    }
    const code = this.dialect.tokenPrefix.code + randomUUID();
    this.#codes.set(code, {
      sub: person.sub,
      nonce: q.get("nonce") ?? undefined,
      redirectUri: back.origin + back.pathname,
      challenge: q.get("code_challenge")!,
      consent: q.get("prompt") === "consent",
    });
    back.searchParams.set("code", code);
    if (this.dialect.jwksPath) back.searchParams.set("scope", "openid");
    return back.href;
  }

  /** The person removes the app at the provider: every refresh token dies. */
  revokeAll(): void {
    for (const rt of this.refreshTokens.keys()) this.revoked.add(rt);
  }

  #issue(sub: string): Record<string, unknown> {
    const token = this.dialect.tokenPrefix.access +
      randomUUID().replaceAll("-", "");
    this.accessTokens.push(token);
    this.#access.set(token, sub);
    return {
      access_token: token,
      token_type: "bearer",
      expires_in: 3599,
      scope: this.dialect.jwksPath ? "openid" : "",
    };
  }

  #refreshToken(sub: string): string {
    const token = this.dialect.tokenPrefix.refresh + randomUUID();
    this.refreshTokens.set(token, sub);
    return token;
  }

  async #keyPair() {
    this.#keys ??= await generateKeyPair("RS256");
    return this.#keys;
  }

  /** Makes the signing key now, so no test's timeout counts key generation. */
  async ready(): Promise<this> {
    if (this.dialect.jwksPath) await this.#keyPair();
    return this;
  }

  async #sign(sub: string, nonce?: string): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    const payload: JWTPayload = {
      iss: "https://accounts.google.com",
      aud: this.dialect.clientId,
      azp: this.dialect.clientId,
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
