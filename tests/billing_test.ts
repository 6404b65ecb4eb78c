/**
 * Stripe through its official SDK, against the fake of its API
 * (scripts/stripe_fake.ts) reached through STRIPE_API_BASE: the sealed
 * links to pay and to manage, the Checkout Session they create, and the
 * webhook's events signed right and wrong, replayed, out of order and
 * concurrent; erasure; /privacy.
 */
import assert from "node:assert/strict";
import { billingKeys, type PlanRecord } from "../billing/plans.ts";
import { Tokens } from "../auth/tokens.ts";
import { privacyFigures, storedItems } from "../views/privacy.ts";
import {
  kvRows,
  kvText,
  lastingRowsMentioning,
  rowsMentioning,
  testApp,
  tombstoneOf,
} from "./_app.ts";
import { api, ORIGIN, tokensFor } from "./_flow.ts";
import { keyring } from "./_keys.ts";
import { faultyKv } from "./_faulty_kv.ts";
import {
  type Billed,
  billed,
  deliver,
  deliverOk,
  objects,
  ONE_TIME_PRICE,
  PRICE,
  startRound,
} from "./_billing.ts";

const html = { accept: "text/html" };
const IDS = { customer: "cus_Alice1", subscription: "sub_Alice1" };

async function upgradeUrl(b: Billed, token: string): Promise<string> {
  const plan = await (await api(b.t, "/api/plan", token)).json();
  assert.ok(plan.upgrade_url, JSON.stringify(plan));
  return plan.upgrade_url;
}

const planOf = async (b: Billed, sub = "dev:alice") =>
  (await b.t.kv.get<PlanRecord>(billingKeys.plan(sub))).value;

/** Makes alice pro through a signed checkout.session.completed. */
async function subscribe(b: Billed, created?: number) {
  return await deliverOk(
    b,
    b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:alice", IDS),
      created,
    ),
  );
}

Deno.test("billing: the upgrade link creates a Checkout Session for the price, as a subscription for the player, and redirects to it", async () => {
  await using b = await billed();
  const { access_token } = await tokensFor(b.t);
  const res = await b.t.app.request(await upgradeUrl(b, access_token), {
    headers: html,
  });
  assert.equal(res.status, 303);
  const location = res.headers.get("location")!;
  assert.ok(location.startsWith(`${b.fake.origin}/checkout/cs_test_`));
  assert.deepEqual(b.fake.requests, [
    `GET /v1/prices/${PRICE}`,
    "POST /v1/checkout/sessions",
  ]);
  const params = b.fake.checkouts[0]!;
  assert.equal(params.mode, "subscription");
  assert.equal(params["line_items[0][price]"], PRICE);
  assert.equal(params["line_items[0][quantity]"], "1");
  assert.equal(params.client_reference_id, "dev:alice");
  assert.equal(params["subscription_data[metadata][user]"], "dev:alice");
  assert.equal(params.success_url, `${ORIGIN}/billing/success`);
  assert.equal(params.cancel_url, `${ORIGIN}/billing/cancel`);
  assert.equal(params.customer, undefined, "no customer yet");

  for (const path of ["/billing/success", "/billing/cancel"]) {
    const page = await b.t.app.request(`${ORIGIN}${path}`, { headers: html });
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.match(
      page.headers.get("content-security-policy")!,
      /default-src 'none'/,
    );
    await page.body?.cancel();
  }
});

Deno.test("billing: a one-time price is sold in payment mode, and the one-time payment makes the player pro", async () => {
  await using b = await billed({ env: { STRIPE_PRICE_ID: ONE_TIME_PRICE } });
  const { access_token } = await tokensFor(b.t);
  const res = await b.t.app.request(await upgradeUrl(b, access_token));
  assert.equal(res.status, 303);
  const params = b.fake.checkouts[0]!;
  assert.equal(params.mode, "payment");
  assert.equal(params["line_items[0][price]"], ONE_TIME_PRICE);
  assert.equal(params["subscription_data[metadata][user]"], undefined);
  await deliverOk(
    b,
    b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:alice", {
        customer: "cus_Once",
        subscription: null,
      }),
    ),
  );
  assert.equal((await planOf(b))?.plan, "pro");
  assert.equal((await planOf(b))?.status, "paid");
});

