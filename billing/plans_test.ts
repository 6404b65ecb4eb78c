import assert from "node:assert/strict";
import {
  type Change,
  changeOf,
  type EventLike,
  type PlanRecord,
  supersedes,
} from "./plans.ts";

const event = (type: string, object: unknown, created = 100): EventLike => ({
  id: "evt_1",
  type,
  created,
  data: { object },
});

Deno.test("changeOf() reads each handled event into a plan change, and ignores what it does not act on", () => {
  const subscription = (status: string) => ({
    id: "sub_1",
    customer: "cus_1",
    status,
    metadata: { user: "dev:alice" },
  });
  const table: [EventLike, string | null][] = [
    [event("customer.subscription.updated", subscription("active")), "pro"],
    [event("customer.subscription.updated", subscription("trialing")), "pro"],
    [event("customer.subscription.updated", subscription("past_due")), "pro"],
    [event("customer.subscription.updated", subscription("unpaid")), "free"],
    [
      event("customer.subscription.updated", subscription("incomplete")),
      "free",
    ],
    [event("customer.subscription.updated", subscription("paused")), "free"],
    [event("customer.subscription.deleted", subscription("active")), "free"],
    [
      event("checkout.session.completed", {
        client_reference_id: "dev:alice",
        payment_status: "paid",
        customer: { id: "cus_1" },
        subscription: "sub_1",
      }),
      "pro",
    ],
    // Async payment methods: the money has not arrived yet.
    [
      event("checkout.session.completed", {
        client_reference_id: "dev:alice",
        payment_status: "unpaid",
      }),
      null,
    ],
    [event("checkout.session.completed", { payment_status: "paid" }), null],
    [
      event("invoice.payment_failed", {
        customer: "cus_1",
        next_payment_attempt: 1_900_000_000,
        parent: { subscription_details: { subscription: "sub_1" } },
      }),
      null,
    ],
    [
      event("invoice.payment_failed", {
        customer: "cus_1",
        next_payment_attempt: null,
        parent: { subscription_details: { subscription: "sub_1" } },
      }),
      "free",
    ],
    [event("invoice.paid", { id: "in_1" }), null],
  ];
  for (const [e, plan] of table) {
    const reading = changeOf(e);
    const got = reading.kind === "change" ? reading.change.plan : null;
    assert.equal(got, plan, `${e.type} ${JSON.stringify(e.data.object)}`);
  }
  const deleted = changeOf(
    event("customer.subscription.deleted", subscription("active")),
  );
  assert.ok(deleted.kind === "change" && deleted.change.ended);
  assert.equal(
    changeOf(event("customer.subscription.updated", "x")).kind,
    "malformed",
  );
  assert.equal(
    changeOf(event("customer.subscription.updated", { status: "active" })).kind,
    "malformed",
  );
});

Deno.test("supersedes(): newer wins, ended subscriptions stay ended, another subscription only grants, and a running one is not taken back to incomplete within a second", () => {
  const record = (over: Partial<PlanRecord> = {}): PlanRecord => ({
    plan: "pro",
    customer: "cus_1",
    subscription: "sub_1",
    status: "active",
    ended: false,
    event_created: 100,
    updated_at: 0,
    ...over,
  });
  const change = (over: Partial<Change> = {}): Change => ({
    sub: "dev:alice",
    customer: "cus_1",
    subscription: "sub_1",
    status: "unpaid",
    plan: "free",
    ended: false,
    ...over,
  });
  assert.equal(supersedes(null, change(), 1), true);
  assert.equal(supersedes(record(), change(), 99), false);
  assert.equal(supersedes(record(), change(), 100), true);
  assert.equal(supersedes(record(), change(), 101), true);
  const ended = record({ plan: "free", status: "canceled", ended: true });
  assert.equal(
    supersedes(ended, change({ status: "active", plan: "pro" }), 500),
    false,
  );
  assert.equal(
    supersedes(ended, change({ status: "canceled", ended: true }), 500),
    true,
  );
  assert.equal(
    supersedes(record(), change({ subscription: "sub_2" }), 500),
    false,
  );
  assert.equal(
    supersedes(record(), change({ subscription: "sub_2", plan: "pro" }), 500),
    true,
  );
  assert.equal(supersedes(ended, change({ subscription: "sub_2" }), 500), true);
  assert.equal(
    supersedes(record(), change({ status: "incomplete" }), 100),
    false,
  );
  assert.equal(
    supersedes(record(), change({ status: "incomplete" }), 101),
    true,
  );
});
