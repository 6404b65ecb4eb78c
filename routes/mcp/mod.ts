/**
 * The MCP sub-app: `/mcp`, the game as tools for ChatGPT apps, Claude and
 * every MCP client, on the official SDK's stateless Streamable HTTP handler
 * (`createMcpHandler`: the 2026-07-28 revision, and the 2025 revisions'
 * `initialize` served statelessly). Behind, in order: the `Origin` check,
 * the refusal of tokens in the URL, the IP allowlist, the body limit, the
 * bearer guard and per-user rate limits. Every error the sub-app draws is a
 * JSON-RPC error ({@linkcode renderMcpProblem}); the bearer challenges are
 * RFC 6750's.
 *
 * @module
 */
import { Hono } from "hono";
import type { createMcpHandler } from "@modelcontextprotocol/server";
import type { Services } from "../../app/services.ts";
import {
  GAME_BUCKET,
  RATE_WINDOW_SECONDS,
  READ_BUCKET,
} from "../../lib/rate_limit.ts";
import {
  MAX_BODY_BYTES,
  refuseOtherMethods,
  renderErrors,
} from "../_common.ts";
import {
  type AddressOf,
  allowlist,
  countRequest,
  limitBody,
} from "../_guards.ts";
import { callerOf, mcpBearer, mcpChallenge, type McpEnv } from "./bearer.ts";
import { renderMcpProblem } from "./errors.ts";
import { checkOrigin, refuseQueryToken } from "./guards.ts";
import { MCP_PATH } from "./resource.ts";
import { type BrandAssets, brandAssets } from "../../views/brand.ts";

/**
 * The SDK and the tools, loaded on the first `/mcp` request of a process:
 * importing them (the SDK, the tools' schemas and their JSON Schema) takes
 * about 150 ms, which a cold start that serves REST, OAuth or pages never
 * pays. The specifiers are literal, so `deno deploy` bundles them.
 */
let parts:
  | Promise<[
    typeof import("@modelcontextprotocol/server"),
    typeof import("./tools.ts"),
    typeof import("./board.ts"),
  ]>
  | undefined;
function loadParts() {
  return parts ??= Promise.all([
    import("@modelcontextprotocol/server"),
    import("./tools.ts"),
    import("./board.ts"),
  ]).catch((err) => {
    // Not kept: a failed load is tried again by the next request.
    parts = undefined;
    throw err;
  });
}

/** What the MCP sub-app needs. */
export interface McpOptions {
  services: Services;
  /** The app's one client-address finder (`clientAddress()`). */
  address: AddressOf;
  /** The operator's brand, built once by the app (views/brand.ts). */
  brand?: BrandAssets;
}

type Bucket = typeof GAME_BUCKET | typeof READ_BUCKET;
type Tools = typeof import("./tools.ts");

/** The rate-limit bucket of each tool call in a body (one or a batch). */
function bucketsOf(
  body: unknown,
  { MOVES, READS }: { MOVES: ReadonlySet<string>; READS: ReadonlySet<string> },
): Bucket[] {
  const messages = Array.isArray(body) ? body : [body];
  const buckets: Bucket[] = [];
  for (const message of messages as { method?: unknown; params?: unknown }[]) {
    if (message?.method !== "tools/call") continue;
    const params = message.params as { name?: unknown } | null | undefined;
    const name = params?.name;
    if (typeof name !== "string") continue;
    if (MOVES.has(name)) buckets.push(GAME_BUCKET);
    else if (READS.has(name)) buckets.push(READ_BUCKET);
  }
  return buckets;
}

/** Builds the MCP sub-app; mount it with `app.route("/", …)`. */
export function mcpApp(
  { services, address, brand }: McpOptions,
): Hono<McpEnv> {
  const { config, log, limiter } = services;
  const app = new Hono<McpEnv>();
  app.onError(renderErrors(log, renderMcpProblem));

  let handler:
    | Promise<{ mcp: ReturnType<typeof createMcpHandler>; tools: Tools }>
    | undefined;
  const handlerOf = () =>
    handler ??= loadParts().catch((err) => {
      handler = undefined;
      throw err;
    }).then(([sdk, tools, board]) => {
      // The branded board, built once (routes/mcp/board.ts).
      const deps = {
        ...services,
        boardHtml: board.boardHtml(brand ?? brandAssets(config.brand)),
        brandName: config.brand.name,
      };
      return {
        tools,
        mcp: sdk.createMcpHandler(
          ({ authInfo }) => tools.gameServer(deps, callerOf(authInfo)),
          {
            maxRequestBodySize: MAX_BODY_BYTES,
            onerror(err) {
              // Rejected requests and out-of-band failures: the answer is
              // already drawn; the reason is for operators.
              log("info", "mcp request refused", { reason: err.message });
            },
          },
        ),
      };
    });

  app.use(MCP_PATH, checkOrigin(config.publicUrl));
  app.use(MCP_PATH, refuseQueryToken(mcpChallenge(config.publicUrl)));
  if (config.ipAllowlist) {
    app.use(MCP_PATH, allowlist(config.ipAllowlist, address));
  }
  app.use(
    MCP_PATH,
    limitBody(),
    mcpBearer(services.access, config.publicUrl, log),
  );

  const limits: Record<Bucket, number> = {
    [GAME_BUCKET]: config.rateLimits.game,
    [READ_BUCKET]: config.rateLimits.read,
  };
  app.on(["GET", "POST", "DELETE"], MCP_PATH, async (c) => {
    const auth = c.get("auth");
    const request = c.req.raw;
    const { mcp: handler, tools } = await handlerOf();
    if (request.method !== "POST") {
      return await handler.fetch(request, { authInfo: auth });
    }
    // Read once: the rate limits need the tool names, and the SDK takes the
    // parsed body rather than reading it again.
    const raw = await c.req.text();
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(raw);
    } catch {
      // Not JSON: the SDK answers it (a JSON-RPC parse error), from the text.
      return await handler.fetch(
        new Request(request.url, {
          method: "POST",
          headers: request.headers,
          body: raw,
        }),
        { authInfo: auth },
      );
    }
    for (const bucket of bucketsOf(parsedBody, tools)) {
      await countRequest(limiter, {
        bucket,
        limit: limits[bucket],
        windowSeconds: RATE_WINDOW_SECONDS,
        id: callerOf(auth).sub,
      });
    }
    return await handler.fetch(request, { authInfo: auth, parsedBody });
  });
  refuseOtherMethods(app);
  return app;
}