Deno.test("billing: an expired, forged or signed-out upgrade link gets a page saying so, and reaches no Stripe", async () => {
  await using b = await billed();
  const tokens = await tokensFor(b.t);
  const url = await upgradeUrl(b, tokens.access_token);
  const round = await (await startRound(b, tokens.access_token)).json();
  const forged = [
    `${ORIGIN}/billing/upgrade`,
    `${ORIGIN}/billing/upgrade?t=wwc_upgrade.AAAA`,
    // A real token of another purpose.
    `${ORIGIN}/billing/upgrade?t=${round.round}`,
    // The portal link is not an upgrade link, nor the other way round.
    url.replace("/upgrade?", "/portal?"),
  ];
  for (const link of forged) {
    const res = await b.t.app.request(link, { headers: html });
    assert.equal(res.status, 400, link);
    assert.match(await res.text(), /This link has expired/);
  }
  b.t.advance(31 * 60);
  const expired = await b.t.app.request(url, { headers: html });
  assert.equal(expired.status, 400);
  assert.match(await expired.text(), /This link has expired/);
  assert.deepEqual(b.fake.requests, []);

  // Signing out everywhere ends the links given before.
  await using b2 = await billed();
  const { access_token } = await tokensFor(b2.t);
  const link = await upgradeUrl(b2, access_token);
  b2.t.advance(1);
  await api(b2.t, "/api/me/signout", access_token, { method: "POST" });
  const after = await b2.t.app.request(link, { headers: html });
  assert.equal(after.status, 400);
  await after.body?.cancel();
  assert.deepEqual(b2.fake.requests, []);
});

Deno.test("billing: Stripe refusing the checkout is a 502 page, not a 500", async () => {
  await using b = await billed({ env: { STRIPE_PRICE_ID: "price_deleted" } });
  const { access_token } = await tokensFor(b.t);
  const res = await b.t.app.request(await upgradeUrl(b, access_token), {
    headers: html,
  });
  assert.equal(res.status, 502);
  assert.match(await res.text(), /Payments are briefly unavailable/);
  const logged = b.t.logs.find((l) => l.msg === "stripe request failed");
  assert.ok(logged);
  assert.ok(!JSON.stringify(logged).includes("sk_test"), "no key logged");
});

Deno.test("billing: a signed checkout.session.completed makes the player pro; the pro player's portal link opens Stripe's customer portal for their customer", async () => {
  await using b = await billed();
  const { access_token } = await tokensFor(b.t);
  assert.equal((await subscribe(b)).result, "applied");
  const plan = await planOf(b);
  assert.equal(plan?.plan, "pro");
  assert.equal(plan?.customer, IDS.customer);
  assert.equal(plan?.subscription, IDS.subscription);
  assert.equal(
    (await b.t.kv.get(billingKeys.customer(IDS.customer))).value,
    "dev:alice",
  );
  const me = await (await api(b.t, "/api/plan", access_token)).json();
  const res = await b.t.app.request(me.portal_url, { headers: html });
  assert.equal(res.status, 303);
  assert.ok(
    res.headers.get("location")!.startsWith(`${b.fake.origin}/portal/bps_`),
  );
  assert.equal(b.fake.portals[0]!.customer, IDS.customer);
  assert.equal(b.fake.portals[0]!.return_url, `${ORIGIN}/`);
  // A checkout for a known player reuses their customer.
  const tokens = new Tokens(keyring, b.t.now);
  const opened = await tokens.open("access", access_token);
  assert.ok(opened.ok);
  const { token } = await tokens.seal("upgrade", {
    sub: "dev:alice",
    fid: opened.claims.fid,
  });
  const again = await b.t.app.request(`${ORIGIN}/billing/upgrade?t=${token}`);
  assert.equal(again.status, 303);
  assert.equal(b.fake.checkouts[0]!.customer, IDS.customer);
});

