/**
 * Upstream refresh tokens at rest, and following the upstream's revocation.
 *
 * | key                               | value                                             |
 * | --------------------------------- | ------------------------------------------------- |
 * | `["upstream", provider, subject]` | `{ token: "wwc_up.…" (sealed), checked_at (ms), checking_until? (ms) }` |
 *
 * The provider's refresh token is sealed (purpose `upstream`) before it is
 * stored; nothing else about the person is kept.
 *
 * @module
 */
import type { Log } from "../lib/log.ts";
import { counters } from "../lib/telemetry.ts";
import { OAuthError } from "./oauth_error.ts";
import type { Kv } from "../lib/kv.ts";
import type { RevocationStore } from "./revocation.ts";
import type { Tokens } from "./tokens.ts";
import type { UpstreamProvider } from "./providers/types.ts";

interface Stored {
  token: string;
  checked_at: number;
  /** While one request asks the provider, others serve on the last check. */
  checking_until?: number;
}

/** How often and how patiently upstream refresh tokens are checked (all ms). */
export interface UpstreamPolicy {
  /** Re-check at the provider when the last success is older than this. */
  checkEvery: number;
  /** Keep serving through a provider outage while the last success is this recent. */
  grace: number;
  /** Give up on one provider call after this long. */
  timeout: number;
}

/** How long past the provider timeout a check's lease lasts. */
const LEASE_SLACK_MS = 5_000;

/** Key builder: the only place this key shape is written. */
export const upstreamKey = (provider: string, subject: string): Deno.KvKey => [
  "upstream",
  provider,
  subject,
];

/** Stores, checks and deletes upstream refresh tokens. */
export class UpstreamTokens {
  readonly #kv: Kv;
  readonly #tokens: Tokens;
  readonly #providers: ReadonlyMap<string, UpstreamProvider>;
  readonly #store: RevocationStore;
  readonly #policy: UpstreamPolicy;
  readonly #now: () => number;
  readonly #log: Log;

  constructor(
    kv: Kv,
    tokens: Tokens,
    providers: ReadonlyMap<string, UpstreamProvider>,
    store: RevocationStore,
    policy: UpstreamPolicy,
    now: () => number,
    log: Log,
  ) {
    this.#kv = kv;
    this.#tokens = tokens;
    this.#providers = providers;
    this.#store = store;
    this.#policy = policy;
    this.#now = now;
    this.#log = log;
  }

  /** Whether a refresh token is stored for this person at this provider. */
  async has(provider: string, subject: string): Promise<boolean> {
    const entry = await this.#kv.get(upstreamKey(provider, subject));
    return entry.versionstamp !== null;
  }

