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
