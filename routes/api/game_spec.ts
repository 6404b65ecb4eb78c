/**
 * The game API's schemas, defined once with zod: the same definitions
 * validate requests and generate `/openapi.json`, so the published spec
 * cannot drift from the handlers. Imported on first use, by the first
 * request whose body or path parameter needs validating or the first
 * `/openapi.json`: zod, its OpenAPI extension and these schemas are a
 * large part of a process's start, and the routes that read no input
 * (`GET /api/words`, `/api/score`, …) need none of it.
 *
 * @module
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import { MAX_WRONG } from "../../game/rules.ts";
import { CATEGORIES } from "../../game/words.ts";
import { MAX_TOKEN_CHARS } from "../../auth/seal.ts";
import type { ApiEnv } from "./bearer.ts";
import { ENDPOINTS, type ValidatedOperation } from "./endpoints.ts";
import { apiError } from "./errors.ts";

// Shapes are reused by spreading their fields, not with `.extend()` or
// `.nullable()` on a named schema: those become `allOf` in the document,
// which GPT actions handle poorly.
const problemFields = {
  error: z.string().openapi({ example: "round_not_found" }),
  message: z.string().openapi({ example: "No such round; start a new one." }),
};
const Problem = z.object(problemFields).openapi("Problem");

/**
 * Messages for a body field that say what to send: "required" when it is
 * missing, else `wrong`. (Zod's own say "expected string, received
 * undefined".)
 */
const says = (wrong: (input: unknown) => string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? "required" : wrong(issue.input),
});
const CATEGORY_LIST = CATEGORIES.join(", ");

const Category = z.enum(
  CATEGORIES,
  says((input) =>
    typeof input === "string"
      ? `no category "${input.slice(0, 64)}"; use one of ${CATEGORY_LIST}`
      : `use one of ${CATEGORY_LIST}`
  ),
);

const RoundHandle = z.string(
  says(() => "must be the round handle (a string) that startRound returned"),
).min(1, "must not be empty").max(
  MAX_TOKEN_CHARS,
  "is not a round handle",
).openapi({
  description: "The round handle returned by startRound.",
  example: "wwc_round.AgJrMS…",
});

/** What rounds and correct guesses say about the daily cap. */
const dailyFields = {
  scored_rounds_left: z.number().int().optional().openapi({
    description:
      "Rounds the player can still score today (UTC); absent when there is no daily cap.",
  }),
  message: z.string().optional().openapi({
    description:
      "Present when today's scoring is used up: rounds still play but score nothing until 00:00 UTC. Tell the player.",
  }),
};

/** What every answer about a round says of it (never the word). */
const progressFields = {
  category: z.enum(CATEGORIES),
  letters: z.number().int().openapi({ description: "Length of the word." }),
  clues: z.array(z.string()).openapi({
    description: "The clues shown so far, oldest first.",
  }),
};

const RoundView = z.object({
  round: RoundHandle,
  ...progressFields,
  clue: z.string().openapi({ description: "The latest clue." }),
  clues_used: z.number().int(),
  clues_left: z.number().int(),
  attempts_left: z.number().int(),
  points_available: z.number().int().openapi({
    description:
      "Points a correct guess would score now; 0 once today's scoring is used up.",
  }),
  ...dailyFields,
  free_rounds_left: z.number().int().optional().openapi({
    description:
      "Rounds the free plan can still start today (UTC); absent when play is unlimited.",
  }),
}).openapi("Round");

const PaymentRequired = z.object({
  error: z.literal("payment_required"),
  message: z.string().openapi({
    description:
      "Says the free rounds of today are used up, and how to play on. Tell the player.",
  }),
  upgrade_url: z.string().openapi({
    description:
      "A link for the player to pay (valid 30 minutes). Show it to the player as a clickable link; never follow it yourself.",
    example: "https://words.example.com/billing/upgrade?t=wwc_upgrade.AQJrMS…",
  }),
}).openapi("PaymentRequired");

const GuessResult = z.object({
  correct: z.boolean(),
  score: z.number().int().openapi({ description: "The player's total score." }),
  attempts_left: z.number().int(),
  points_available: z.number().int().optional().openapi({
    description:
      "While the round goes on (a wrong guess): points a correct guess would score now.",
  }),
  points: z.number().int().optional().openapi({
    description: "Points this guess scored (0 past the daily cap).",
  }),
  scored: z.boolean().optional().openapi({
    description:
      "On a correct guess: false when the player had already scored today's maximum of rounds, so it scored nothing.",
  }),
  ...dailyFields,
  word: z.string().optional().openapi({
    description: "The word, revealed once the round is over.",
  }),
  ...progressFields,
}).openapi("GuessResult");

