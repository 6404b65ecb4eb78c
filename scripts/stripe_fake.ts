/**
 * A small fake of Stripe's API, for the tests and for trying the whole
 * billing path on one machine: the official `stripe` SDK reaches it through
 * `STRIPE_API_BASE`. It implements only what the service calls (retrieve a
 * price, create a Checkout Session, create a customer-portal session), and
 * stands in for Stripe's hosted pages: its checkout page "pays" and its
 * portal page cancels, each sending the webhook event Stripe would, signed
 * with the SDK's own test signer.
 *
 * Run it with `deno task stripe-fake`; it prints the settings to start the
 * service with.
 *
 * @module
 */
import Stripe from "stripe";
import { Hono } from "hono";
import { html } from "hono/html";

/** A price the fake knows: recurring (a subscription) or one-time. */
export type PriceType = "recurring" | "one_time";

/** How to start the fake. */
export interface FakeOptions {
  secretKey: string;
  webhookSecret: string;
  prices: Record<string, PriceType>;
  /** Where its pages send events (the service's webhook URL). */
  webhookUrl?: string;
  /** The clock events are stamped and signed with (ms), default `Date.now`. */
  now?: () => number;
  hostname?: string;
  port?: number;
}

/** A Stripe event as the fake builds it. */
export interface FakeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: Record<string, unknown> };
}

/** A running fake. */
export interface StripeFake {
  /** Its origin: the value of `STRIPE_API_BASE`. */
  origin: string;
  /** The parameters of every Checkout Session created, in order. */
  checkouts: Record<string, string>[];
  /** The parameters of every portal session created, in order. */
  portals: Record<string, string>[];
  /** Every request the API received, as `METHOD /path`. */
  requests: string[];
  /** Builds an event of `type` about `object`, created at `created` (s). */
  event(
    type: string,
    object: Record<string, unknown>,
    created?: number,
  ): FakeEvent;
  /**
   * Signs `body` as Stripe does (`Stripe-Signature`, scheme v1) at
   * `timestamp` seconds (default: now), with `secret` (default: the fake's).
   */
  sign(body: string, timestamp?: number, secret?: string): Promise<string>;
  /** Signs and POSTs `event` to the webhook URL; returns the response. */
  send(event: FakeEvent): Promise<Response>;
  close(): Promise<void>;
}

const API_VERSION = "2026-11-17.clover";