Deno.test("billing: a wrong signature, a tampered body, an old timestamp or no signature is 400 and changes nothing", async () => {
  await using b = await billed();
  const event = b.fake.event(
    "checkout.session.completed",
    objects.checkout("dev:alice", IDS),
  );
  const body = JSON.stringify(event);
  const cases: [string, Parameters<typeof deliver>[2], string?][] = [
    ["another secret", { secret: "whsec_someoneElsesSecret0001" }],
    ["no header", { header: null }],
    ["garbage header", { header: "t=1,v1=abc" }],
    ["six minutes old", { timestamp: Math.floor(b.t.now() / 1000) - 360 }],
    [
      "tampered body",
      { header: await b.fake.sign(body) },
      body.replace("dev:alice", "dev:mallory"),
    ],
  ];
  for (const [name, sign, tampered] of cases) {
    const res = await deliver(b, tampered ?? event, sign);
    assert.equal(res.status, 400, name);
    assert.equal((await res.json()).error, "invalid_signature", name);
  }
  assert.equal(await planOf(b), null);
  assert.equal(await planOf(b, "dev:mallory"), null);
  // The same event, signed right, still applies: nothing was recorded.
  assert.equal((await deliverOk(b, event)).result, "applied");
});

Deno.test("billing: a signed body that is not an event is 400; an unknown event type is 200 and ignored", async () => {
  await using b = await billed();
  const notJson = await deliver(b, "{not json");
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error, "invalid_event");
  const notEvent = await deliver(b, JSON.stringify({ hello: "world" }));
  assert.equal(notEvent.status, 400);
  await notEvent.body?.cancel();
  const bad = await deliver(
    b,
    b.fake.event("customer.subscription.updated", { object: "subscription" }),
  );
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
  const unknown = await deliverOk(
    b,
    b.fake.event("customer.created", { id: "cus_X", object: "customer" }),
  );
  assert.equal(unknown.result, "ignored");
  assert.deepEqual((await kvRows(b.t.kv)).filter(([k]) => k[0] === "plan"), []);
});

Deno.test("billing: a replayed event is applied once, even delivered many times at once, on every trial", async () => {
  await using b = await billed();
  for (let trial = 0; trial < 10; trial++) {
    const sub = `dev:p${trial}`;
    const ids = { customer: `cus_P${trial}`, subscription: `sub_P${trial}` };
    const started = b.fake.event(
      "checkout.session.completed",
      objects.checkout(sub, ids),
    );
    const results = await Promise.all(
      Array.from({ length: 6 }, () => deliverOk(b, started)),
    );
    assert.deepEqual(
      results.map((r) => r.result).sort(),
      [
        "applied",
        "duplicate",
        "duplicate",
        "duplicate",
        "duplicate",
        "duplicate",
      ],
      `trial ${trial}`,
    );
    // A later cancellation, then the checkout replayed: still free.
    b.t.advance(1);
    await deliverOk(
      b,
      b.fake.event(
        "customer.subscription.deleted",
        objects.subscription(sub, ids, "canceled"),
      ),
    );
    assert.equal((await deliverOk(b, started)).result, "duplicate");
    assert.equal((await planOf(b, sub))?.plan, "free", `trial ${trial}`);
  }
});

Deno.test("billing: a fresh app's first webhook deliveries, at once, are each verified and applied (the SDK loads on first use), on every trial", async () => {
  for (let trial = 0; trial < 5; trial++) {
    await using b = await billed();
    const players = [0, 1, 2].map((i) => ({
      sub: `dev:first${i}`,
      ids: { customer: `cus_First${i}`, subscription: `sub_First${i}` },
    }));
    const forged = b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:mallory", IDS),
    );
    const [bad, ...good] = await Promise.all([
      deliver(b, forged, { secret: "whsec_someoneElsesSecret0001" }),
      ...players.map(({ sub, ids }) =>
        deliverOk(
          b,
          b.fake.event(
            "checkout.session.completed",
            objects.checkout(sub, ids),
          ),
        )
      ),
    ]);
    assert.equal(bad!.status, 400, `trial ${trial}`);
    assert.equal((await bad!.json()).error, "invalid_signature");
    assert.deepEqual(good.map((r) => r.result), [
      "applied",
      "applied",
      "applied",
    ], `trial ${trial}`);
    for (const { sub } of players) {
      assert.equal((await planOf(b, sub))?.plan, "pro", `trial ${trial}`);
    }
    assert.equal(await planOf(b, "dev:mallory"), null);
  }
});

