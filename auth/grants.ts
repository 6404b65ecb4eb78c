/**
 * The authorization server's grants, apart from HTTP: issuing codes,
 * exchanging them, rotating refresh tokens, revoking (RFC 6749, RFC 7009).
 * Routes parse requests and render; this decides. Checking an access token
 * on the API is `access.ts`.
 *
 * @module
 */
import type { Log } from "../lib/log.ts";
import { OAuthError } from "./oauth_error.ts";
import { verifyS256 } from "./pkce.ts";
import { PREFIX } from "./seal.ts";
import { type Family, type Issuance, RevocationStore } from "./revocation.ts";
import {
  type AccessClaims,
  LIFETIME,
  type LoginClaims,
  randomId,
  type RefreshClaims,
  type Tokens,
} from "./tokens.ts";

/** How long the previous refresh generation stays valid after a rotation. */
export const REFRESH_GRACE_MS = 30_000;

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** Parameters of an `authorization_code` grant. */
export interface CodeGrant {
  code: string | undefined;
  redirect_uri: string | undefined;
  code_verifier: string | undefined;
  /**
   * The audience the request named (RFC 8707), already known to be one of
   * ours: a resource, `null` for the REST API (no audience), `undefined`
   * when none was sent.
   */
  resource?: string | null | undefined;
}

const INVALID_GRANT = "The grant is invalid, expired or revoked.";

/**
 * Follows the upstream provider on refresh (see `upstream_tokens.ts`): throws
 * `invalid_grant` when the provider has revoked the sign-in.
 */
export interface UpstreamCheck {
  /** `stored`: the entry as just read; answers whether it was written since. */
  check(sub: string, stored?: Deno.KvEntryMaybe<unknown>): Promise<boolean>;
  /** Where the user's upstream entry lives, when their provider has one. */
  keyOf(sub: string): Deno.KvKey | undefined;
}

/** Lost races (rotations, revocations) tolerated before `temporarily_unavailable`. */
const MAX_ATTEMPTS = 5;

/** The authorization server's grants. */
export class AuthorizationServer {
  readonly #tokens: Tokens;
  readonly store: RevocationStore;
  readonly #now: () => number;
  readonly #log: Log;
  readonly #upstream: UpstreamCheck | undefined;

  /** `now` returns milliseconds since the epoch, like `Date.now`. */
  constructor(
    tokens: Tokens,
    store: RevocationStore,
    now: () => number,
    log: Log,
    upstream?: UpstreamCheck,
  ) {
    this.#tokens = tokens;
    this.store = store;
    this.#now = now;
    this.#log = log;
    this.#upstream = upstream;
  }