const standingFields = {
  rank: z.number().int(),
  name: z.string(),
  score: z.number().int(),
};
const Standing = z.object(standingFields).openapi("Standing");

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
/** Routes with a body also refuse one that is not JSON. */
const notJson = {
  415: json(
    Problem,
    "The body is not JSON: send Content-Type: application/json.",
  ),
};
const problems = {
  400: json(Problem, "The request is invalid; the message names the field."),
  401: json(Problem, "Not signed in, or the session has ended."),
};
const roundProblems = {
  ...problems,
  404: json(Problem, "No such round (it may have expired)."),
  409: json(Problem, "The round is already over."),
};
/** ChatGPT asks before "consequential" calls; game moves need no prompt. */
const notConsequential = { "x-openai-isConsequential": false };

export const routes = {
  listCategories: createRoute({
    ...ENDPOINTS.listCategories,
    operationId: "listCategories",
    summary: "List the word categories a round can be played in.",
    ...notConsequential,
    responses: {
      200: json(
        z.object({
          categories: z.array(z.object({
            name: z.enum(CATEGORIES),
            words: z.number().int(),
          })),
        }),
        "The categories.",
      ),
      ...problems,
    },
  }),
  getWords: createRoute({
    ...ENDPOINTS.getWords,
    operationId: "getWords",
    summary:
      "List every word of a category (not which one a round uses). Unknown categories get 404 with the valid ones.",
    ...notConsequential,
    request: {
      params: z.object({
        category: z.string().max(64).openapi({
          param: {
            name: "category",
            in: "path",
            description: "animals, places or colors",
          },
          example: "animals",
        }),
      }),
    },
    responses: {
      200: json(
        z.object({ category: z.enum(CATEGORIES), words: z.array(z.string()) }),
        "The words.",
      ),
      ...problems,
      404: json(
        z.object({ ...problemFields, categories: z.array(z.string()) }),
        "Unknown category.",
      ),
    },
  }),
  startRound: createRoute({
    ...ENDPOINTS.startRound,
    operationId: "startRound",
    summary:
      "Start a round: the server picks a secret word in the category and returns a round handle, the word's length and a first clue.",
    ...notConsequential,
    request: body(z.object({ category: Category })),
    responses: {
      201: json(RoundView, "The new round."),
      ...problems,
      402: json(
        PaymentRequired,
        "The free plan's rounds for today are used up: show the player the message and the upgrade_url link.",
      ),
      ...notJson,
    },
  }),
  getCurrentRound: createRoute({
    ...ENDPOINTS.getCurrentRound,
    operationId: "getCurrentRound",
    summary:
      "Get the player's open round (its handle, the clues so far, attempts left, points available) when the round handle was lost. 404 no_open_round: start a new round.",
    ...notConsequential,
    responses: {
      200: json(RoundView, "The open round, with a handle to it."),
      ...problems,
      404: json(Problem, "The player has no open round (no_open_round)."),
    },
  }),
  getClue: createRoute({
    ...ENDPOINTS.getClue,
    operationId: "getClue",
    summary:
      "Reveal the next clue of a round. Each extra clue lowers the points a correct guess scores.",
    ...notConsequential,
    request: body(z.object({ round: RoundHandle })),
    responses: {
      200: json(RoundView, "The round with its next clue."),
      ...roundProblems,
      ...notJson,
    },
  }),
  submitGuess: createRoute({
    ...ENDPOINTS.submitGuess,
    operationId: "submitGuess",
    summary:
      `Send the person's guess exactly as they said it. The server checks it; ${MAX_WRONG} wrong guesses end the round. Returns whether it was right and the total score.`,
    ...notConsequential,
    request: body(
      z.object({
        round: RoundHandle,
        guess: z.string(says(() => "must be text")).min(
          1,
          "must not be empty",
        ).max(64, "is longer than 64 characters").openapi({
          description: "The person's guess, unchanged.",
          example: "giraffe",
        }),
      }),
    ),
    responses: {
      200: json(GuessResult, "The verdict."),
      ...roundProblems,
      ...notJson,
    },
  }),
  giveUp: createRoute({
    ...ENDPOINTS.giveUp,
    operationId: "giveUp",
    summary:
      "Give up a round: it ends without points and the word is revealed.",
    ...notConsequential,
    request: body(z.object({ round: RoundHandle })),
    responses: {
      200: json(
        z.object({
          word: z.string(),
          score: z.number().int(),
          ...progressFields,
        }),
        "The word and the unchanged score.",
      ),
      ...roundProblems,
      ...notJson,
    },
  }),
  getScore: createRoute({
    ...ENDPOINTS.getScore,
    operationId: "getScore",
    summary: "Get the signed-in player's total score.",
    ...notConsequential,
    responses: {
      200: json(z.object({ score: z.number().int() }), "The score."),
      ...problems,
    },
  }),
  getLeaderboard: createRoute({
    ...ENDPOINTS.getLeaderboard,
    operationId: "getLeaderboard",
    summary:
      "Get the top 10 players by nickname and the signed-in player's own rank (null before their first point).",
    ...notConsequential,
    responses: {
      200: json(
        z.object({
          top: z.array(Standing),
          you: z.object(standingFields).nullable(),
        }),
        "The leaderboard.",
      ),
      ...problems,
    },
  }),
  getMe: createRoute({
    ...ENDPOINTS.getMe,
    operationId: "getMe",
    summary:
      "Get the signed-in player's id, granted scope and leaderboard name.",
    ...notConsequential,
    responses: {
      200: json(
        z.object({
          id: z.string(),
          scope: z.string(),
          name: z.string().nullable(),
        }),
        "The player.",
      ),
      ...problems,
    },
  }),
  getPlan: createRoute({
    ...ENDPOINTS.getPlan,
    operationId: "getPlan",
    summary:
      "Get the player's plan (free or pro), the free rounds left today, and a link to upgrade (free) or to manage the subscription (pro) to show the player.",
    ...notConsequential,
    responses: {
      200: json(
        z.object({
          plan: z.enum(["free", "pro"]),
          free_rounds_per_day: z.number().int().openapi({
            description:
              "Rounds the free plan may start per UTC day; 0 = unlimited.",
          }),
          free_rounds_left: z.number().int().nullable().openapi({
            description:
              "Rounds this player can still start today; null when unlimited (pro, or no quota).",
          }),
          upgrade_url: z.string().optional().openapi({
            description:
              "Free players: a link to pay for the pro plan (valid 30 minutes); show it, never follow it.",
          }),
          portal_url: z.string().optional().openapi({
            description:
              "Pro players: a link to manage or cancel the subscription at Stripe (valid 30 minutes); show it, never follow it.",
          }),
        }),
        "The plan.",
      ),
      ...problems,
    },
  }),
  setNickname: createRoute({
    ...ENDPOINTS.setNickname,
    operationId: "setNickname",
    summary:
      "Set the nickname shown on the leaderboard: 3–20 letters of one script, digits 0-9, single spaces, '_', '.' or '-'. A nickname that looks like another player's (case, look-alike letters) is taken: 409.",
    ...notConsequential,
    request: body(
      z.object({
        nickname: z.string(says(() => "must be text")).min(
          1,
          "must not be empty",
        ).max(64, "is longer than 64 characters").openapi({
          example: "Word Wizard",
        }),
      }),
    ),
    responses: {
      200: json(z.object({ nickname: z.string() }), "The nickname."),
      ...problems,
      409: json(
        Problem,
        "Another player holds this nickname or one that looks the same; choose another.",
      ),
      ...notJson,
    },
  }),
  signOut: createRoute({
    ...ENDPOINTS.signOut,
    operationId: "signOut",
    summary: "Sign out everywhere: every token of this player stops working.",
    responses: {
      200: json(z.object({ signed_out: z.literal(true) }), "Signed out."),
      ...problems,
    },
  }),
  deleteMe: createRoute({
    ...ENDPOINTS.deleteMe,
    operationId: "deleteMyData",
    summary:
      "Erase all of the player's data (score, rounds, nickname, stored sign-in) and sign them out.",
    responses: {
      200: json(z.object({ deleted: z.literal(true) }), "Erased."),
      ...problems,
    },
  }),
};
type JsonOf<R> = R extends {
  request: {
    body: { content: { "application/json": { schema: infer S } } };
  };
} ? S extends z.ZodType ? z.output<S> : never
  : never;