Deno.test("billing: events out of order: an older event never undoes a newer one, and an ended subscription never comes back", async () => {
  await using b = await billed();
  const t0 = Math.floor(b.t.now() / 1000);
  const update = (status: string, created: number, who: string | null = null) =>
    b.fake.event(
      "customer.subscription.updated",
      objects.subscription(who, IDS, status),
      created,
    );
  // The subscription's own event arrives before the checkout's: its
  // metadata names the player.
  assert.equal(
    (await deliverOk(b, update("active", t0 + 10, "dev:alice"))).result,
    "applied",
  );
  assert.equal((await subscribe(b, t0 + 5)).result, "stale");
  assert.equal((await planOf(b))?.plan, "pro");
  // past_due, then a late "active" from before it: still past_due (pro).
  await deliverOk(b, update("past_due", t0 + 30));
  assert.equal((await deliverOk(b, update("active", t0 + 20))).result, "stale");
  assert.equal((await planOf(b))?.status, "past_due");
  assert.equal((await planOf(b))?.plan, "pro");
  // Deleted; then an "active" stamped later (clock skew) cannot revive it.
  await deliverOk(
    b,
    b.fake.event(
      "customer.subscription.deleted",
      objects.subscription(null, IDS, "canceled"),
      t0 + 40,
    ),
  );
  assert.equal((await planOf(b))?.plan, "free");
  assert.equal((await deliverOk(b, update("active", t0 + 50))).result, "stale");
  assert.equal((await planOf(b))?.plan, "free");
  // A new subscription makes the player pro again; a late event about the
  // old one does not take it away.
  const next = { customer: IDS.customer, subscription: "sub_Alice2" };
  await deliverOk(
    b,
    b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:alice", next),
      t0 + 60,
    ),
  );
  assert.equal((await deliverOk(b, update("unpaid", t0 + 70))).result, "stale");
  assert.equal((await planOf(b))?.plan, "pro");
  assert.equal((await planOf(b))?.subscription, "sub_Alice2");
});

Deno.test("billing: plan up and down: unpaid lapses it, a last failed payment lapses it, earlier failed payments do not", async () => {
  await using b = await billed();
  const { access_token } = await tokensFor(b.t);
  await subscribe(b);
  const invoice = (next: number | null) =>
    b.fake.event("invoice.payment_failed", {
      id: "in_1",
      object: "invoice",
      customer: IDS.customer,
      next_payment_attempt: next,
      parent: {
        type: "subscription_details",
        subscription_details: {
          subscription: IDS.subscription,
          metadata: { user: "dev:alice" },
        },
      },
    });
  b.t.advance(1);
  assert.equal(
    (await deliverOk(b, invoice(Math.floor(b.t.now() / 1000) + 86400)))
      .result,
    "ignored",
  );
  assert.equal((await planOf(b))?.plan, "pro");
  b.t.advance(1);
  assert.equal((await deliverOk(b, invoice(null))).result, "applied");
  assert.equal((await planOf(b))?.plan, "free");
  const plan = await (await api(b.t, "/api/plan", access_token)).json();
  assert.equal(plan.plan, "free");
  // Paid after all: Stripe says active again.
  b.t.advance(1);
  await deliverOk(
    b,
    b.fake.event(
      "customer.subscription.updated",
      objects.subscription(null, IDS, "active"),
    ),
  );
  assert.equal((await planOf(b))?.plan, "pro");
  b.t.advance(1);
  await deliverOk(
    b,
    b.fake.event(
      "customer.subscription.updated",
      objects.subscription(null, IDS, "unpaid"),
    ),
  );
  assert.equal((await planOf(b))?.plan, "free");
});

Deno.test("billing: an event for a customer we do not know is 200 and changes nothing", async () => {
  await using b = await billed();
  const res = await deliverOk(
    b,
    b.fake.event(
      "customer.subscription.updated",
      objects.subscription(null, {
        customer: "cus_Nobody",
        subscription: "sub_N",
      }, "active"),
    ),
  );
  assert.equal(res.result, "unknown_customer");
  assert.deepEqual((await kvRows(b.t.kv)).filter(([k]) => k[0] === "plan"), []);
});

