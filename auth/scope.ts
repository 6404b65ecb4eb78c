/**
 * Scopes. The service grants one scope a resource checks, `game` (play, see
 * and change your own score), and accepts `offline_access` (OpenID Connect
 * Core §11), which MCP clients ask for to get a refresh token: it is echoed
 * in the granted scope, and changes nothing, since every grant gets a
 * refresh token with or without it. GPT authors type free text into the builder's Scope field and
 * ChatGPT sends it verbatim, so unknown values are dropped rather than
 * refused, separators may be spaces or commas, and a missing or empty scope
 * means `game` (DESIGN.md §6).
 *
 * @module
 */

/** Every scope this service knows, with what it lets a client do. */
export const SCOPES = {
  game: "Play the word game, and see and change your own score",
  offline_access: "Stay signed in until you sign out",
} as const;

/** A scope this service grants. */
export type Scope = keyof typeof SCOPES;

/** Parses a requested scope into the granted one (a space-separated string). */
export function grantScope(requested: string | null | undefined): string {
  const known = new Set(
    (requested ?? "").split(/[\s,]+/).filter((s): s is Scope =>
      Object.hasOwn(SCOPES, s)
    ),
  );
  // `game` is the only thing a client can do, so every grant has it, even
  // one that asks for nothing known or only for `offline_access`.
  known.add("game");
  return [...known].sort().join(" ");
}
