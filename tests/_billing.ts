/**
 * The app with billing on, its Stripe being the fake in
 * scripts/stripe_fake.ts reached through `STRIPE_API_BASE` by the real SDK.
 */
import assert from "node:assert/strict";
import type { Env } from "../config.ts";
import type { Kv } from "../lib/kv.ts";
import {
  type FakeEvent,
  startStripeFake,
  type StripeFake,
} from "../scripts/stripe_fake.ts";
import { type TestApp, testApp } from "./_app.ts";
import { api, ORIGIN } from "./_flow.ts";

export const SECRET_KEY = "sk_test_51BillingTests0001";
export const WEBHOOK_SECRET = "whsec_billingTestsSigningSecret01";
export const PRICE = "price_proMonthly";
export const ONE_TIME_PRICE = "price_proForever";
export const WEBHOOK = `${ORIGIN}/billing/stripe/webhook`;

export interface Billed {
  t: TestApp;
  fake: StripeFake;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The app (quota 3 by default) and a fake Stripe sharing its clock. */
export async function billed(
  options: { env?: Env; kv?: Kv; webhookUrl?: string } = {},
): Promise<Billed> {
  let clock: () => number = Date.now;
  const fake = startStripeFake({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    prices: { [PRICE]: "recurring", [ONE_TIME_PRICE]: "one_time" },
    webhookUrl: options.webhookUrl,
    now: () => clock(),
  });
  const t = await testApp({
    kv: options.kv,
    env: {
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_PRICE_ID: PRICE,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.origin,
      FREE_ROUNDS_PER_DAY: "3",
      GAME_RATE_LIMIT: "0",
      ...options.env,
    },
    fetch: globalThis.fetch.bind(globalThis),
  });
  clock = t.now;
  return {
    t,
    fake,
    async [Symbol.asyncDispose]() {
      await t[Symbol.asyncDispose]();
      await fake.close();
    },
  };
}

/** POSTs `event` to the webhook, signed as `sign` says (default: right). */
export async function deliver(
  b: Billed,
  event: FakeEvent | string,
  sign: { secret?: string; timestamp?: number; header?: string | null } = {},
): Promise<Response> {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const header = sign.header !== undefined
    ? sign.header
    : await b.fake.sign(body, sign.timestamp, sign.secret);
  return await b.t.app.request(WEBHOOK, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(header === null ? {} : { "stripe-signature": header }),
    },
    body,
  });
}

/** Delivers `event` and returns the JSON answer, asserting `status`. */
export async function deliverOk(
  b: Billed,
  event: FakeEvent,
  status = 200,
): Promise<{ result?: string; error?: string }> {
  const res = await deliver(b, event);
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  return body;
}

/** Starts a round in the REST API; returns the response. */
export function startRound(b: Billed, token: string): Promise<Response> {
  return api(b.t, "/api/rounds", token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ category: "colors" }),
  });
}

/** Stripe's objects as its events carry them, for `sub`. */
export const objects = {
  checkout(
    sub: string,
    ids: { customer: string; subscription: string | null },
  ): Record<string, unknown> {
    return {
      id: `cs_test_${ids.customer}`,
      object: "checkout.session",
      mode: ids.subscription ? "subscription" : "payment",
      status: "complete",
      payment_status: "paid",
      client_reference_id: sub,
      customer: ids.customer,
      subscription: ids.subscription,
      metadata: { user: sub },
    };
  },
  subscription(
    sub: string | null,
    ids: { customer: string; subscription: string },
    status: string,
  ): Record<string, unknown> {
    return {
      id: ids.subscription,
      object: "subscription",
      customer: ids.customer,
      status,
      metadata: sub === null ? {} : { user: sub },
    };
  },
};