Deno.test("billing: KV failing while an event is applied is 503 (Stripe retries), and the retry applies it", async () => {
  const f = await faultyKv();
  try {
    await using b = await billed({ kv: f.kv });
    const event = b.fake.event(
      "checkout.session.completed",
      objects.checkout("dev:alice", IDS),
    );
    f.failing.add("commit");
    const res = await deliver(b, event);
    assert.equal(res.status, 503);
    assert.ok(res.headers.get("retry-after"));
    assert.match(res.headers.get("content-type")!, /json/);
    await res.body?.cancel();
    f.failing.clear();
    assert.equal((await deliverOk(b, event)).result, "applied");
  } finally {
    f.close();
  }
});

Deno.test("billing: DELETE /api/me erases the plan and the user id from the customer's row; neither a replayed event nor a later one about that customer brings them back", async () => {
  await using b = await billed();
  const { access_token } = await tokensFor(b.t);
  await startRound(b, access_token).then((r) => r.body?.cancel());
  const started = b.fake.event(
    "checkout.session.completed",
    objects.checkout("dev:alice", IDS),
  );
  await deliverOk(b, started);
  assert.ok((await rowsMentioning(b.t.kv, "dev:alice")).length > 2);
  const res = await api(b.t, "/api/me", access_token, { method: "DELETE" });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  assert.deepEqual(
    await lastingRowsMentioning(b.t.kv, "dev:alice"),
    tombstoneOf("dev:alice"),
  );
  // The customer's row stays, without the user id.
  assert.deepEqual(await rowsMentioning(b.t.kv, IDS.customer), [
    billingKeys.customer(IDS.customer),
  ]);
  assert.equal((await deliverOk(b, started)).result, "duplicate");
  // A subscription left running keeps sending events, its metadata naming
  // the player: they are ignored, and bring nothing back.
  b.t.advance(30 * 86400);
  const renewed = await deliverOk(
    b,
    b.fake.event(
      "customer.subscription.updated",
      objects.subscription("dev:alice", IDS, "active"),
    ),
  );
  assert.equal(renewed.result, "erased_customer");
  assert.deepEqual(
    await lastingRowsMentioning(b.t.kv, "dev:alice"),
    tombstoneOf("dev:alice"),
  );
});

Deno.test("billing: /privacy describes every kind of row a paying player's session writes, and says what stays with Stripe", async () => {
  await using b = await billed();
  const { access_token } = await tokensFor(b.t);
  await startRound(b, access_token).then((r) => r.body?.cancel());
  await subscribe(b);
  const written = new Set((await kvRows(b.t.kv)).map(([k]) => String(k[0])));
  for (
    const kind of ["plan", "stripe_customer", "stripe_event", "started_today"]
  ) {
    assert.ok(written.has(kind), kind);
  }
  const items = storedItems(false, privacyFigures(b.t.config, 5000));
  const described = new Set(items.flatMap((i) => i.keys));
  assert.deepEqual([...written].filter((k) => !described.has(k)), []);
  const text = (await (await b.t.app.request(`${ORIGIN}/privacy`)).text())
    .replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/\s+/g, " ");
  assert.match(text, /Stripe keeps/);
  assert.match(text, /at most 3 rounds a day/);
});

Deno.test("billing: the whole path through the fake's pages: over the quota, pay on the checkout page, play on, cancel in the portal, back to the quota", async () => {
  let serve: (req: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => serve(req),
  );
  try {
    await using b = await billed({
      env: { FREE_ROUNDS_PER_DAY: "1" },
      webhookUrl: `http://127.0.0.1:${server.addr.port}/billing/stripe/webhook`,
    });
    serve = (req) => b.t.app.fetch(req);
    const { access_token } = await tokensFor(b.t);
    await startRound(b, access_token).then((r) => r.body?.cancel());
    const refused = await (await startRound(b, access_token)).json();
    const toCheckout = await b.t.app.request(refused.upgrade_url);
    assert.equal(toCheckout.status, 303);
    const checkout = toCheckout.headers.get("location")!;
    const page = await fetch(checkout);
    assert.match(await page.text(), /<button>Pay<\/button>/);
    const paid = await fetch(`${checkout}/pay`, {
      method: "POST",
      redirect: "manual",
    });
    await paid.body?.cancel();
    assert.equal(paid.headers.get("location"), `${ORIGIN}/billing/success`);
    assert.equal((await planOf(b))?.plan, "pro");
    assert.equal((await startRound(b, access_token)).status, 201);

    const plan = await (await api(b.t, "/api/plan", access_token)).json();
    const toPortal = await b.t.app.request(plan.portal_url);
    const portal = toPortal.headers.get("location")!;
    assert.match(await (await fetch(portal)).text(), /: active/);
    const cancelled = await fetch(`${portal}/cancel`, {
      method: "POST",
      redirect: "manual",
    });
    await cancelled.body?.cancel();
    assert.equal(cancelled.headers.get("location"), `${ORIGIN}/`);
    assert.equal((await planOf(b))?.plan, "free");
    const again = await startRound(b, access_token);
    assert.equal(again.status, 402);
    await again.body?.cancel();
  } finally {
    await server.shutdown();
  }
});