/** Starts the fake on a loopback port (any free one by default). */
export function startStripeFake(options: FakeOptions): StripeFake {
  const now = options.now ?? Date.now;
  const seconds = () => Math.floor(now() / 1000);
  const signer = new Stripe(options.secretKey, {
    httpClient: Stripe.createFetchHttpClient(),
  });
  const crypto = Stripe.createSubtleCryptoProvider();
  let counter = 0;
  const nextId = (prefix: string) =>
    `${prefix}_fake${(++counter).toString().padStart(6, "0")}`;
  const checkouts: Record<string, string>[] = [];
  const portals: Record<string, string>[] = [];
  const requests: string[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const portalSessions = new Map<string, Record<string, unknown>>();
  /** Subscriptions by customer: the portal cancels them. */
  const subscriptions = new Map<string, Record<string, unknown>>();
  let origin = "";

  const event = (
    type: string,
    object: Record<string, unknown>,
    created = seconds(),
  ): FakeEvent => ({
    id: nextId("evt"),
    object: "event",
    api_version: API_VERSION,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  const sign = (body: string, timestamp = seconds(), secret?: string) =>
    signer.webhooks.generateTestHeaderStringAsync({
      payload: body,
      secret: secret ?? options.webhookSecret,
      timestamp,
      cryptoProvider: crypto,
    });
  const send = async (e: FakeEvent) => {
    if (!options.webhookUrl) throw new Error("no webhookUrl to send to");
    const body = JSON.stringify(e);
    return await fetch(options.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": await sign(body),
      },
      body,
    });
  };

  const stripeError = (status: 400 | 401 | 404, message: string) =>
    Response.json({
      error: { type: "invalid_request_error", message },
    }, { status });
  const form = async (req: Request) =>
    Object.fromEntries(new URLSearchParams(await req.text()));

  const app = new Hono();
  app.use("/v1/*", async (c, next) => {
    requests.push(`${c.req.method} ${c.req.path}`);
    if (c.req.header("authorization") !== `Bearer ${options.secretKey}`) {
      return stripeError(401, "Invalid API Key provided");
    }
    return await next();
  });
  app.get("/v1/prices/:id", (c) => {
    const id = c.req.param("id");
    const type = options.prices[id];
    if (!type) return stripeError(404, `No such price: '${id}'`);
    return c.json({
      id,
      object: "price",
      active: true,
      currency: "eur",
      type,
      unit_amount: 500,
      recurring: type === "recurring"
        ? { interval: "month", interval_count: 1, usage_type: "licensed" }
        : null,
    });
  });
  app.post("/v1/checkout/sessions", async (c) => {
    const params = await form(c.req.raw);
    checkouts.push(params);
    const price = params["line_items[0][price]"];
    if (!price || !options.prices[price]) {
      return stripeError(400, `No such price: '${price}'`);
    }
    const mode = params.mode;
    if (mode !== "subscription" && mode !== "payment") {
      return stripeError(400, "Invalid mode");
    }
    if ((mode === "subscription") !== (options.prices[price] === "recurring")) {
      return stripeError(400, "The price's type does not fit the mode");
    }
    const id = nextId("cs_test");
    const session = {
      id,
      object: "checkout.session",
      mode,
      status: "open",
      payment_status: "unpaid",
      client_reference_id: params.client_reference_id ?? null,
      customer: params.customer ?? null,
      subscription: null,
      metadata: { user: params["metadata[user]"] },
      subscription_metadata: params["subscription_data[metadata][user]"],
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      url: `${origin}/checkout/${id}`,
    };
    sessions.set(id, session);
    return c.json(session);
  });
  app.post("/v1/billing_portal/sessions", async (c) => {
    const params = await form(c.req.raw);
    portals.push(params);
    if (!params.customer) return stripeError(400, "Missing customer");
    const id = nextId("bps");
    const session = {
      id,
      object: "billing_portal.session",
      customer: params.customer,
      return_url: params.return_url ?? null,
      url: `${origin}/portal/${id}`,
    };
    portalSessions.set(id, session);
    return c.json(session);
  });

  // Stripe's hosted pages, as far as a trial needs them.
  const page = (title: string, body: unknown) =>
    html`
      <!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>${title} · Stripe (fake)</title>
        </head>
        <body><h1>${title}</h1>${body}</body>
      </html>
    `;
  app.get("/checkout/:id", (c) => {
    const session = sessions.get(c.req.param("id"));
    if (!session) return c.text("No such checkout session", 404);
    return c.html(page(
      "Pay (fake)",
      html`
        <p>A ${session.mode} for ${session.client_reference_id}.</p>
        <form method="post"
          action="/checkout/${session.id}/pay"><button>Pay</button></form>
        <p><a href="${session.cancel_url}">Back without paying</a></p>
      `,
    ));
  });
  app.post("/checkout/:id/pay", async (c) => {
    const session = sessions.get(c.req.param("id"));
    if (!session || session.status !== "open") {
      return c.text("No open checkout session", 404);
    }
    const customer = (session.customer as string | null) ?? nextId("cus");
    let subscription: string | null = null;
    if (session.mode === "subscription") {
      subscription = nextId("sub");
      subscriptions.set(customer, {
        id: subscription,
        object: "subscription",
        customer,
        status: "active",
        created: seconds(),
        metadata: { user: session.subscription_metadata },
      });
    }
    Object.assign(session, {
      status: "complete",
      payment_status: "paid",
      customer,
      subscription,
    });
    const res = await send(event("checkout.session.completed", session));
    await res.body?.cancel();
    return c.redirect(String(session.success_url), 303);
  });
  app.get("/portal/:id", (c) => {
    const session = portalSessions.get(c.req.param("id"));
    if (!session) return c.text("No such portal session", 404);
    const running = subscriptions.get(String(session.customer));
    return c.html(page(
      "Your subscription (fake)",
      html`
        <p>${running
          ? `Subscription ${running.id}: ${running.status}`
          : "None"}</p>
        <form method="post"
          action="/portal/${session
            .id}/cancel"><button>Cancel subscription</button></form>
        <p><a href="${session.return_url}">Back</a></p>
      `,
    ));
  });
  app.post("/portal/:id/cancel", async (c) => {
    const session = portalSessions.get(c.req.param("id"));
    if (!session) return c.text("No such portal session", 404);
    const running = subscriptions.get(String(session.customer));
    if (running && running.status !== "canceled") {
      running.status = "canceled";
      const res = await send(
        event("customer.subscription.deleted", { ...running }),
      );
      await res.body?.cancel();
    }
    return c.redirect(String(session.return_url), 303);
  });

  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen() {},
  }, app.fetch);
  origin = `http://${options.hostname ?? "127.0.0.1"}:${server.addr.port}`;
  return {
    origin,
    checkouts,
    portals,
    requests,
    event,
    sign,
    send,
    close: () => server.shutdown(),
  };
}

if (import.meta.main) {
  const port = Number(Deno.env.get("STRIPE_FAKE_PORT") ?? 12111);
  const service = Deno.env.get("PUBLIC_URL") ?? "http://localhost:8000";
  const settings = {
    STRIPE_SECRET_KEY: "sk_test_fakeLocalTrial0001",
    STRIPE_PRICE_ID: "price_fakePro",
    STRIPE_WEBHOOK_SECRET: "whsec_fakeLocalTrial0001",
  };
  const fake = startStripeFake({
    secretKey: settings.STRIPE_SECRET_KEY,
    webhookSecret: settings.STRIPE_WEBHOOK_SECRET,
    prices: { [settings.STRIPE_PRICE_ID]: "recurring" },
    webhookUrl: `${service}/billing/stripe/webhook`,
    port,
  });
  const lines = Object.entries({
    ...settings,
    STRIPE_API_BASE: fake.origin,
  }).map(([k, v]) => `${k}=${v}`);
  // deno-lint-ignore no-console
  console.log(
    `A fake of Stripe's API listens at ${fake.origin}; its checkout page pays and its portal page cancels, sending signed events to ${service}/billing/stripe/webhook.

Start the service with these settings (e.g. in another terminal):

  ${lines.join(" \\\n  ")} \\
  FREE_ROUNDS_PER_DAY=2 deno task dev
`,
  );
}