  /**
   * Issues an authorization code for a completed sign-in. The code carries
   * the version of the user's sign-out record, so a sign-out (or erasure)
   * after this moment kills it on every instance, with no clock compared.
   */
  async issueCode(login: LoginClaims, sub: string): Promise<string> {
    const { token } = await this.#tokens.seal("code", {
      sub,
      client_id: login.client_id,
      redirect_uri: login.redirect_uri,
      scope: login.scope,
      ...(login.code_challenge ? { code_challenge: login.code_challenge } : {}),
      fid: randomId(),
      rev: await this.store.revocationVersion(sub),
      ...(login.resource !== undefined ? { aud: login.resource } : {}),
    });
    return token;
  }

  /** The `authorization_code` grant (RFC 6749 §4.1.3, RFC 7636 §4.6). */
  async exchangeCode(
    clientId: string,
    grant: CodeGrant,
    options: { pkceRequired?: boolean } = {},
  ): Promise<TokenResponse> {
    if (!grant.code) throw invalidRequest("code is required.");
    if (!grant.redirect_uri) throw invalidRequest("redirect_uri is required.");
    const opened = await this.#tokens.open("code", grant.code);
    if (!opened.ok) throw invalidGrant(`code refused: ${opened.reason}`);
    const code = opened.claims;
    if (code.client_id !== clientId) {
      throw invalidGrant("code was issued to another client");
    }
    if (code.redirect_uri !== grant.redirect_uri) {
      throw invalidGrant("redirect_uri differs from the authorization request");
    }
    if (code.code_challenge !== undefined) {
      if (!grant.code_verifier) {
        throw invalidGrant("code_verifier missing for a PKCE code");
      }
      if (!verifyS256(grant.code_verifier, code.code_challenge)) {
        throw invalidGrant("code_verifier does not match code_challenge");
      }
    } else if (options.pkceRequired) {
      throw invalidGrant("a public client's code must use PKCE");
    } else if (grant.code_verifier !== undefined) {
      // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
      throw invalidGrant("code_verifier sent but no code_challenge was given");
    }
    // RFC 8707 §2.2: the resource may be repeated here, not changed.
    if (
      grant.resource !== undefined && (grant.resource ?? undefined) !== code.aud
    ) {
      throw invalidTarget("resource differs from the authorization request");
    }
    const family: Family = {
      sub: code.sub,
      client_id: clientId,
      gen: 0,
      rotated_at: this.#now(),
      revoked: false,
    };
    const redeem = async (read: Issuance) => {
      const redeemed = await this.store.redeemCode(
        code.jti,
        code.fid,
        family,
        read,
      );
      if (redeemed === "ok") {
        return await this.#issue(
          code.sub,
          clientId,
          code.scope,
          code.aud,
          code.fid,
          0,
          read,
        );
      }
      if (redeemed === "used") {
        // RFC 6749 §4.1.2: a replayed code revokes what it issued.
        await this.store.revokeFamily(code.sub, code.fid);
        this.#log("warn", "authorization code replayed; family revoked", {
          sub: code.sub,
          fid: code.fid,
        });
        throw invalidGrant("code already used");
      }
      // "changed": the user's revocation record moved meanwhile.
      return undefined;
    };
    // First on the user record this instance last saw, when it is the one
    // the code was issued under: the commit checks it, so no read is needed
    // unless it changed. Refusals are decided only on a fresh read, below.
    const last = this.store.lastCodeIssuance(code.sub, code.fid);
    if (
      last && code.rev !== undefined &&
      (last.user.versionstamp ?? "") === code.rev
    ) {
      const issued = await redeem(last);
      if (issued) return issued;
    }
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await this.store.issuance(code.sub, code.fid);
      const revoked = code.rev !== undefined
        ? (read.user.versionstamp ?? "") !== code.rev
        // A code sealed before codes carried `rev`: judged by its time.
        : read.revokedBefore !== null && code.iat <= read.revokedBefore;
      if (revoked) throw invalidGrant("user revoked after the code was issued");
      const issued = await redeem(read);
      if (issued) return issued;
    }
    throw tooManyRaces();
  }

  /**
   * The `refresh_token` grant with rotation (RFC 9700 §4.14.2).
   *
   * Linearizable with revocation: the commit that issues tokens checks that
   * the family, the user's revocation record and the stored upstream entry
   * are what was read, so a sign-out, an RFC 7009 revocation or an upstream
   * refusal either lands first (the commit fails, the next read refuses) or
   * after (it revokes the family these tokens belong to).
   */
  async refresh(
    clientId: string,
    refreshToken: string | undefined,
    resource?: string | null,
    options: {
      /**
       * Rotate only a refresh token at least this old (ms); a younger one of
       * the current generation is honoured as it is. For a client whose
       * answer may be lost on its way (a page being reloaded), so a lost
       * rotation is not mistaken for reuse later. Default: always rotate.
       */
      rotateAfterMs?: number;
    } = {},
  ): Promise<TokenResponse> {
    if (!refreshToken) throw invalidRequest("refresh_token is required.");
    const opened = await this.#tokens.open("refresh", refreshToken);
    if (!opened.ok) {
      throw invalidGrant(`refresh token refused: ${opened.reason}`);
    }
    const rt = opened.claims;
    if (rt.client_id !== clientId) {
      throw invalidGrant("refresh token was issued to another client");
    }
    // The family stays bound to the resource of its code (RFC 8707 §2.2).
    if (resource !== undefined && (resource ?? undefined) !== rt.aud) {
      throw invalidTarget("resource differs from the refresh token's");
    }
    const upstreamKey = this.#upstream?.keyOf(rt.sub);
    const issue = (gen: number, read: Issuance) =>
      this.#issue(rt.sub, clientId, rt.scope, rt.aud, rt.fid, gen, read);
    // First on the issue this instance last committed for the family, when
    // this token is its current generation and nothing else is to be asked
    // (no upstream check, no rotation delay): the commit checks every entry
    // that issue depended on, so no read is needed unless one changed. Any
    // other decision (a refusal, reuse, a retry within the grace period) is
    // taken on a fresh read, below: a remembered issue may be stale. A family
    // rotated within the grace period reads first too: rotations of it may be
    // racing (retries), and a family rotated back to back without reads
    // would leave a concurrent revocation no gap between its rotations'
    // commits (its checked write could lose every time).
    const now = this.#now();
    const last = upstreamKey === undefined &&
        options.rotateAfterMs === undefined
      ? this.store.lastIssue(rt.sub, rt.fid)
      : undefined;
    const lastFamily = last?.family.value;
    if (
      last && lastFamily && !lastFamily.revoked && rt.gen === lastFamily.gen &&
      now - lastFamily.rotated_at > REFRESH_GRACE_MS &&
      !(last.revokedBefore !== null && rt.iat <= last.revokedBefore)
    ) {
      const next = { ...lastFamily, gen: lastFamily.gen + 1, rotated_at: now };
      if (await this.store.commitIssue(last, next)) {
        return await issue(next.gen, last);
      }
    }
    let checked = false;
    // One read of everything the issue depends on, one checked commit. Each
    // lost race means another refresh rotated, or a revocation landed.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await this.store.issuance(rt.sub, rt.fid, upstreamKey);
      const family = refuseRevoked(read, rt.iat);
      const now = this.#now();
      // The current generation rotates; the previous one, shortly after its
      // rotation, is a concurrent retry of the refresh that just rotated:
      // it gets a valid token of the current generation rather than a
      // sign-out. Anything older is reuse.
      const current = rt.gen === family.gen;
      const young = options.rotateAfterMs !== undefined &&
        now - rt.iat < options.rotateAfterMs;
      const next = current && !young
        ? { ...family, gen: family.gen + 1, rotated_at: now }
        : undefined;
      const retry = rt.gen === family.gen - 1 &&
        now - family.rotated_at <= REFRESH_GRACE_MS;
      if (!current && !retry) {
        await this.store.revokeFamily(rt.sub, rt.fid);
        this.#log("warn", "refresh token reuse; family revoked", {
          sub: rt.sub,
          fid: rt.fid,
          gen: rt.gen,
          current: family.gen,
        });
        throw invalidGrant("refresh token reused after rotation");
      }
      if (!checked && this.#upstream && upstreamKey) {
        // Only a grant that is good so far makes the provider be asked.
        checked = true;
        const stored = read.upstream ?? undefined;
        if (await this.#upstream.check(rt.sub, stored)) continue;
      }
      if (!(await this.store.commitIssue(read, next))) continue;
      return await issue(next?.gen ?? family.gen, read);
    }
    throw tooManyRaces();
  }

  /**
   * RFC 7009 revocation: a refresh or access token revokes its whole family.
   * Invalid tokens are ignored (§2.2: the client cannot do anything about it).
   */
  async revoke(clientId: string, token: string | undefined): Promise<void> {
    if (!token) throw invalidRequest("token is required.");
    const opened: { ok: true; claims: RefreshClaims | AccessClaims } | {
      ok: false;
    } = token.startsWith(PREFIX.access)
      ? await this.#tokens.open("access", token)
      : await this.#tokens.open("refresh", token);
    if (!opened.ok) return;
    if (opened.claims.client_id !== clientId) {
      throw new OAuthError(
        "unauthorized_client",
        "This token was not issued to you.",
        "revocation by another client",
      );
    }
    await this.store.revokeFamily(opened.claims.sub, opened.claims.fid);
  }

  /**
   * Seals the tokens of a committed issue. They are stamped later than the
   * sign-out record the commit checked, whatever this instance's clock says:
   * a sign-in after a sign-out is never mistaken for one before it. (A
   * revocation after the commit revokes their family instead.)
   */
  async #issue(
    sub: string,
    clientId: string,
    scope: string,
    aud: string | undefined,
    fid: string,
    gen: number,
    read: Issuance,
  ): Promise<TokenResponse> {
    const after = read.revokedBefore ?? undefined;
    const audience = aud !== undefined ? { aud } : {};
    const [access, refresh] = await Promise.all([
      this.#tokens.seal(
        "access",
        { sub, client_id: clientId, scope, fid, ...audience },
        LIFETIME.access,
        after,
      ),
      this.#tokens.seal(
        "refresh",
        {
          sub,
          client_id: clientId,
          scope,
          fid,
          gen,
          ...audience,
        },
        LIFETIME.refresh,
        after,
      ),
    ]);
    return {
      access_token: access.token,
      token_type: "Bearer",
      expires_in: LIFETIME.access,
      refresh_token: refresh.token,
      scope,
    };
  }
}

/** Refuses a refresh token whose family or user was revoked; returns the family. */
function refuseRevoked(read: Issuance, iat: number): Family {
  if (read.revokedBefore !== null && iat <= read.revokedBefore) {
    throw invalidGrant("user revoked");
  }
  const family = read.family.value;
  if (read.family.versionstamp === null || !family || family.revoked) {
    throw invalidGrant("refresh family revoked or unknown");
  }
  return family;
}

function tooManyRaces(): OAuthError {
  return new OAuthError(
    "temporarily_unavailable",
    "Too many concurrent requests for this sign-in; try again.",
    "token issue kept losing races",
  );
}

function invalidGrant(reason: string): OAuthError {
  return new OAuthError("invalid_grant", INVALID_GRANT, reason);
}

function invalidTarget(reason: string): OAuthError {
  return new OAuthError(
    "invalid_target",
    "The resource is not the one this grant is for.",
    reason,
  );
}

function invalidRequest(description: string): OAuthError {
  return new OAuthError("invalid_request", description);
}
