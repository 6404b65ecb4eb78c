/**
 * What every protocol's sub-app shares: the layers around every response
 * (security headers, request id and log, no caching unless a route says so),
 * the refusals its guards raise, how any error becomes a {@linkcode Problem}
 * that the sub-app's one error renderer draws in its protocol's shape, and
 * the 405 for a known path asked with another method.
 *
 * A sub-app is mounted with `app.route("/", sub)`: Hono then renders every
 * error thrown by the sub-app's guards and routes with the sub-app's own
 * `onError`, so the shape of an answer follows from the sub-app a route
 * lives in, never from its path.
 *
 * @module
 */
import type { Context, Env, ErrorHandler, Hono, MiddlewareHandler } from "hono";
import { accepts } from "hono/accepts";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { type Log, requestIds, runWithRequestId } from "../lib/log.ts";
import { RETRY_AFTER_SECONDS, StorageUnavailable } from "../lib/kv.ts";
import { annotateRequestSpan, telemetryOn } from "../lib/telemetry.ts";
import type { BrandAssets } from "../views/brand.ts";
import { routePath } from "hono/route";

/** Largest request body anywhere: OAuth forms and game moves are tiny. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Seconds a client waits before retrying after a storage outage. */

/**
 * The headers every answer carries, lowercase name first: what Hono's
 * `secureHeaders()` sets by default (with `X-Frame-Options: DENY`), HSTS
 * only over https (browsers ignore it over http, RFC 6797 §8.1).
 */
export function securityHeaderSet(
  options: { https: boolean },
): [string, string][] {
  return [
    ["cross-origin-resource-policy", "same-origin"],
    ["cross-origin-opener-policy", "same-origin"],
    ["origin-agent-cluster", "?1"],
    ...(options.https
      ? [[
        "strict-transport-security",
        "max-age=15552000; includeSubDomains",
      ] as [string, string]]
      : []),
    ["x-content-type-options", "nosniff"],
    ["x-dns-prefetch-control", "off"],
    ["x-download-options", "noopen"],
    ["x-frame-options", "DENY"],
    ["x-permitted-cross-domain-policies", "none"],
    ["x-xss-protection", "0"],
  ];
}

/**
 * What an answer gets when its route did not say otherwise. Pages set their
 * own policy (views load only our own files, never inline script or style,
 * so no page needs a nonce); everything else (JSON, JSON-RPC, redirects)
 * may load nothing at all. Answers are personal (tokens, scores, sign-in
 * pages): no cache keeps one unless its route says so.
 */
const DEFAULTS: readonly [string, string][] = [
  [
    "content-security-policy",
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  ],
  ["referrer-policy", "no-referrer"],
  ["cache-control", "no-store"],
];

/**
 * Sets the security headers, a default CSP, `Referrer-Policy` and
 * `Cache-Control: no-store` unless the route set its own, on an answer's
 * headers. The header set of each kind of answer (which of the three
 * defaults its route set itself) is built once, on the first answer of that
 * kind, not per request. Nothing here sets `X-Powered-By`, so unlike Hono's
 * `secureHeaders()` there is none to remove.
 */
export function securityHeaderSetter(
  options: { https: boolean },
): (headers: Headers) => void {
  const fixed = securityHeaderSet(options);
  /** By kind: bit i set = the route set DEFAULTS[i] itself. */
  const kinds: ([string, string][] | undefined)[] = [];
  return function setSecurityHeaders(headers) {
    const kind = (headers.has(DEFAULTS[0]![0]) ? 1 : 0) |
      (headers.has(DEFAULTS[1]![0]) ? 2 : 0) |
      (headers.has(DEFAULTS[2]![0]) ? 4 : 0);
    const set = kinds[kind] ??= [
      ...fixed,
      ...DEFAULTS.filter((_, i) => (kind & (1 << i)) === 0),
    ];
    for (let i = 0; i < set.length; i++) {
      headers.set(set[i]![0], set[i]![1]);
    }
  };
}

/** {@linkcode securityHeaderSetter} alone, as a middleware. */
export function securityHeaders(
  options: { https: boolean },
): MiddlewareHandler {
  const setHeaders = securityHeaderSetter(options);
  return async function securityHeaders(c, next) {
    await next();
    setHeaders(c.res.headers);
  };
}

/**
 * The layers around every response, in one middleware (each layer is an
 * await on every request): the security headers
 * ({@linkcode securityHeaderSetter}), an `X-Request-Id` (error answers
 * included), the id on every line logged while the request is handled (`log`
 * should come from `withRequestId`), one structured log line per request,
 * the brand pages draw with, and the name of the request's telemetry span.
 */
