/**
 * The game as MCP tools: the same domain functions as the REST API
 * (`Game`, `Account`, `AccessTokens`), one tool per operation. Every tool
 * has an object input schema, annotations, an output schema, and answers
 * with `structuredContent` and a short text.
 *
 * The word is never in a result before its round is over: a round's view
 * carries the handle (sealed), the category, the length and the clues;
 * only a correct or last guess, or giving up, reveals it. No tool sets a
 * score: only `guess` can raise one, through the game's rules.
 *
 * @module
 */
import {
  type CallToolResult,
  McpServer,
  requireScopes,
  type StandardSchemaWithJSON,
  type ToolAnnotations,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import type { Account } from "../../account/account.ts";
import type { AccessTokens } from "../../auth/access.ts";
import type { AccessClaims } from "../../auth/tokens.ts";
import type { Game, RoundProblem } from "../../game/game.ts";
import { checkNickname } from "../../game/nickname.ts";
import { MAX_WRONG } from "../../game/rules.ts";
import { CATEGORIES, type Category, WORDS } from "../../game/words.ts";
import { MAX_TOKEN_CHARS } from "../../auth/seal.ts";
import { StorageUnavailable } from "../../lib/kv.ts";
import type { Log } from "../../lib/log.ts";
import { GAME_SCOPE } from "./resource.ts";
import { BOARD_TOOL_META, registerBoard } from "./board.ts";
import type { Billing } from "../../billing/billing.ts";
import type { Plans } from "../../billing/plans.ts";
import { planView } from "../../billing/plan_view.ts";
import { quotaMessage } from "../../billing/words.ts";

/** The server's name and version in `initialize` and `server/discover`. */
export const SERVER_INFO = { name: "words-with-chat", version: "1.0.0" };

/** What the tools call. */
export interface ToolDeps {
  game: Game;
  access: AccessTokens;
  account: Account;
  /** `null` when billing is off (and so is the quota). */
  billing: Billing | null;
  plans: Plans;
  log: Log;
  /** The board's branded document (`boardHtml`); the service's own by default. */
  boardHtml?: string;
  /** The operator's display name (`BRAND_NAME`); the service's own by default. */
  brandName?: string;
}

// Schemas are built once per process; each request's server only refers to them.
const Category = z.enum(CATEGORIES as [Category, ...Category[]]).describe(
  "The category to play in.",
);
const Round = z.string().min(1).max(MAX_TOKEN_CHARS).describe(
  "The round handle that start_round returned.",
);
const daily = {
  scored_rounds_left: z.number().int().optional().describe(
    "Rounds the player can still score today (UTC); absent without a daily cap.",
  ),
  message: z.string().optional().describe(
    "Present when today's scoring is used up: tell the player.",
  ),
};
/** What every answer about a round says of it (never the word). */
const progress = {
  category: Category,
  letters: z.number().int().describe("Length of the word."),
  clues: z.array(z.string()).describe("The clues shown so far, oldest first."),
};
const RoundView = z.object({
  round: Round,
  ...progress,
  clue: z.string().describe("The latest clue."),
  clues_used: z.number().int(),
  clues_left: z.number().int(),
  attempts_left: z.number().int(),
  points_available: z.number().int().describe(
    "Points a correct guess scores now; 0 once today's scoring is used up.",
  ),
  ...daily,
  free_rounds_left: z.number().int().optional().describe(
    "Rounds the free plan can still start today (UTC); absent when unlimited.",
  ),
});
const GuessResult = z.object({
  correct: z.boolean(),
  score: z.number().int().describe("The player's total score."),
  attempts_left: z.number().int(),
  points_available: z.number().int().optional().describe(
    "While the round goes on (a wrong guess): points a correct guess scores now.",
  ),
  points: z.number().int().optional(),
  scored: z.boolean().optional(),
  ...daily,
  word: z.string().optional().describe("The word, once the round is over."),
  ...progress,
});
const Standing = z.object({
  rank: z.number().int(),
  name: z.string(),
  score: z.number().int(),
});

/**
 * A schema whose JSON Schema is computed once. The SDK converts a tool's
 * schemas on each server instance, and a stateless endpoint builds one per
 * request: remembering the conversion keeps `tools/list` and `tools/call`
 * from paying for it every time. The SDK reads the result and never writes
 * to it.
 */
function cached<S extends StandardSchemaWithJSON>(schema: S): S {
  const std = schema["~standard"];
  type Convert = typeof std.jsonSchema.input;
  const memo = new Map<string, Record<string, unknown>>();
  const convert = (io: "input" | "output"): Convert => (options) => {
    const key = `${io} ${options.target}`;
    let json = memo.get(key);
    if (json === undefined) {
      json = std.jsonSchema[io](options);
      memo.set(key, json);
    }
    return json;
  };
  return {
    "~standard": {
      ...std,
      jsonSchema: { input: convert("input"), output: convert("output") },
    },
  } as S;
}

/** The tools' input schemas. */
const IN = {
  none: cached(z.object({})),
  category: cached(z.object({ category: Category })),
  round: cached(z.object({ round: Round })),
  guess: cached(z.object({
    round: Round,
    guess: z.string().min(1).max(64).describe("The player's guess, unchanged."),
  })),
  nickname: cached(z.object({ nickname: z.string().min(1).max(64) })),
};

/** The tools' output schemas. */
const OUT = {
  categories: cached(z.object({
    categories: z.array(z.object({ name: Category, words: z.number().int() })),
  })),
  round: cached(RoundView),
  guess: cached(GuessResult),
  gaveUp: cached(
    z.object({ word: z.string(), score: z.number().int(), ...progress }),
  ),
  score: cached(z.object({ score: z.number().int() })),
  leaderboard: cached(z.object({
    top: z.array(Standing),
    you: Standing.nullable(),
  })),
  nickname: cached(z.object({ nickname: z.string() })),
  player: cached(z.object({
    id: z.string(),
    scope: z.string(),
    name: z.string().nullable(),
  })),
  plan: cached(z.object({
    plan: z.enum(["free", "pro"]),
    free_rounds_per_day: z.number().int().describe(
      "Rounds the free plan may start per UTC day; 0 = unlimited.",
    ),
    free_rounds_left: z.number().int().nullable().describe(
      "Rounds the player can still start today; null when unlimited.",
    ),
    upgrade_url: z.string().optional().describe(
      "Free players: a link to pay for the pro plan (30 minutes); show it, never open it.",
    ),
    portal_url: z.string().optional().describe(
      "Pro players: a link to manage or cancel the subscription (30 minutes); show it, never open it.",
    ),
  })),
  signedOut: cached(z.object({ signed_out: z.literal(true) })),
  deleted: cached(z.object({ deleted: z.literal(true) })),
};

/** Annotations: every tool acts on this service alone (`openWorldHint: false`). */
const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
const MOVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
const SETTLE: ToolAnnotations = { ...MOVE, idempotentHint: true };
const ERASE: ToolAnnotations = {
  ...MOVE,
  destructiveHint: true,
  idempotentHint: true,
};

/** Tools that change a round: counted in the game-move rate limit. */
export const MOVES: ReadonlySet<string> = new Set([
  "start_round",
  "current_round",
  "get_clue",
  "guess",
  "give_up",
]);
/** Reads that cost KV calls: counted in the read rate limit. */
export const READS: ReadonlySet<string> = new Set([
  "my_plan",
  "my_score",
  "leaderboard",
  "who_am_i",
]);

const text = (line: string) => [{ type: "text" as const, text: line }];

/** A result the model reads as a failure of the call (not of the protocol). */
function failure(line: string): CallToolResult {
  return { content: text(line), isError: true };
}

function roundFailure(p: RoundProblem): CallToolResult {
  switch (p.problem) {
    case "not_found":
      return failure("No such round (it may have expired); start a new one.");
    case "finished":
      // The round is over: its word may be told.
      return failure(
        `This round is over (${
          p.status.replace("_", " ")
        }); the word was "${p.word}". Start a new one.`,
      );
    case "no_more_clues":
      return failure("Every clue has been shown.");
  }
}

const SIGNED_OUT = failure(
  "The sign-in ended (signed out or data erased); sign in again.",
);

function describeRound(view: z.infer<typeof RoundView>): string {
  const lines = [
    `Category ${view.category}, ${view.letters} letters. Clue ${view.clues_used}: ${view.clue}`,
    `${view.attempts_left} attempts left; a correct guess scores ${view.points_available} points now.`,
  ];
  if (view.message) lines.push(view.message);
  return lines.join("\n");
}

/**
 * Builds one request's MCP server for `caller`: the game's tools, bound to
 * the caller's verified claims.
 */
export function gameServer(deps: ToolDeps, caller: AccessClaims): McpServer {
  const { game, access, account, billing, log } = deps;
  const server = new McpServer(SERVER_INFO, {
    instructions: `${
      deps.brandName ?? "Words with Chat"
    }: a word-guessing game. start_round picks a secret word and gives its length, a first clue and the round handle, which every move of the round takes; get_clue shows another (each lowers the points); guess sends the player's guess exactly as they said it (${MAX_WRONG} wrong guesses end the round); give_up reveals the word; current_round finds the open round again when its handle was lost. Hosts that draw views show a board the player can also guess on. If start_round answers payment_required, tell the player today's free rounds are used up and show its upgrade_url as a link they can click; never open it yourself.`,
  });
  const sub = caller.sub;
  const needsGame = requireScopes(GAME_SCOPE);
  registerBoard(server, deps.boardHtml, deps.brandName);

  /** A tool's handler, with failures the model can read and nothing internal. */
  const safely = <A>(
    name: string,
    run: (args: A) => Promise<CallToolResult>,
  ) =>
  async (args: A): Promise<CallToolResult> => {
    try {
      return await run(args);
    } catch (err) {
      if (err instanceof StorageUnavailable) {
        log("error", "storage unavailable", { tool: name, error: err.message });
        return failure(
          "The service is briefly unavailable; try again in a few seconds.",
        );
      }
      log("error", "unhandled error", {
        tool: name,
        error: err instanceof Error
          ? `${err.name}: ${err.message}`
          : String(err),
      });
      return failure("Something went wrong on our side.");
    }
  };

  server.registerTool(
    "list_categories",
    {
      title: "List categories",
      description: "List the word categories a round can be played in.",
      inputSchema: IN.none,
      outputSchema: OUT.categories,
      annotations: READ,
      scopeChallenge: needsGame,
    },
    safely("list_categories", () => {
      const categories = CATEGORIES.map((name) => ({
        name,
        words: WORDS[name].length,
      }));
      return Promise.resolve({
        content: text(
          `Categories: ${
            categories.map((c) => `${c.name} (${c.words} words)`).join(", ")
          }.`,
        ),
        structuredContent: { categories },
      });
    }),
  );

  server.registerTool(
    "start_round",
    {
      title: "Start a round",
      description:
        "Start a round: the server picks a secret word in the category and returns the round handle, the number of letters, a first clue, the attempts left and the points available.",
      inputSchema: IN.category,
      outputSchema: OUT.round,
      annotations: MOVE,
      scopeChallenge: needsGame,
      _meta: BOARD_TOOL_META,
    },
    safely("start_round", async ({ category }: { category: Category }) => {
      const view = await game.start(sub, category, access.sessionKey(caller));
      if ("problem" in view) {
        if (view.problem === "signed_out") return SIGNED_OUT;
        // As the REST API's 402: a tool error with the message and the
        // link, in the text a model reads and in structuredContent.
        const upgrade_url = await billing!.upgradeUrl(caller);
        const message = quotaMessage(view.limit, upgrade_url);
        return {
          content: text(message),
          structuredContent: {
            error: "payment_required",
            message,
            upgrade_url,
          },
          isError: true,
        };
      }
      return {
        content: text(describeRound(view)),
        structuredContent: { ...view },
      };
    }),
  );

  server.registerTool(
    "current_round",
    {
      title: "Current round",
      description:
        "Get the player's open round (a fresh round handle, the category, the letters, the clues so far, attempts left, points available) when the handle from start_round was lost. A tool error when no round is open: then start one.",
      inputSchema: IN.none,
      outputSchema: OUT.round,
      annotations: READ,
      scopeChallenge: needsGame,
      _meta: BOARD_TOOL_META,
    },
    safely("current_round", async () => {
      const view = await game.current(sub);
      if (view === null) {
        return failure("No open round: start one with start_round.");
      }
      return {
        content: text(describeRound(view)),
        structuredContent: { ...view },
      };
    }),
  );

  server.registerTool(
    "get_clue",
    {
      title: "Next clue",
      description:
        "Reveal the next clue of a round. Each extra clue lowers the points a correct guess scores.",
      inputSchema: IN.round,
      outputSchema: OUT.round,
      annotations: MOVE,
      scopeChallenge: needsGame,
      _meta: BOARD_TOOL_META,
    },
    safely("get_clue", async ({ round }: { round: string }) => {
      const view = await game.clue(sub, round);
      if ("problem" in view) return roundFailure(view);
      return {
        content: text(describeRound(view)),
        structuredContent: { ...view },
      };
    }),
  );

  server.registerTool(
    "guess",
    {
      title: "Guess the word",
      description:
        `Send the player's guess exactly as they said it. ${MAX_WRONG} wrong guesses end the round. Returns whether it was right and the total score.`,
      inputSchema: IN.guess,
      outputSchema: OUT.guess,
      annotations: MOVE,
      scopeChallenge: needsGame,
      _meta: BOARD_TOOL_META,
    },
    safely(
      "guess",
      async ({ round, guess }: { round: string; guess: string }) => {
        const result = await game.guess(sub, round, guess);
        if ("problem" in result) return roundFailure(result);
        const line = result.correct
          ? `Correct: the word was "${result.word}". ${
            result.scored === false
              ? result.message ?? "No points today."
              : `+${result.points} points.`
          } Total score ${result.score}.`
          : result.word === undefined
          ? `Not it. ${result.attempts_left} attempts left.`
          : `Not it, and the round is lost: the word was "${result.word}".`;
        return { content: text(line), structuredContent: { ...result } };
      },
    ),
  );

  server.registerTool(
    "give_up",
    {
      title: "Give up",
      description:
        "Give up a round: it ends without points and the word is revealed.",
      inputSchema: IN.round,
      outputSchema: OUT.gaveUp,
      annotations: SETTLE,
      scopeChallenge: needsGame,
      _meta: BOARD_TOOL_META,
    },
    safely("give_up", async ({ round }: { round: string }) => {
      const result = await game.giveUp(sub, round);
      if ("problem" in result) return roundFailure(result);
      return {
        content: text(
          `The word was "${result.word}". Score unchanged: ${result.score}.`,
        ),
        structuredContent: { ...result },
      };
    }),
  );

  server.registerTool(
    "my_score",
    {
      title: "My score",
      description: "Get the signed-in player's total score.",
      inputSchema: IN.none,
      outputSchema: OUT.score,
      annotations: READ,
      scopeChallenge: needsGame,
    },
    safely("my_score", async () => {
      const score = await game.score(sub);
      return {
        content: text(`Your score: ${score}.`),
        structuredContent: { score },
      };
    }),
  );

  server.registerTool(
    "my_plan",
    {
      title: "My plan",
      description:
        "Get the player's plan (free or pro), the free rounds left today, and a link to upgrade (free) or to manage the subscription (pro) to show the player.",
      inputSchema: IN.none,
      outputSchema: OUT.plan,
      annotations: READ,
      scopeChallenge: needsGame,
    },
    safely("my_plan", async () => {
      const view = await planView(deps, caller);
      const lines = [
        `Plan: ${view.plan}.`,
        view.free_rounds_left === null
          ? "No daily limit on rounds."
          : `Free rounds left today: ${view.free_rounds_left} of ${view.free_rounds_per_day}.`,
      ];
      if (view.upgrade_url) lines.push(`Upgrade: ${view.upgrade_url}`);
      if (view.portal_url) {
        lines.push(`Manage the subscription: ${view.portal_url}`);
      }
      return {
        content: text(lines.join("\n")),
        structuredContent: { ...view },
      };
    }),
  );

  server.registerTool(
    "leaderboard",
    {
      title: "Leaderboard",
      description:
        "Get the top 10 players by nickname and the player's own rank (null before their first point).",
      inputSchema: IN.none,
      outputSchema: OUT.leaderboard,
      annotations: READ,
      scopeChallenge: needsGame,
    },
    safely("leaderboard", async () => {
      const board = await game.leaderboard(sub);
      const lines = board.top.map((s) => `${s.rank}. ${s.name}: ${s.score}`);
      lines.push(
        board.you
          ? `You: #${board.you.rank}, ${board.you.score} points.`
          : "You have no points yet.",
      );
      return {
        content: text(lines.join("\n")),
        structuredContent: { ...board },
      };
    }),
  );

  server.registerTool(
    "set_nickname",
    {
      title: "Set nickname",
      description:
        "Set the nickname shown on the leaderboard: 3–20 letters of one script, digits 0-9, single spaces, '_', '.' or '-'. A nickname that looks like another player's is taken.",
      inputSchema: IN.nickname,
      outputSchema: OUT.nickname,
      annotations: SETTLE,
      scopeChallenge: needsGame,
    },
    safely("set_nickname", async ({ nickname }: { nickname: string }) => {
      const checked = checkNickname(nickname);
      if (!checked.ok) return failure(`nickname: ${checked.message}`);
      const set = await game.setNickname(
        sub,
        checked,
        access.sessionKey(caller),
      );
      if ("problem" in set && set.problem === "signed_out") return SIGNED_OUT;
      if (!set.ok) {
        return failure(
          `"${checked.nickname}" is taken: another player's nickname looks the same. Choose another.`,
        );
      }
      return {
        content: text(`Your nickname is now "${checked.nickname}".`),
        structuredContent: { nickname: checked.nickname },
      };
    }),
  );

  // Knowing who one is, signing out and erasing one's data need a valid
  // token only, never a scope: a person can always leave.
  server.registerTool(
    "who_am_i",
    {
      title: "Who am I",
      description:
        "Get the signed-in player's id, granted scope and leaderboard name.",
      inputSchema: IN.none,
      outputSchema: OUT.player,
      annotations: READ,
    },
    safely("who_am_i", async () => {
      const name = await game.displayName(sub);
      return {
        content: text(
          `Signed in as ${sub}${name === null ? "" : `, shown as "${name}"`}.`,
        ),
        structuredContent: { id: sub, scope: caller.scope, name },
      };
    }),
  );

  server.registerTool(
    "sign_out",
    {
      title: "Sign out everywhere",
      description:
        "Sign out everywhere: every token of this player stops working.",
      inputSchema: IN.none,
      outputSchema: OUT.signedOut,
      annotations: ERASE,
    },
    safely("sign_out", async () => {
      await account.signOut(sub);
      return {
        content: text("Signed out everywhere."),
        structuredContent: { signed_out: true as const },
      };
    }),
  );

  server.registerTool(
    "delete_my_data",
    {
      title: "Delete my data",
      description:
        "Erase all of the player's data (score, rounds, nickname, stored sign-in) and sign them out.",
      inputSchema: IN.none,
      outputSchema: OUT.deleted,
      annotations: ERASE,
    },
    safely("delete_my_data", async () => {
      await account.erase(sub);
      return {
        content: text("All your data is erased, and you are signed out."),
        structuredContent: { deleted: true as const },
      };
    }),
  );

  return server;
}
