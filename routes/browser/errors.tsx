/**
 * The one place the browser sub-app draws its problems: an HTML page with a
 * way forward, under the pages' strict CSP. A person never sees raw JSON,
 * whatever refused the request.
 *
 * @module
 */
import type { Context } from "hono";
import { ErrorPage } from "../../views/layout.tsx";
import { type Problem, problemHeaders, statusOf } from "../_common.ts";
import { renderPage } from "./_page.ts";

/** What a page says about each problem. */
function wordsFor(
  problem: Problem,
): { title: string; message: string; next?: string } {
  switch (problem.kind) {
    case "forbidden":
      return {
        title: "Not allowed from here",
        message: "This service does not accept this request from your network.",
      };
    case "too_large":
      return {
        title: "Too much data",
        message:
          "The request carried more data than a sign-in ever needs, so it was refused.",
        next: "Go back to ChatGPT and start signing in again.",
      };
    case "too_many":
      return {
        title: "Too many sign-in attempts",
        message:
          "Too many sign-ins were started from your network in the last minute.",
        next: `Wait ${problem.retryAfter} seconds, then try again.`,
      };
    case "method_not_allowed":
      return {
        title: "Not available this way",
        message: "This address cannot be used like this.",
        next: "Go back to the sign-in page, or to ChatGPT.",
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
        next: "Go back to ChatGPT and try again.",
      };
    case "unavailable":
      return {
        title: "Briefly unavailable",
        message: "We could not complete the sign-in just now.",
        next: "Wait a few seconds, then go back to ChatGPT and try again.",
      };
    case "server_error":
      return {
        title: "Something went wrong",
        message: "Something went wrong on our side, so this did not finish.",
        next: "Go back to ChatGPT and try again in a moment.",
      };
  }
}

/** Draws a problem of the browser sub-app (or of a person's request nowhere). */
export function renderPageProblem(
  c: Context,
  problem: Problem,
): Response | Promise<Response> {
  problemHeaders(c, problem);
  const { title, message, next } = wordsFor(problem);
  return renderPage(
    c,
    <ErrorPage title={title} message={message} next={next} />,
    { status: statusOf(problem) },
  );
}