export function commonMiddleware(
  log: Log,
  options: {
    https: boolean;
    /** The operator's brand, for every page (views/brand.ts). */
    brand?: BrandAssets;
  },
  nextId: () => string = requestIds(),
): MiddlewareHandler {
  const setHeaders = securityHeaderSetter(options);
  const { brand } = options;
  return async function requestLayers(c, next) {
    const started = performance.now();
    const id = nextId();
    if (brand) c.set("brand", brand);
    await runWithRequestId(id, next);
    // Deno's span for this request (OTEL_DENO=true; a no-op otherwise),
    // named by the pattern of the route the path matched (the last one: the
    // endpoint, even when a guard answered first), never the raw path.
    if (telemetryOn) annotateRequestSpan(c.req.method, () => routePath(c, -1));
    const headers = c.res.headers;
    setHeaders(headers);
    headers.set("x-request-id", id);
    // routePath is the matched pattern, so no token or code in a path ends
    // up in the log; the query string is never logged.
    log("info", "request", {
      id,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}

/**
 * Everything a sub-app answers that its routes did not write themselves:
 * its guards' refusals, unknown paths and methods, and failures. Each
 * sub-app's error renderer draws every kind, in its protocol's shape.
 */
export type Problem =
  /** The address is outside `IP_ALLOWLIST`. */
  | { kind: "forbidden" }
  /** The body is larger than {@linkcode MAX_BODY_BYTES}. */
  | { kind: "too_large" }
  /** Over a rate limit; `Retry-After` says when to come back. */
  | { kind: "too_many"; retryAfter: number }
  /** A known path asked with another method; `Allow` lists the right ones. */
  | { kind: "method_not_allowed"; allow: readonly string[] }
  | { kind: "not_found" }
  /** The framework refused the request (malformed JSON, unreadable body). */
  | {
    kind: "bad_request";
    status: 400 | 415;
    message: string;
    field?: "body";
  }
  /** Storage is briefly unavailable: 503 with `Retry-After`. */
  | { kind: "unavailable" }
  /** Anything unexpected; the reason went to the log. */
  | { kind: "server_error" };

/** A guard's refusal: thrown, and drawn by the sub-app's error renderer. */
export class Refused extends Error {
  override name = "Refused";
  constructor(readonly problem: Problem) {
    super(problem.kind);
  }
}

/** The framework's body refusals, said so that the fix is plain. */
const BODY_PROBLEMS: Record<string, string> = {
  "Unsupported Media Type":
    "Send the body as JSON, with the header Content-Type: application/json.",
  "Malformed JSON in request body":
    "The body is not valid JSON: send one JSON object, as /openapi.json describes for this operation.",
};

/**
 * What an error means for the client, with its reason logged where an
 * operator needs it. Errors a protocol knows better (OAuthError) are
 * rendered by that protocol before they get here.
 */
export function problemOf(err: Error, c: Context, log: Log): Problem {
  if (err instanceof Refused) return err.problem;
  if (err instanceof StorageUnavailable) {
    log("error", "storage unavailable", {
      route: c.req.routePath,
      error: err.message,
    });
    return { kind: "unavailable" };
  }
  if (err instanceof Deno.errors.BadResource) {
    // The client went away, or the server is shutting down, mid-body.
    log("info", "request body could not be read", { route: c.req.routePath });
    return {
      kind: "bad_request",
      status: 400,
      message: "The request body could not be read.",
    };
  }
  // Hono's own refusals: ipRestriction when an address cannot be read at
  // all, the validators for a body that is not what the route takes.
  if (err instanceof HTTPException && err.status === 403) {
    return { kind: "forbidden" };
  }
  if (
    err instanceof HTTPException && (err.status === 400 || err.status === 415)
  ) {
    const plain = BODY_PROBLEMS[err.message];
    return plain
      ? {
        kind: "bad_request",
        status: err.status,
        message: plain,
        field: "body",
      }
      : {
        kind: "bad_request",
        status: err.status,
        message: err.message || "Bad request.",
      };
  }
  log("error", "unhandled error", {
    route: c.req.routePath,
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
  });
  return { kind: "server_error" };
}

/** The HTTP status of each problem. */
export function statusOf(
  problem: Problem,
): 400 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503 {
  switch (problem.kind) {
    case "forbidden":
      return 403;
    case "too_large":
      return 413;
    case "too_many":
      return 429;
    case "method_not_allowed":
      return 405;
    case "not_found":
      return 404;
    case "bad_request":
      return problem.status;
    case "unavailable":
      return 503;
    case "server_error":
      return 500;
  }
}

/** Sets the headers a problem carries: `Retry-After`, `Allow`. */
export function problemHeaders(c: Context, problem: Problem): void {
  if (problem.kind === "too_many") {
    c.header("Retry-After", String(problem.retryAfter));
  } else if (problem.kind === "unavailable") {
    c.header("Retry-After", String(RETRY_AFTER_SECONDS));
  } else if (problem.kind === "method_not_allowed") {
    c.header("Allow", problem.allow.join(", "));
  }
}

/** A sub-app's error renderer: every {@linkcode Problem}, in one shape. */
export type RenderProblem = (
  c: Context,
  problem: Problem,
) => Response | Promise<Response>;

/** The `onError` of a sub-app whose only renderer is `render`. */
export function renderErrors(log: Log, render: RenderProblem): ErrorHandler {
  return function handleError(err, c) {
    return render(c, problemOf(err, c, log));
  };
}

/**
 * Answers a path of `app` asked with a method it does not serve: 405 with
 * `Allow`, drawn by `app`'s error renderer. Call it once the routes are
 * registered: a request that a route answers never reaches it.
 */
export function refuseOtherMethods<E extends Env>(app: Hono<E>): void {
  const refuse = methodNotAllowed<E>({
    app,
    onMethodNotAllowed(c, allow) {
      // The top-level 404 was drawn first (a page, when HTML is accepted),
      // and Hono carries its headers over to the answer that replaces it:
      // drop what only a page may carry, so a JSON 405 keeps the JSON policy.
      c.res.headers.delete("Content-Security-Policy");
      c.res.headers.delete("Referrer-Policy");
      throw new Refused({ kind: "method_not_allowed", allow });
    },
  });
  const paths = new Set(
    app.routes.filter((r) => r.method !== "ALL").map((r) => r.path),
  );
  for (const path of paths) app.use(path, refuse);
}

/** Whether the client would rather read HTML (a person's browser) than JSON. */
export function prefersHtml(c: Context): boolean {
  return accepts(c, {
    header: "Accept",
    supports: ["application/json", "text/html"],
    default: "application/json",
  }) === "text/html";
}