Deno.test("billing: the setup guide lists the Stripe settings, the webhook URL to register and the events to send, with billing on or off", async () => {
  await using b = await billed();
  const on = await (await b.t.app.request(`${ORIGIN}/`)).text();
  assert.ok(
    on.includes(
      `<code data-field="stripe-webhook">${ORIGIN}/billing/stripe/webhook</code>`,
    ),
  );
  for (
    const event of [
      "checkout.session.completed",
      "customer.subscription.updated",
      "customer.subscription.deleted",
      "invoice.payment_failed",
    ]
  ) {
    assert.ok(on.includes(`<code>${event}</code>`), event);
  }
  assert.match(on, /start 3 rounds a day/);
  await using t = await testApp();
  const off = await (await t.app.request(`${ORIGIN}/`)).text();
  assert.match(off, /Billing is off/);
  assert.match(
    off,
    /STRIPE_SECRET_KEY, STRIPE_PRICE_ID and STRIPE_WEBHOOK_SECRET/,
  );
});

Deno.test("billing: the webhook's refusals are JSON: another method 405, a body over its limit 413", async () => {
  await using b = await billed();
  const get = await b.t.app.request(`${ORIGIN}/billing/stripe/webhook`);
  assert.equal(get.status, 405);
  assert.match(get.headers.get("content-type")!, /json/);
  await get.body?.cancel();
  const big = await deliver(b, JSON.stringify({ pad: "x".repeat(600_000) }));
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error, "too_large");
  // A person's page refusal is a page.
  const post = await b.t.app.request(`${ORIGIN}/billing/upgrade`, {
    method: "POST",
    headers: html,
  });
  assert.equal(post.status, 405);
  assert.match(post.headers.get("content-type")!, /html/);
  await post.body?.cancel();
});

Deno.test("billing: a link opens Stripe once; followed again, it is a page saying so, and Stripe is not called", async () => {
  await using b = await billed();
  const { access_token } = await tokensFor(b.t);
  const url = await upgradeUrl(b, access_token);
  const first = await b.t.app.request(url, { headers: html });
  assert.equal(first.status, 303);
  await first.body?.cancel();
  const again = await b.t.app.request(url, { headers: html });
  assert.equal(again.status, 400);
  assert.match(await again.text(), /already used/);
  assert.equal(b.fake.checkouts.length, 1);
  const rows = await Array.fromAsync(b.t.kv.list({ prefix: ["billing_link"] }));
  assert.equal(rows.length, 1);
  assert.ok(!kvText(rows).includes("dev:alice"), "the mark names no one");
});

Deno.test("billing: the links to Stripe are rate limited per address, with a page", async () => {
  await using b = await billed({ env: { AUTHORIZE_RATE_LIMIT: "2" } });
  const { access_token } = await tokensFor(b.t);
  for (const status of [303, 303, 429]) {
    // A fresh link each time: a link opens Stripe once.
    const url = await upgradeUrl(b, access_token);
    const res = await b.t.app.request(url, { headers: html });
    assert.equal(res.status, status);
    if (status === 429) {
      assert.ok(res.headers.get("retry-after"));
      assert.match(await res.text(), /Too many attempts/);
    } else await res.body?.cancel();
  }
  assert.equal(b.fake.checkouts.length, 2);
});
