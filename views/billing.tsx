/**
 * The pages of billing: where Stripe sends a person back after paying, or
 * after leaving the payment page.
 *
 * @module
 */
import { Layout } from "./layout.tsx";

/** A short page with a title, what happened and what to do next. */
export function NoticePage(
  props: { title: string; message: string; next: string },
) {
  return (
    <Layout title={props.title}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p class="muted">{props.next}</p>
      </div>
    </Layout>
  );
}

/** What the setup guide says about billing. */
export interface BillingSetupProps {
  /** Whether the `STRIPE_*` settings are set. */
  on: boolean;
  /** `FREE_ROUNDS_PER_DAY` in force. */
  freeRoundsPerDay: number;
  /** `${PUBLIC_URL}/billing/stripe/webhook`. */
  webhookUrl: string;
  /** The event types to send it. */
  events: readonly string[];
}

/** The setup guide's billing block: the settings and the webhook to register. */
export function BillingSetup(props: BillingSetupProps) {
  return (
    <section class="card" id="billing">
      <h2>Billing (optional)</h2>
      <p>
        {props.on
          ? `Billing is on: a free player may start ${props.freeRoundsPerDay} rounds a day (FREE_ROUNDS_PER_DAY; 0 = unlimited), then gets a link to pay with Stripe.`
          : "Billing is off: play is unlimited. To charge for play, set STRIPE_SECRET_KEY, STRIPE_PRICE_ID and STRIPE_WEBHOOK_SECRET (and FREE_ROUNDS_PER_DAY, default 20)."}
      </p>
      <p>
        In the Stripe dashboard, add a webhook endpoint at{" "}
        <code data-field="stripe-webhook">{props.webhookUrl}</code>{" "}
        sending these events, and set its signing secret as
        STRIPE_WEBHOOK_SECRET:
      </p>
      <ul>
        {props.events.map((e) => (
          <li>
            <code>{e}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
