/**
 * A person's account as a whole: signing out everywhere, and erasing
 * everything the service holds about them. The API calls these; nothing
 * here knows about HTTP.
 *
 * @module
 */
import type { RevocationStore } from "../auth/revocation.ts";
import type { UpstreamTokens } from "../auth/upstream_tokens.ts";
import type { Game } from "../game/game.ts";
import type { Plans } from "../billing/plans.ts";
import type { Members } from "./members.ts";
import {
  GAME_BUCKET,
  type RateLimiter,
  READ_BUCKET,
} from "../lib/rate_limit.ts";

/** What an account spans. */
export interface AccountParts {
  store: RevocationStore;
  upstream: UpstreamTokens;
  game: Game;
  limiter: RateLimiter;
  plans: Plans;
  members: Members;
}

/** Signs a person out everywhere, or erases their data. */
export class Account {
  readonly #store: RevocationStore;
  readonly #upstream: UpstreamTokens;
  readonly #game: Game;
  readonly #limiter: RateLimiter;
  readonly #plans: Plans;
  readonly #members: Members;

  constructor(
    { store, upstream, game, limiter, plans, members }: AccountParts,
  ) {
    this.#store = store;
    this.#upstream = upstream;
    this.#game = game;
    this.#limiter = limiter;
    this.#plans = plans;
    this.#members = members;
  }

  /** Signs `sub` out everywhere: every token issued so far stops working. */
  async signOut(sub: string): Promise<void> {
    await this.#store.revokeUser(sub);
  }

  /**
   * Erases everything of `sub` (game data, upstream sign-in, plan and
   * Stripe customer id, member row and email, rate-limit windows, then
   * tokens), leaving only the sign-out record as a tombstone. What Stripe
   * holds stays with Stripe (see `/privacy`).
   */
  async erase(sub: string): Promise<void> {
    // The most sensitive data first, the user's tokens last: if a step fails
    // (503), the token still works and the same call can simply be retried.
    await this.#upstream.erase(sub);
    await this.#game.erase(sub);
    await this.#plans.erase(sub);
    await this.#members.erase(sub);
    await this.#limiter.forget(GAME_BUCKET, sub);
    await this.#limiter.forget(READ_BUCKET, sub);
    await this.#store.eraseUser(sub);
    // A round or nickname written meanwhile (here, or on an instance still
    // trusting the token from its cache) was checked against the sign-in
    // that is now gone: one more sweep removes those that landed before.
    await this.#game.erase(sub);
    await this.#members.erase(sub);
  }
}
