/**
 * Public documents for the GPT builder: `/openapi.json` (generated from the
 * same zod definitions that validate requests) and `/gpt/instructions`.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { Config } from "../../config.ts";
import { SCOPES } from "../../auth/scope.ts";
import { gptInstructions } from "../../game/instructions.ts";
import type { ApiEnv } from "./bearer.ts";

/** Builds the OpenAPI 3.1 document for `api`. */
export function openApiDocument(
  api: OpenAPIHono<ApiEnv>,
  config: Config,
): Record<string, unknown> {
  api.openAPIRegistry.registerComponent("securitySchemes", "oauth2", {
    type: "oauth2",
    flows: {
      authorizationCode: {
        authorizationUrl: `${config.publicUrl}/oauth/authorize`,
        tokenUrl: `${config.publicUrl}/oauth/token`,
        refreshUrl: `${config.publicUrl}/oauth/token`,
        // The API's own scope; offline_access is the authorization server's.
        scopes: { game: SCOPES.game },
      },
    },
  });
  return api.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: config.brand.name,
      version: "1.0.0",
      description:
        "A word-guessing game for a signed-in player. The server holds every round and checks every guess.",
    },
    servers: [{ url: config.publicUrl }],
    security: [{ oauth2: ["game"] }],
  }) as unknown as Record<string, unknown>;
}

/**
 * Serves `/openapi.json` and `/gpt/instructions`. The document is built on
 * its first request, then kept: building it loads the schemas and converts
 * every one (about 25 ms), which a cold start has better things to do with.
 */
export function docsRoutes(
  config: Config,
  document: () => Promise<Record<string, unknown>>,
): Hono {
  const instructions = gptInstructions(
    config.publicUrl,
    config.dailyScoredRounds,
    undefined,
    config.freeRoundsPerDay,
  );
  let body: Promise<string> | undefined;
  return new Hono()
    .get("/openapi.json", async (c) => {
      // Concurrent first requests share one build.
      body ??= document().then((doc) => JSON.stringify(doc));
      c.header("Cache-Control", "public, max-age=300");
      c.header("Access-Control-Allow-Origin", "*");
      return c.body(await body, 200, { "Content-Type": "application/json" });
    })
    .get("/gpt/instructions", (c) => {
      c.header("Cache-Control", "public, max-age=300");
      return c.text(instructions);
    });
}
