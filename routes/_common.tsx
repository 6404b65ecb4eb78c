/**
 * Cross-cutting HTTP behaviour: security headers, the request log, 404/405,
 * and the one error handler.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Context, ErrorHandler, Hono, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { Log } from "../lib/log.ts";
import { OAuthError, oauthErrorResponse } from "../auth/errors.ts";
import { StorageUnavailable } from "../lib/kv.ts";
import { ErrorPage } from "../views/layout.tsx";
import { renderPage } from "./browser/_page.ts";

/** The id of the request being handled, for every line logged meanwhile. */
const requestIds = new AsyncLocalStorage<string>();

/**
 * `log`, with the id of the request being handled (the `X-Request-Id` the
 * client saw) added to every line written while it is handled, so a refusal's
 * reason can be matched with its request line.
 */
export function withRequestId(log: Log): Log {
  return function logWithId(level, msg, fields) {
    const id = requestIds.getStore();
    log(level, msg, id === undefined ? fields : { id, ...fields });
  };
}

/**
 * Security headers, a default CSP, and one structured log line per request.
 * `log` should come from {@linkcode withRequestId}.
 */
export function commonMiddleware(log: Log): MiddlewareHandler[] {
  return [
    // A route may set one of these itself (a page's Referrer-Policy).
    secureHeaders({ xFrameOptions: "DENY", overwrite: false }),
    async function defaultPolicy(c, next) {
      await next();
      // Pages set their own policy; everything else may load nothing at all.
      if (!c.res.headers.has("Content-Security-Policy")) {
        c.res.headers.set(
          "Content-Security-Policy",
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        );
      }
    },
    async function requestLog(c, next) {
      const started = performance.now();
      const id = crypto.randomUUID();
      await requestIds.run(id, next);
      // Set on the final response, error answers included.
      c.res.headers.set("X-Request-Id", id);
      // routePath is the matched pattern, so no token or code in a path ends
      // up in the log; the query string is never logged.
      log("info", "request", {
        id,
        method: c.req.method,
        route: c.req.routePath,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
      });
    },
  ];
}

/** Whether `path` is an OAuth endpoint that speaks RFC 6749 JSON. */
export function isOAuthJsonPath(path: string): boolean {
  return path === "/oauth/token" || path === "/oauth/revoke";
}

/**
 * Answers unmatched requests: 405 with `Allow` when the path exists for
 * other methods, else 404. JSON either way.
 */
export function notFoundOrMethod(app: Hono): (c: Context) => Response {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return function notFound(c) {
    table ??= app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => ({
        method: r.method,
        pattern: new RegExp(
          "^" +
            r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&")
              .replace(/:\w+/g, "[^/]+")
              .replace(/\*/g, ".*") +
            "$",
        ),
      }));
    const allowed = [
      ...new Set(
        table.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method),
      ),
    ];
    c.header("Cache-Control", "no-store");
    if (allowed.length > 0) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      c.header("Allow", allowed.join(", "));
      return isOAuthJsonPath(c.req.path)
        ? c.json({
          error: "invalid_request",
          error_description: `Use ${allowed.join(" or ")}.`,
        }, 405)
        : c.json({
          error: "method_not_allowed",
          message: `Use ${allowed.join(" or ")}.`,
        }, 405);
    }
    return c.json({ error: "not_found", message: "No such route." }, 404);
  };
}

/** 503 with `Retry-After`, in the shape the route speaks. */
function unavailable(c: Context): Response | Promise<Response> {
  c.header("Retry-After", "5");
  c.header("Cache-Control", "no-store");
  const path = c.req.path;
  if (isOAuthJsonPath(path)) {
    const res = oauthErrorResponse(
      new OAuthError(
        "temporarily_unavailable",
        "The service is briefly unavailable; try again in a few seconds.",
      ),
    );
    return res;
  }
  if (path.startsWith("/oauth/") || path.startsWith("/login/")) {
    return renderPage(
      c,
      <ErrorPage
        title="Briefly unavailable"
        message="We could not complete the sign-in just now."
        next="Wait a few seconds, then go back to ChatGPT and try again."
      />,
      { status: 503 },
    );
  }
  return c.json({
    error: "temporarily_unavailable",
    message: "The service is briefly unavailable; try again in a few seconds.",
  }, 503);
}

/** The framework's body refusals, said so that the fix is plain. */
const BODY_PROBLEMS: Record<string, string> = {
  "Unsupported Media Type":
    "Send the body as JSON, with the header Content-Type: application/json.",
  "Malformed JSON in request body":
    "The body is not valid JSON: send one JSON object, as /openapi.json describes for this operation.",
};

/**
 * The one error handler: OAuth errors render as RFC 6749 JSON, storage
 * outages as 503, framework errors (malformed JSON, …) as JSON 4xx, and
 * anything else as a generic 500 whose reason goes to the log only.
 */
export function onError(log: Log): ErrorHandler {
  return function handleError(err, c) {
    if (err instanceof OAuthError) return oauthErrorResponse(err);
    if (err instanceof StorageUnavailable) {
      log("error", "storage unavailable", {
        route: c.req.routePath,
        error: err.message,
      });
      return unavailable(c);
    }
    if (err instanceof Deno.errors.BadResource) {
      // The client went away, or the server is shutting down, mid-body.
      log("info", "request body could not be read", { route: c.req.routePath });
      c.header("Cache-Control", "no-store");
      return c.json({
        error: "invalid_request",
        message: "The request body could not be read.",
      }, 400);
    }
    if (err instanceof HTTPException) {
      if (err.res) return err.getResponse();
      c.header("Cache-Control", "no-store");
      const plain = BODY_PROBLEMS[err.message];
      return c.json(
        plain ? { error: "invalid_request", message: plain, field: "body" } : {
          error: "invalid_request",
          message: err.message || "Bad request.",
        },
        err.status,
      );
    }
    log("error", "unhandled error", {
      route: c.req.routePath,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    });
    c.header("Cache-Control", "no-store");
    return c.json(
      { error: "server_error", message: "Something went wrong on our side." },
      500,
    );
  };
}
