/**
 * Stripe, through its official SDK: the sealed links a player follows to
 * pay (`/billing/upgrade`) and to manage what they pay
 * (`/billing/portal`), the Checkout and customer-portal sessions behind
 * them, and the webhook's events, verified and applied to {@linkcode Plans}.
 * Nothing here knows about HTTP routes; the SDK reaches Stripe (or the
 * fake at `STRIPE_API_BASE`) with the injected `fetch`.
 *
 * @module
 */
import type Stripe from "stripe";
import type { BillingConfig } from "../config.ts";
import type { RevocationStore } from "../auth/revocation.ts";
import type { Tokens } from "../auth/tokens.ts";
import type { Kv } from "../lib/kv.ts";
import type { Log } from "../lib/log.ts";
import {
  type Applied,
  changeOf,
  type EventLike,
  type Plans,
  USER_METADATA,
} from "./plans.ts";

/** Seconds a webhook's signature timestamp may be off our clock (Stripe's default). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Who a link is for: the player and the sign-in it was issued under. */
export interface LinkOwner {
  sub: string;
  fid: string;
}

/** What opening a link gives. */
export type OpenedLink =
  | { ok: true; sub: string }
  /** Expired, forged, for another purpose, or its sign-in ended. */
  | { ok: false; used?: false }
  /** Followed once already: a link opens Stripe once. */
  | { ok: false; used: true };

/** The result of following a link to Stripe. */
export type Redirect =
  | { ok: true; url: string }
  /** Stripe refused or could not be reached; the reason went to the log. */
  | { ok: false; problem: "stripe" }
  /** The portal link of a player with no Stripe customer. */
  | { ok: false; problem: "no_customer" };

/** What the webhook makes of a delivery. */
export type Received =
  | { kind: "bad_signature" }
  | { kind: "malformed"; reason: string }
  | { kind: "ignored"; type: string; reason: string }
  | Applied;

/** What {@linkcode Billing} is built from. */
export interface BillingDeps {
  config: BillingConfig;
  publicUrl: string;
  plans: Plans;
  tokens: Tokens;
  store: RevocationStore;
  /** Where followed links are marked spent (`["billing_link", jti]`). */
  kv: Kv;
  fetch: typeof fetch;
  now: () => number;
  log: Log;
}

/** The SDK's module, one client, and the webhook's signature checker. */
interface Sdk {
  Stripe: typeof Stripe;
  client: Stripe;
  crypto: ReturnType<typeof Stripe.createSubtleCryptoProvider>;
}

/** Checkout, the customer portal and the webhook, over Stripe's SDK. */
export class Billing {
  readonly #deps: BillingDeps;
  #sdk?: Promise<Sdk>;

  constructor(deps: BillingDeps) {
    this.#deps = deps;
  }

