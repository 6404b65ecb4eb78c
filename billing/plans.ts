/**
 * Players' plans over Deno KV, changed only by Stripe's events. An event is
 * read into a {@linkcode Change} (a pure function of the event), then
 * applied once: the plan, the customer's owner and the event's id are
 * written in one atomic operation checked against what was read, so a
 * replayed event, or the same event delivered twice at once, changes
 * nothing the second time.
 *
 * | key                           | value                                                 |
 * | ----------------------------- | ----------------------------------------------------- |
 * | `["plan", sub]`               | {@linkcode PlanRecord}: the plan and Stripe's ids      |
 * | `["stripe_customer", id]`     | `sub`: whose Stripe customer this is; `{ erased }` once that player erased their data |
 * | `["stripe_event", id]`        | `{ at }`: the event was applied (no user id)           |
 *
 * Events may arrive in any order (Stripe does not promise one). A change
 * applies unless it is older than the one the plan last took (its event's
 * `created`, in seconds; equal times apply in arrival order, except that a
 * running subscription is not taken back to `incomplete`), and two facts
 * of Stripe's hold whatever the order: a subscription that ended never
 * starts again, and an event about another subscription than the player's
 * current one may grant the plan but never take it away while the current
 * one runs.
 *
 * @module
 */
import type { Kv } from "../lib/kv.ts";

/** The two plans. */
export type PlanName = "free" | "pro";

/** A player's plan as stored. */
export interface PlanRecord {
  plan: PlanName;
  /** The Stripe customer id (`cus_…`), once Stripe made one. */
  customer: string | null;
  /** The subscription (`sub_…`) the plan follows; `null` for a one-time payment. */
  subscription: string | null;
  /** Stripe's status of it (`active`, `past_due`, `canceled`…), or `paid`. */
  status: string;
  /** The subscription ended for good (Stripe never restarts one). */
  ended: boolean;
  /** `created` of the event last applied (Unix seconds, Stripe's clock). */
  event_created: number;
  /** When we applied it (ms). */
  updated_at: number;
}

/**
 * A Stripe customer's row: its player, or, once that player erased their
 * data, when (ms), with no user id: Stripe may go on sending events about
 * the customer (a subscription not cancelled), and they must not bring the
 * player's data back.
 */
export type CustomerRow = string | { erased: number };

/** Key builders: the only place billing's key shapes are written. */
export const billingKeys = {
  plan: (sub: string): Deno.KvKey => ["plan", sub],
  customer: (id: string): Deno.KvKey => ["stripe_customer", id],
  event: (id: string): Deno.KvKey => ["stripe_event", id],
};

/**
 * How long an applied event's id is remembered: Stripe retries a delivery
 * for up to 3 days, and an operator may resend one from the dashboard
 * within 30.
 */
export const EVENT_KEPT_MS = 30 * 86_400_000;

/**
 * Subscription statuses that keep the pro plan. `past_due`: Stripe is still
 * retrying the payment; once it gives up the subscription becomes
 * `unpaid` or `canceled` (as the account's settings say), and the plan free.
 */
const PRO_STATUSES: ReadonlySet<string> = new Set([
  "active",
  "trialing",
  "past_due",
]);
/** Statuses a subscription never leaves. */
const FINAL_STATUSES: ReadonlySet<string> = new Set([
  "canceled",
  "incomplete_expired",
]);

/** Whether `record` is the pro plan. */
export function isPro(record: PlanRecord | null | undefined): boolean {
  return record?.plan === "pro";
}

/** The event types this service acts on; Stripe may send only these. */
export const HANDLED_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.payment_failed",
] as const;

