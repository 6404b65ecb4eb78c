/**
 * What the service tells an OpenTelemetry collector, beyond what Deno's
 * built-in instrumentation already sends (a span per `Deno.serve` request,
 * a span per outgoing `fetch`, HTTP metrics). Deno wires the
 * `@opentelemetry/api` globals to its own exporter when `OTEL_DENO=true`;
 * otherwise every call here is the API's no-op, costing next to nothing.
 *
 * Attribute values come from fixed sets written here or in the code that
 * counts (a protocol, an RFC error code, a provider id, a rate-limit
 * bucket, a matched route pattern): never a token, code, secret, user id,
 * email, client id or raw path.
 *
 * The API itself (some fifty modules) is imported only when Deno has
 * registered its providers, which it does before any module runs when
 * telemetry is on: with it off, every call would be the API's no-op, and a
 * start would load the API for nothing.
 *
 * @module
 */
import type { Counter, MetricOptions } from "@opentelemetry/api";

/** Where the API finds its global providers (its major version is 1). */
const API_GLOBAL = Symbol.for("opentelemetry.js.api.1");
const api = API_GLOBAL in globalThis
  ? await import("@opentelemetry/api")
  : null;
/**
 * Whether telemetry is on: with it off, a request has no span to name, and
 * {@linkcode annotateRequestSpan} need not be called at all.
 */
export const telemetryOn: boolean = api !== null;
const meter = api?.metrics.getMeter("words-with-chat");
/** What the API's no-op meter gives: a counter that counts nothing. */
const NOT_COUNTED: Counter = { add() {} };
const counter = (name: string, options: MetricOptions): Counter =>
  meter?.createCounter(name, options) ?? NOT_COUNTED;

/** The service's counters, named `wwc.*`. */
export const counters = {
  /** People signed in at a provider (attribute: `provider`). */
  signIns: counter("wwc.sign_ins", {
    description: "Upstream sign-ins completed",
  }),
  /** Authorization codes exchanged for tokens. */
  codeExchanges: counter("wwc.code_exchanges", {
    description: "Authorization codes exchanged for tokens",
  }),
  /** Refresh grants answered with new tokens. */
  refreshes: counter("wwc.refreshes", {
    description: "Refresh grants that issued tokens",
  }),
  /** Requests refused (attributes: `protocol`, `reason`). */
  refusals: counter("wwc.refusals", {
    description: "Requests refused, by protocol and reason",
  }),
  /** Requests over a rate limit (attribute: `bucket`). */
  rateLimitHits: counter("wwc.rate_limit_hits", {
    description: "Requests refused by a rate limit",
  }),
  /** Checks of a stored sign-in at its provider (attributes: `provider`, `result`). */
  upstreamChecks: counter("wwc.upstream_checks", {
    description: "Checks of a stored upstream sign-in at its provider",
  }),
};

/** The protocols whose refusals are counted. */
export type Protocol = "oauth" | "api" | "mcp" | "page";

/** Counts one refused request; `reason` from a fixed set (an error code). */
export function countRefusal(protocol: Protocol, reason: string): void {
  counters.refusals.add(1, { protocol, reason });
}

/**
 * Names the request's span (Deno's, for this `Deno.serve` request) by its
 * route pattern and adds `http.route`, per the HTTP semantic conventions;
 * Deno's HTTP metrics copy `http.route` from the span. Deno already records
 * the status (`http.response.status_code`): set again, it would be a second
 * attribute of the same name, since Deno's spans keep every value set.
 * For the same reason `url.full`, `url.path` and `url.query`, which Deno
 * records as the request arrived, cannot be rewritten here (see the README).
 */
export function annotateRequestSpan(
  method: string,
  routeOf: () => string,
): void {
  const span = api?.trace.getActiveSpan();
  // No span (telemetry off): nothing to name, and the route is not looked up.
  if (!span) return;
  const route = routeOf();
  span.setAttribute("http.route", route);
  span.updateName(`${method} ${route}`);
}