  /**
   * The SDK, imported on the first call that needs Stripe: it is a few
   * hundred modules, which every process start would otherwise load before
   * serving anything. Concurrent first calls share one import and client.
   */
  #stripe(): Promise<Sdk> {
    return this.#sdk ??= import("stripe").then(({ default: Stripe }) => {
      const base = this.#deps.config.apiBase;
      return {
        Stripe,
        client: new Stripe(this.#deps.config.secretKey, {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? 443 : 80),
          protocol: base.protocol === "https:" ? "https" : "http",
          httpClient: Stripe.createFetchHttpClient(this.#deps.fetch),
          maxNetworkRetries: 1,
          timeout: 15_000,
          telemetry: false,
        }),
        crypto: Stripe.createSubtleCryptoProvider(),
      };
    });
  }

  /** A short-lived link that sends `owner` to pay. */
  async upgradeUrl(owner: LinkOwner): Promise<string> {
    const { token } = await this.#deps.tokens.seal("upgrade", { ...owner });
    return `${this.#deps.publicUrl}/billing/upgrade?t=${token}`;
  }

  /** A short-lived link to Stripe's customer portal for `owner`. */
  async portalUrl(owner: LinkOwner): Promise<string> {
    const { token } = await this.#deps.tokens.seal("portal", { ...owner });
    return `${this.#deps.publicUrl}/billing/portal?t=${token}`;
  }

  /**
   * Opens a link: sealed for `purpose`, unexpired, and issued under a
   * sign-in that still stands (signing out or erasing one's data ends
   * every link given before).
   */
  async open(
    purpose: "upgrade" | "portal",
    token: string | undefined,
  ): Promise<OpenedLink> {
    const opened = await this.#deps.tokens.open(purpose, token);
    if (!opened.ok) return { ok: false };
    const { sub, fid, iat, jti, exp } = opened.claims;
    if (await this.#deps.store.isRevoked(sub, fid, iat)) return { ok: false };
    // Spent on first use, so a link copied from somewhere it was recorded
    // (a URL in telemetry, a proxy log) opens nothing once followed. The
    // mark holds no user id and lasts as long as the link could.
    const key = ["billing_link", jti];
    const spent = await this.#deps.kv.atomic()
      .check({ key, versionstamp: null })
      .set(key, { at: this.#deps.now() }, {
        expireIn: Math.max(1, exp - this.#deps.now()),
      })
      .commit();
    if (!spent.ok) return { ok: false, used: true };
    return { ok: true, sub };
  }

  /**
   * Creates a Checkout Session for the configured price: a subscription for
   * a recurring price, a one-time payment otherwise; our user id as
   * `client_reference_id` (and on the subscription's metadata, so its
   * events name the player even when they arrive before the session's).
   */
  async checkout(sub: string): Promise<Redirect> {
    const { config, publicUrl } = this.#deps;
    try {
      const { client } = await this.#stripe();
      const [price, plan] = await Promise.all([
        client.prices.retrieve(config.priceId),
        this.#deps.plans.get(sub),
      ]);
      const recurring = price.type === "recurring" || price.recurring != null;
      const session = await client.checkout.sessions.create({
        mode: recurring ? "subscription" : "payment",
        line_items: [{ price: config.priceId, quantity: 1 }],
        client_reference_id: sub,
        ...(plan?.customer ? { customer: plan.customer } : {}),
        metadata: { [USER_METADATA]: sub },
        ...(recurring
          ? { subscription_data: { metadata: { [USER_METADATA]: sub } } }
          : {}),
        success_url: `${publicUrl}/billing/success`,
        cancel_url: `${publicUrl}/billing/cancel`,
      });
      if (!session.url) throw new Error("the session has no url");
      return { ok: true, url: session.url };
    } catch (err) {
      return this.#refused("checkout", err);
    }
  }

  /** A customer-portal session for the player's Stripe customer. */
  async portal(sub: string): Promise<Redirect> {
    const plan = await this.#deps.plans.get(sub);
    if (!plan?.customer) return { ok: false, problem: "no_customer" };
    try {
      const { client } = await this.#stripe();
      const session = await client.billingPortal.sessions.create({
        customer: plan.customer,
        return_url: `${this.#deps.publicUrl}/`,
      });
      return { ok: true, url: session.url };
    } catch (err) {
      return this.#refused("portal", err);
    }
  }

  /**
   * Verifies a webhook delivery (the `Stripe-Signature` HMAC over the raw
   * body, its timestamp within {@linkcode SIGNATURE_TOLERANCE_SECONDS} of
   * our clock), then applies its change once. A storage failure is thrown
   * (`StorageUnavailable`: 503, and Stripe retries).
   */
  async receive(raw: string, signature: string | undefined): Promise<Received> {
    if (!signature) return { kind: "bad_signature" };
    const { Stripe, client, crypto } = await this.#stripe();
    let event: EventLike;
    try {
      event = await client.webhooks.constructEventAsync(
        raw,
        signature,
        this.#deps.config.webhookSecret,
        SIGNATURE_TOLERANCE_SECONDS,
        crypto,
        // The SDK takes the time of receipt in milliseconds.
        this.#deps.now(),
      ) as unknown as EventLike;
    } catch (err) {
      if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
        return { kind: "bad_signature" };
      }
      // A body that is not JSON fails after a good signature: bad input.
      if (err instanceof SyntaxError) {
        return { kind: "malformed", reason: "not JSON" };
      }
      throw err;
    }
    if (
      typeof event?.id !== "string" || typeof event.type !== "string" ||
      !Number.isSafeInteger(event.created) || typeof event.data !== "object" ||
      event.data === null
    ) {
      return { kind: "malformed", reason: "not an event" };
    }
    const reading = changeOf(event);
    if (reading.kind === "malformed") return reading;
    if (reading.kind === "ignored") {
      return { kind: "ignored", type: event.type, reason: reading.reason };
    }
    return await this.#deps.plans.apply(event, reading.change);
  }

  #refused(what: string, err: unknown): Redirect {
    const e = err as { type?: string; statusCode?: number; code?: string };
    this.#deps.log("error", "stripe request failed", {
      request: what,
      type: e?.type ?? (err instanceof Error ? err.name : "unknown"),
      status: e?.statusCode,
      code: e?.code,
    });
    return { ok: false, problem: "stripe" };
  }
}
