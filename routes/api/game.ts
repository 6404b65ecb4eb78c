/**
 * The game API under `/api/`: plain Hono routes at the paths of
 * `endpoints.ts`, each behind the validation its zod schema in
 * `game_spec.ts` defines (which also generates `/openapi.json`). That
 * module, with zod, is imported on the first request that has something
 * to validate: a route that reads no input answers a fresh process without
 * loading it. Every route here sits behind the bearer guard mounted on
 * `/api/*`.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { Account } from "../../account/account.ts";
import type { AccessTokens } from "../../auth/access.ts";
import { type Game, type RoundProblem } from "../../game/game.ts";
import { checkNickname } from "../../game/nickname.ts";
import { CATEGORIES, isCategory, WORDS } from "../../game/words.ts";
import { type ApiEnv, refuseToken } from "./bearer.ts";
import type { Billing } from "../../billing/billing.ts";
import type { Plans } from "../../billing/plans.ts";
import { planView } from "../../billing/plan_view.ts";
import { quotaMessage } from "../../billing/words.ts";
import {
  ENDPOINTS,
  honoPath,
  type Operation,
  type ValidatedOperation,
} from "./endpoints.ts";
import type { Requests } from "./game_spec.ts";

/**
 * The schemas' validation for `operation`, imported and built on its first
 * request; requests arriving meanwhile wait for the same one.
 */
function validated<O extends ValidatedOperation>(
  operation: O,
): MiddlewareHandler<ApiEnv, string, { out: Requests[O] }> {
  let validator: Promise<MiddlewareHandler<ApiEnv>> | undefined;
  return async function validate(c, next) {
    validator ??= import("./game_spec.ts").then((spec) =>
      spec.validatorOf(operation)
    );
    return await (await validator)(c, next);
  };
}

/** Renders a round problem as a typed response (404 or 409). */
function roundProblem(c: Context, p: RoundProblem) {
  switch (p.problem) {
    case "not_found":
      return c.json({
        error: "round_not_found",
        message: "No such round (it may have expired); start a new one.",
      }, 404);
    case "finished":
      return c.json({
        error: "round_over",
        message: `This round is over (${
          p.status.replace("_", " ")
        }); start a new one.`,
        word: p.word,
      }, 409);
    case "no_more_clues":
      return c.json({
        error: "no_more_clues",
        message: "Every clue has been shown.",
      }, 409);
  }
}

/**
 * The sign-in ended while the request was in flight (the player erased
 * their data): as the bearer guard says of a revoked token.
 */
function signedOut(c: Context<ApiEnv>) {
  return refuseToken(c, c.get("challenge"));
}

/** What the game routes need. */
export interface GameDeps {
  game: Game;
  access: AccessTokens;
  /** Signs out everywhere and erases data. */
  account: Account;
  plans: Plans;
  /** `null` when billing is off. */
  billing: Billing | null;
}

/** Builds the API; mount it behind the bearer guard. */
export function gameRoutes(deps: GameDeps) {
  const { game, access, account, billing } = deps;
  const app = new Hono<ApiEnv>();
  const at = (operation: Operation) => {
    const { method, path } = ENDPOINTS[operation];
    return [method, honoPath(path)] as const;
  };

  app.on(...at("listCategories"), (c) =>
    c.json({
      categories: CATEGORIES.map((name) => ({
        name,
        words: WORDS[name].length,
      })),
    }, 200));

  app.on(...at("getWords"), validated("getWords"), (c) => {
    const { category } = c.req.valid("param");
    if (!isCategory(category)) {
      return c.json({
        error: "unknown_category",
        message: `No category "${category}". Try one of: ${
          CATEGORIES.join(", ")
        }.`,
        categories: [...CATEGORIES],
      }, 404);
    }
    return c.json({
      category,
      words: WORDS[category].map((w) => w.word),
    }, 200);
  });

  app.on(...at("startRound"), validated("startRound"), async (c) => {
    const { category } = c.req.valid("json");
    const user = c.get("user");
    const round = await game.start(
      user.sub,
      category,
      access.sessionKey(user),
    );
    if (!("problem" in round)) return c.json(round, 201);
    if (round.problem === "signed_out") return signedOut(c);
    // A quota is only configured with billing (config.ts).
    const upgrade_url = await billing!.upgradeUrl(user);
    return c.json({
      error: "payment_required" as const,
      message: quotaMessage(round.limit, upgrade_url),
      upgrade_url,
    }, 402);
  });

  app.on(...at("getCurrentRound"), async (c) => {
    const round = await game.current(c.get("user").sub);
    return round === null
      ? c.json({
        error: "no_open_round",
        message: "No open round: start a new one (startRound).",
      }, 404)
      : c.json(round, 200);
  });

  app.on(...at("getClue"), validated("getClue"), async (c) => {
    const result = await game.clue(
      c.get("user").sub,
      c.req.valid("json").round,
    );
    return "problem" in result ? roundProblem(c, result) : c.json(result, 200);
  });

  app.on(...at("submitGuess"), validated("submitGuess"), async (c) => {
    const { round, guess } = c.req.valid("json");
    const result = await game.guess(c.get("user").sub, round, guess);
    return "problem" in result ? roundProblem(c, result) : c.json(result, 200);
  });

  app.on(...at("giveUp"), validated("giveUp"), async (c) => {
    const result = await game.giveUp(
      c.get("user").sub,
      c.req.valid("json").round,
    );
    return "problem" in result ? roundProblem(c, result) : c.json(result, 200);
  });

  app.on(
    ...at("getScore"),
    async (c) => c.json({ score: await game.score(c.get("user").sub) }, 200),
  );

  app.on(
    ...at("getLeaderboard"),
    async (c) => c.json(await game.leaderboard(c.get("user").sub), 200),
  );

  app.on(...at("getMe"), async (c) => {
    const { sub, scope } = c.get("user");
    return c.json({ id: sub, scope, name: await game.displayName(sub) }, 200);
  });

  app.on(
    ...at("getPlan"),
    async (c) => c.json(await planView(deps, c.get("user")), 200),
  );

  app.on(...at("setNickname"), validated("setNickname"), async (c) => {
    const checked = checkNickname(c.req.valid("json").nickname);
    if (!checked.ok) {
      return c.json({
        error: "invalid_request",
        message: `nickname: ${checked.message}`,
        field: "nickname",
      }, 400);
    }
    const user = c.get("user");
    const set = await game.setNickname(
      user.sub,
      checked,
      access.sessionKey(user),
    );
    if ("problem" in set && set.problem === "signed_out") return signedOut(c);
    if (!set.ok) {
      return c.json({
        error: "nickname_taken",
        message:
          `nickname: "${checked.nickname}" is taken: another player's nickname looks the same. Choose another.`,
        field: "nickname",
      }, 409);
    }
    return c.json({ nickname: checked.nickname }, 200);
  });

  app.on(...at("signOut"), async (c) => {
    await account.signOut(c.get("user").sub);
    return c.json({ signed_out: true as const }, 200);
  });

  app.on(...at("deleteMe"), async (c) => {
    await account.erase(c.get("user").sub);
    return c.json({ deleted: true as const }, 200);
  });

  return app;
}
