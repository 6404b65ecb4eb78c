/**
 * Where each operation of the game API lives: its method and its path (in
 * OpenAPI's `{param}` form). The routes (`game.ts`) and the schemas that
 * validate and document them (`game_spec.ts`) both read this table, so the
 * served path and the published one are one value.
 *
 * @module
 */

/** One operation's method and path. */
export interface Endpoint {
  method: "get" | "post" | "put" | "delete";
  path: `/api/${string}`;
}

/** Every operation of the game API, by its `operationId`-like name. */
export const ENDPOINTS = {
  listCategories: { method: "get", path: "/api/words" },
  getWords: { method: "get", path: "/api/words/{category}" },
  startRound: { method: "post", path: "/api/rounds" },
  getCurrentRound: { method: "get", path: "/api/rounds/current" },
  getClue: { method: "post", path: "/api/rounds/clue" },
  submitGuess: { method: "post", path: "/api/rounds/guess" },
  giveUp: { method: "post", path: "/api/rounds/giveup" },
  getScore: { method: "get", path: "/api/score" },
  getLeaderboard: { method: "get", path: "/api/leaderboard" },
  getMe: { method: "get", path: "/api/me" },
  getPlan: { method: "get", path: "/api/plan" },
  setNickname: { method: "put", path: "/api/me/nickname" },
  signOut: { method: "post", path: "/api/me/signout" },
  deleteMe: { method: "delete", path: "/api/me" },
} as const satisfies Record<string, Endpoint>;

/** The name of an operation. */
export type Operation = keyof typeof ENDPOINTS;

/** The operations whose request has a part to validate (a body or a path parameter). */
export type ValidatedOperation =
  | "getWords"
  | "startRound"
  | "getClue"
  | "submitGuess"
  | "giveUp"
  | "setNickname";

/** An endpoint's path as Hono routes it (`/:param`). */
export const honoPath = (path: string): string =>
  path.replaceAll(/\/{(.+?)}/g, "/:$1");