type ParamOf<R> = R extends { request: { params: infer S } }
  ? S extends z.ZodType ? z.output<S> : never
  : never;

/** What each validating operation's handler reads with `c.req.valid()`. */
export interface Requests {
  getWords: { param: ParamOf<typeof routes.getWords> };
  startRound: { json: JsonOf<typeof routes.startRound> };
  getClue: { json: JsonOf<typeof routes.getClue> };
  submitGuess: { json: JsonOf<typeof routes.submitGuess> };
  giveUp: { json: JsonOf<typeof routes.giveUp> };
  setNickname: { json: JsonOf<typeof routes.setNickname> };
}

/**
 * The validation `@hono/zod-openapi` puts in front of `operation`'s
 * handler (media type gate, body and parameter validators), as one
 * middleware. Taken from the library's own `openapi()` registration of the
 * route, so the checks are exactly those the document promises.
 */
export function validatorOf(
  operation: ValidatedOperation,
): MiddlewareHandler<ApiEnv> {
  const terminal = () => new Response(null);
  const app = new OpenAPIHono<ApiEnv>({
    // A request that fails its schema: 400, naming the first field at fault.
    defaultHook(result, c) {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue?.path.join(".") || "body";
      return apiError(
        c,
        400,
        "invalid_request",
        `${field}: ${issue?.message ?? "invalid"}`,
        { field },
      );
    },
  });
  app.openapi(routes[operation], terminal as never);
  const validators = app.routes
    .filter((r) => r.handler !== terminal)
    .map((r) => r.handler as MiddlewareHandler<ApiEnv>);
  return every(...validators);
}

/** Every operation registered for the document (not for serving). */
export function documentedApi(): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>();
  for (const route of Object.values(routes)) {
    app.openAPIRegistry.registerPath(route);
  }
  return app;
}
