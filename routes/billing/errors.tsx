/**
 * The one place the billing pages draw their problems: an HTML page with a
 * way forward, under the pages' strict CSP. The webhook, a program's door,
 * answers JSON (`renderApiProblem`).
 *
 * @module
 */
import type { Context } from "hono";
import { ErrorPage } from "../../views/layout.tsx";
import { type Problem, problemHeaders, statusOf } from "../_common.ts";
import { renderPage } from "../browser/_page.ts";

/** What happened, in words for a person. */
export type BillingProblem =
  | Problem
  /** The link is expired, forged, or its sign-in ended. */
  | { kind: "bad_link" }
  /** The link was followed once already. */
  | { kind: "used_link" }
  /** Stripe refused or could not be reached. */
  | { kind: "stripe" }
  /** A portal link for a player Stripe does not know. */
  | { kind: "no_customer" };

function wordsFor(
  problem: BillingProblem,
): { title: string; message: string; next?: string } {
  switch (problem.kind) {
    case "bad_link":
      return {
        title: "This link has expired",
        message:
          "Links to pay or to manage a subscription work for 30 minutes, for the player they were made for, while that player stays signed in. This one is expired or not valid.",
        next:
          "Go back to the chat and ask for a new link: starting a round or asking for your plan gives one.",
      };
    case "used_link":
      return {
        title: "This link was already used",
        message:
          "A link to pay or to manage a subscription opens the payment page once, so that a copy of it is no use to anyone else.",
        next:
          "Go back to the chat and ask for a new link: starting a round or asking for your plan gives one.",
      };
    case "stripe":
      return {
        title: "Payments are briefly unavailable",
        message:
          "We could not reach our payment provider, so nothing was charged.",
        next: "Wait a moment, then follow the link again.",
      };
    case "no_customer":
      return {
        title: "No subscription to manage",
        message: "There is no payment on record for this player.",
        next: "Go back to the chat: asking for your plan gives the right link.",
      };
    case "forbidden":
      return {
        title: "Not allowed from here",
        message: "This service does not accept this request from your network.",
      };
    case "too_large":
      return {
        title: "Too much data",
        message: "The request carried more data than it ever needs.",
        next: "Go back to the chat and follow the link again.",
      };
    case "too_many":
      return {
        title: "Too many attempts",
        message: "Too many payment links were opened from your network.",
        next: `Wait ${problem.retryAfter} seconds, then try again.`,
      };
    case "method_not_allowed":
      return {
        title: "Not available this way",
        message: "This address cannot be used like this.",
        next: "Go back to the chat and follow the link again.",
      };
    case "not_found":
      return {
        title: "Page not found",
        message: "There is no page at this address.",
        next: "The home page links to everything this service offers.",
      };
    case "bad_request":
      return {
        title: "Something was wrong with this request",
        message: "The request could not be read, so nothing was done.",
        next: "Go back to the chat and follow the link again.",
      };
    case "unavailable":
      return {
        title: "Briefly unavailable",
        message: "We could not complete this just now; nothing was charged.",
        next: "Wait a few seconds, then follow the link again.",
      };
    case "server_error":
      return {
        title: "Something went wrong",
        message: "Something went wrong on our side; nothing was charged.",
        next: "Go back to the chat and try again in a moment.",
      };
  }
}

/** The status of each billing problem. */
function statusFor(problem: BillingProblem) {
  switch (problem.kind) {
    case "bad_link":
    case "used_link":
      return 400 as const;
    case "no_customer":
      return 404 as const;
    case "stripe":
      return 502 as const;
    default:
      return statusOf(problem);
  }
}

/** Draws a problem of the billing pages. */
export function renderBillingProblem(
  c: Context,
  problem: BillingProblem,
): Response | Promise<Response> {
  if (
    problem.kind !== "bad_link" && problem.kind !== "used_link" &&
    problem.kind !== "stripe" && problem.kind !== "no_customer"
  ) {
    problemHeaders(c, problem);
  }
  const { title, message, next } = wordsFor(problem);
  return renderPage(
    c,
    <ErrorPage title={title} message={message} next={next} />,
    { status: statusFor(problem) },
  );
}
