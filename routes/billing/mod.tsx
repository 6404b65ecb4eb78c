/**
 * The billing doors, mounted only when Stripe is configured. Two sub-apps,
 * one per kind of caller, each with its guards and its one error renderer:
 *
 * - {@linkcode billingPages}, for people: `/billing/upgrade` and
 *   `/billing/portal` open a sealed link and redirect to Stripe (rate
 *   limited per address: each makes calls to Stripe), `/billing/success`
 *   and `/billing/cancel` are where Stripe sends them back. Every refusal is
 *   an HTML page ({@linkcode renderBillingProblem}).
 * - {@linkcode stripeWebhook}, for Stripe: `POST /billing/stripe/webhook`,
 *   JSON answers, a larger body limit (events carry whole objects), and no
 *   rate limit (Stripe sends bursts, and retries whatever is refused).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { networkOf } from "../../lib/ip.ts";
import type { Services } from "../../app/services.ts";
import type { Billing, Redirect } from "../../billing/billing.ts";
import { RATE_WINDOW_SECONDS } from "../../lib/rate_limit.ts";
import { NoticePage } from "../../views/billing.tsx";
import {
  type Problem,
  problemHeaders,
  problemOf,
  refuseOtherMethods,
  statusOf,
} from "../_common.ts";
import { type AddressOf, limitBody, rateLimit } from "../_guards.ts";
import { renderPage } from "../browser/_page.ts";
import { renderBillingProblem } from "./errors.tsx";

/** What the billing sub-apps need. */
export interface BillingOptions {
  services: Services;
  billing: Billing;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
}

/** Links a person follows to Stripe. */
const LINKS = ["/billing/upgrade", "/billing/portal"];
/** Every page; the webhook under `/billing/stripe/` has guards of its own. */
const PAGES = [...LINKS, "/billing/success", "/billing/cancel"];

/** Builds the pages sub-app; mount it with `app.route("/", …)`. */
export function billingPages(
  { services, billing, address }: BillingOptions,
): Hono {
  const { config, log, limiter } = services;
  const app = new Hono();
  app.onError((err, c) => renderBillingProblem(c, problemOf(err, c, log)));
  for (const path of PAGES) app.use(path, limitBody());
  for (const path of LINKS) {
    app.use(
      path,
      rateLimit(limiter, {
        bucket: "billing",
        limit: config.rateLimits.authorize,
        windowSeconds: RATE_WINDOW_SECONDS,
        id: (c) => networkOf(address(c)),
      }),
    );
  }

  /** Opens the link in `?t=`, then sends the person where `go` says. */
  const follow = (
    purpose: "upgrade" | "portal",
    go: (sub: string) => Promise<Redirect>,
  ) =>
  async (c: Context) => {
    const opened = await billing.open(purpose, c.req.query("t"));
    if (!opened.ok) {
      return renderBillingProblem(c, {
        kind: opened.used ? "used_link" : "bad_link",
      });
    }
    const to = await go(opened.sub);
    if (!to.ok) return renderBillingProblem(c, { kind: to.problem });
    log("info", "billing redirect", { to: purpose });
    return c.redirect(to.url, 303);
  };

  app.get(
    "/billing/upgrade",
    follow("upgrade", (sub) => billing.checkout(sub)),
  );
  app.get("/billing/portal", follow("portal", (sub) => billing.portal(sub)));
  app.get("/billing/success", (c) =>
    renderPage(
      c,
      <NoticePage
        title="Thank you"
        message="Your payment went through. Your plan becomes pro as soon as Stripe confirms it, usually within seconds."
        next="Go back to the chat and start a round: there is no daily limit any more."
      />,
    ));
  app.get("/billing/cancel", (c) =>
    renderPage(
      c,
      <NoticePage
        title="Nothing was charged"
        message="You left the payment page before paying."
        next="Go back to the chat: the free rounds start again at 00:00 UTC, and a new link to upgrade comes with the next round you start."
      />,
    ));
  refuseOtherMethods(app);
  return app;
}

/**
 * Largest webhook body: an event carries a whole Checkout Session or
 * subscription, well under this.
 */
export const WEBHOOK_MAX_BYTES = 512 * 1024;

/** The webhook's answers to problems: JSON `{ error, message }`. */
function renderWebhookProblem(c: Context, problem: Problem): Response {
  problemHeaders(c, problem);
  const message = problem.kind === "unavailable"
    ? "Storage is briefly unavailable; the event was not applied. Retry."
    : problem.kind === "too_large"
    ? `Event bodies are limited to ${WEBHOOK_MAX_BYTES} bytes.`
    : problem.kind;
  return c.json({ error: problem.kind, message }, statusOf(problem));
}

/** Builds the webhook sub-app; mount it with `app.route("/", …)`. */
export function stripeWebhook(
  { services, billing }: Omit<BillingOptions, "address">,
): Hono {
  const { log } = services;
  const app = new Hono();
  app.onError((err, c) => renderWebhookProblem(c, problemOf(err, c, log)));
  app.use("/billing/stripe/*", limitBody(WEBHOOK_MAX_BYTES));
  app.post("/billing/stripe/webhook", async (c) => {
    // The signature is over the exact bytes sent: read them raw.
    const raw = await c.req.text();
    const result = await billing.receive(raw, c.req.header("stripe-signature"));
    switch (result.kind) {
      case "bad_signature":
        log("warn", "stripe webhook refused", { reason: "signature" });
        return c.json({
          error: "invalid_signature",
          message:
            "The Stripe-Signature header does not match this body under the endpoint's signing secret, or its timestamp is too old.",
        }, 400);
      case "malformed":
        log("warn", "stripe webhook refused", { reason: result.reason });
        return c.json({ error: "invalid_event", message: result.reason }, 400);
      case "ignored":
        log("info", "stripe event ignored", {
          type: result.type,
          reason: result.reason,
        });
        return c.json({ received: true, result: "ignored" }, 200);
      default:
        log("info", "stripe event", { result: result.kind });
        return c.json({ received: true, result: result.kind }, 200);
    }
  });
  refuseOtherMethods(app);
  return app;
}