  /** Seals and stores a provider's refresh token, checked as of now. */
  async put(provider: string, subject: string, refreshToken: string) {
    await this.#kv.set(
      upstreamKey(provider, subject),
      await this.#sealed(provider, subject, refreshToken),
    );
  }

  async #sealed(
    provider: string,
    subject: string,
    refreshToken: string,
  ): Promise<Stored> {
    const { token } = await this.#tokens.seal("upstream", {
      sub: subject,
      provider,
      refresh_token: refreshToken,
    });
    return { token, checked_at: this.#now() };
  }

  /**
   * Where the stored token of user id `<prefix>:<subject>` lives, when their
   * provider refreshes: issuing tokens checks it did not change meanwhile.
   */
  keyOf(sub: string): Deno.KvKey | undefined {
    const found = this.#locate(sub);
    if (!found?.provider.refresh) return undefined;
    return upstreamKey(found.provider.id, found.subject);
  }

  /** Deletes the stored token of a user id `<prefix>:<subject>`, if any. */
  async erase(sub: string): Promise<void> {
    const colon = sub.indexOf(":");
    const prefix = sub.slice(0, colon);
    // Works even if the provider has been switched off since.
    const provider = this.#locate(sub)?.provider.id ??
      (prefix === "google" || prefix === "github" ? prefix : "oidc");
    await this.#kv.delete(upstreamKey(provider, sub.slice(colon + 1)));
  }

  /**
   * On our refresh grant: if the last successful check at the provider is
   * older than the policy says, ask the provider again. A revoked upstream
   * token revokes the user here (`invalid_grant`); an unreachable provider
   * is tolerated while the last success is recent, else
   * `temporarily_unavailable`.
   *
   * One request at a time asks the provider: it takes a short lease on the
   * stored entry first (ChatGPT refreshes twice at once, and instances race),
   * so a provider that rotates refresh tokens never sees one used twice, and
   * the others serve on the last check meanwhile. Every write afterwards is
   * checked against the leased entry, so a newer sign-in or an erasure that
   * happened during the call is never overwritten.
   *
   * `stored` is the entry when the caller has just read it (the refresh
   * grant reads it with the family, in one batch). Answers whether the
   * entry was written (or found changed): the caller's read is then stale.
   */
  async check(
    sub: string,
    stored?: Deno.KvEntryMaybe<unknown>,
  ): Promise<boolean> {
    const found = this.#locate(sub);
    const refresh = found?.provider.refresh?.bind(found.provider);
    if (!found || !refresh) return false;
    const { provider, subject } = found;
    const key = upstreamKey(provider.id, subject);
    const entry = (stored ?? await this.#kv.get(key)) as Deno.KvEntryMaybe<
      Stored
    >;
    if (!entry.value) return false;
    const now = this.#now();
    const age = now - entry.value.checked_at;
    if (age < this.#policy.checkEvery) return false;
    if ((entry.value.checking_until ?? 0) > now) return false; // another is asking
    const opened = await this.#tokens.open("upstream", entry.value.token);
    if (!opened.ok || opened.claims.sub !== subject) {
      counters.upstreamChecks.add(1, {
        provider: provider.id,
        result: "unreadable",
      });
      // Its key was removed from SEAL_KEYS (or it is damaged): the provider
      // can no longer be asked, so the person signs in again, which stores
      // a fresh token. Serving on without checks would stop following the
      // provider's revocation for good.
      await this.#store.revokeUser(sub);
      await this.#kv.atomic().check(entry).delete(key).commit();
      this.#log("warn", "stored upstream token unreadable; user revoked", {
        provider: provider.id,
        reason: opened.ok ? "subject mismatch" : opened.reason,
      });
      throw new OAuthError(
        "invalid_grant",
        "The grant is invalid, expired or revoked.",
        "stored upstream token unreadable",
      );
    }
    const leased: Stored = {
      ...entry.value,
      checking_until: now + this.#policy.timeout + LEASE_SLACK_MS,
    };
    const lease = await this.#kv.atomic().check(entry).set(key, leased)
      .commit();
    // Another request took it, or the entry changed: what was read is stale.
    if (!lease.ok) return true;
    const mine = { key, versionstamp: lease.versionstamp };

    const result = await refresh(opened.claims.refresh_token);
    counters.upstreamChecks.add(1, {
      provider: provider.id,
      result: result.ok ? "ok" : result.kind,
    });
    if (result.ok) {
      // Sealed again each time, with the current first key: after a key
      // rotation, active people's stored tokens move to the new key long
      // before the old one is removed.
      const next = await this.#sealed(
        provider.id,
        subject,
        result.refreshToken ?? opened.claims.refresh_token,
      );
      const done = await this.#kv.atomic().check(mine).set(key, next)
        .commit();
      if (!done.ok) {
        this.#log("info", "upstream check result dropped: entry changed", {
          provider: provider.id,
        });
      }
      return true;
    }
    if (result.kind === "revoked") {
      // Revoke first: if deleting the stored token then fails, the user is
      // revoked all the same (and the next check finds the token revoked).
      await this.#store.revokeUser(sub);
      await this.#kv.atomic().check(mine).delete(key).commit();
      this.#log("info", "upstream revoked the sign-in; user revoked", {
        provider: provider.id,
        sub,
      });
      throw new OAuthError(
        "invalid_grant",
        "The grant is invalid, expired or revoked.",
        "upstream refresh token revoked",
      );
    }
    // Unreachable: give the lease back so the next refresh asks again.
    await this.#kv.atomic().check(mine).set(key, entry.value).commit();
    if (result.kind === "misconfigured") {
      this.#log("error", "upstream refused our client credentials", {
        provider: provider.id,
        reason: result.reason,
      });
    }
    if (age < this.#policy.grace) {
      this.#log("warn", "upstream unreachable; serving on the last check", {
        provider: provider.id,
        reason: result.reason,
        last_check_minutes: Math.round(age / 60_000),
      });
      return true;
    }
    this.#log("error", "upstream unreachable past the grace period", {
      provider: provider.id,
      reason: result.reason,
    });
    throw new OAuthError(
      "temporarily_unavailable",
      "The sign-in provider cannot be reached; try again later.",
      "upstream unreachable past the grace period",
    );
  }

  #locate(
    sub: string,
  ): { provider: UpstreamProvider; subject: string } | undefined {
    const colon = sub.indexOf(":");
    const prefix = sub.slice(0, colon);
    for (const provider of this.#providers.values()) {
      if (provider.userPrefix === prefix) {
        return { provider, subject: sub.slice(colon + 1) };
      }
    }
    return undefined;
  }
}