/** The part of a Stripe event read here (checked, not trusted). */
export interface EventLike {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

/** What an event means for a player's plan. */
export interface Change {
  /** Our user id, when the event carries it (Checkout, subscription metadata). */
  sub: string | null;
  customer: string | null;
  subscription: string | null;
  status: string;
  plan: PlanName;
  ended: boolean;
}

/** What {@linkcode changeOf} makes of an event. */
export type Reading =
  | { kind: "change"; change: Change }
  /** A type or a state this service does not act on: answered 200. */
  | { kind: "ignored"; reason: string }
  /** Signed, but not in the shape of its type. */
  | { kind: "malformed"; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj =>
  typeof v === "object" && v !== null && !Array.isArray(v);
/** A Stripe id field: the id itself, or the expanded object's `id`. */
function idOf(v: unknown): string | null {
  if (typeof v === "string" && v.length > 0 && v.length <= 255) return v;
  return isObj(v) ? idOf(v.id) : null;
}
const str = (v: unknown): string | null =>
  typeof v === "string" && v.length > 0 && v.length <= 255 ? v : null;

/** The metadata key under which checkout writes our user id. */
export const USER_METADATA = "user";

/**
 * What a Stripe event means for a plan; a pure function of the event.
 */
export function changeOf(event: EventLike): Reading {
  const object = event.data.object;
  if (!isObj(object)) return { kind: "malformed", reason: "no data.object" };
  switch (event.type) {
    case "checkout.session.completed": {
      // Async payment methods complete the session before the money
      // arrives; only a paid (or free) session grants the plan.
      const paid = object.payment_status === "paid" ||
        object.payment_status === "no_payment_required";
      if (!paid) return { kind: "ignored", reason: "payment not yet made" };
      const sub = str(object.client_reference_id);
      if (!sub) return { kind: "ignored", reason: "not one of our sessions" };
      const subscription = idOf(object.subscription);
      return {
        kind: "change",
        change: {
          sub,
          customer: idOf(object.customer),
          subscription,
          status: subscription ? "active" : "paid",
          plan: "pro",
          ended: false,
        },
      };
    }
    case "customer.subscription.updated":
    case "customer.subscription.deleted": {
      const subscription = idOf(object.id);
      const status = event.type === "customer.subscription.deleted"
        ? "canceled"
        : str(object.status);
      if (!subscription || !status) {
        return { kind: "malformed", reason: "no subscription id or status" };
      }
      const metadata = isObj(object.metadata) ? object.metadata : {};
      return {
        kind: "change",
        change: {
          sub: str(metadata[USER_METADATA]),
          customer: idOf(object.customer),
          subscription,
          status,
          plan: PRO_STATUSES.has(status) ? "pro" : "free",
          ended: FINAL_STATUSES.has(status),
        },
      };
    }
    case "invoice.payment_failed": {
      // Stripe retries a failed payment; the subscription lapses only when
      // it stops (no next attempt). Earlier failures change nothing.
      if (object.next_payment_attempt !== null) {
        return { kind: "ignored", reason: "Stripe retries the payment" };
      }
      const parent = isObj(object.parent) ? object.parent : {};
      const details = isObj(parent.subscription_details)
        ? parent.subscription_details
        : {};
      const subscription = idOf(details.subscription) ??
        idOf(object.subscription);
      if (!subscription) {
        return { kind: "ignored", reason: "not a subscription's invoice" };
      }
      const metadata = isObj(details.metadata) ? details.metadata : {};
      return {
        kind: "change",
        change: {
          sub: str(metadata[USER_METADATA]),
          customer: idOf(object.customer),
          subscription,
          status: "unpaid",
          plan: "free",
          ended: false,
        },
      };
    }
    default:
      return { kind: "ignored", reason: "event type not handled" };
  }
}

/**
 * Whether `change` (from an event created at `created`) may replace
 * `current`: see the module's rules on order.
 */
export function supersedes(
  current: PlanRecord | null,
  change: Change,
  created: number,
): boolean {
  if (!current) return true;
  if (created < current.event_created) return false;
  if (
    change.subscription !== null && change.subscription === current.subscription
  ) {
    if (current.ended) return change.ended;
    // Within one second Stripe's order is unknown; a subscription only ever
    // goes from `incomplete` to running, never back.
    return !(created === current.event_created &&
      change.status === "incomplete" && current.plan === "pro");
  }
  // Another subscription (or a one-time payment): it may grant the plan,
  // but takes it away only once the current one is over.
  return change.plan === "pro" || current.plan === "free" || current.ended;
}

/** The result of {@linkcode Plans.apply}. */
export type Applied =
  | { kind: "applied"; sub: string; plan: PlanName }
  /** Already applied (a retry or a replay): nothing changed. */
  | { kind: "duplicate" }
  /** Older than what the plan already took: recorded, not applied. */
  | { kind: "stale"; sub: string }
  /** Nobody of ours: a customer we do not know. */
  | { kind: "unknown_customer" }
  /** The customer of a player who erased their data: ignored. */
  | { kind: "erased_customer" };

/** Players' plans in KV. */
export class Plans {
  readonly #kv: Kv;
  readonly #now: () => number;

  constructor(kv: Kv, now: () => number) {
    this.#kv = kv;
    this.#now = now;
  }

  /** The plan of `sub` (`null`: never had one, i.e. free). */
  async get(sub: string): Promise<PlanRecord | null> {
    return (await this.#kv.get<PlanRecord>(billingKeys.plan(sub))).value;
  }

  /**
   * Applies `change` from `event` once. The event's id, the plan and the
   * customer's owner are written in one atomic step checked against what
   * was read: of two deliveries at once, one applies and the other is a
   * duplicate.
   */
  async apply(event: EventLike, change: Change): Promise<Applied> {
    const eventKey = billingKeys.event(event.id);
    for (;;) {
      const seen = await this.#kv.get(eventKey);
      if (seen.versionstamp !== null) return { kind: "duplicate" };
      const op = this.#kv.atomic().check(seen)
        .set(eventKey, { at: this.#now() }, { expireIn: EVENT_KEPT_MS });
      let owner: CustomerRow | null = null;
      if (change.customer !== null) {
        const entry = await this.#kv.get<CustomerRow>(
          billingKeys.customer(change.customer),
        );
        op.check(entry);
        owner = entry.value;
      }
      const ignored = typeof owner === "object" && owner !== null
        ? "erased_customer" as const
        : change.sub === null && owner === null
        ? "unknown_customer" as const
        : null;
      if (ignored) {
        if ((await op.commit()).ok) return { kind: ignored };
        continue;
      }
      const sub = change.sub ?? (owner as string);
      const planEntry = await this.#kv.get<PlanRecord>(billingKeys.plan(sub));
      op.check(planEntry);
      const current = planEntry.value;
      const apply = supersedes(current, change, event.created);
      if (apply) {
        const customer = change.customer ?? current?.customer ?? null;
        op.set(
          billingKeys.plan(sub),
          {
            plan: change.plan,
            customer,
            subscription: change.subscription,
            status: change.status,
            ended: change.ended,
            event_created: event.created,
            updated_at: this.#now(),
          } satisfies PlanRecord,
        );
        if (customer !== null) op.set(billingKeys.customer(customer), sub);
        // One customer per player: a new one frees the old one's row.
        if (current?.customer && current.customer !== customer) {
          op.delete(billingKeys.customer(current.customer));
        }
      }
      if (!(await op.commit()).ok) continue;
      return apply
        ? { kind: "applied", sub, plan: change.plan }
        : { kind: "stale", sub };
    }
  }

  /**
   * Deletes the plan of `sub`, and replaces its customer's row by one
   * without the user id (see {@linkcode CustomerRow}). Applied events' ids
   * stay until they expire: they carry no user id, and they keep a replayed
   * event from bringing the plan back.
   */
  async erase(sub: string): Promise<void> {
    for (;;) {
      const entry = await this.#kv.get<PlanRecord>(billingKeys.plan(sub));
      if (entry.versionstamp === null) return;
      const op = this.#kv.atomic().check(entry).delete(entry.key);
      const customer = entry.value?.customer;
      if (customer) {
        op.set(
          billingKeys.customer(customer),
          {
            erased: this.#now(),
          } satisfies CustomerRow,
        );
      }
      if ((await op.commit()).ok) return;
    }
  }
}
