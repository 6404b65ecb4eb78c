/**
 * Scopes. The service grants one scope, `game` (play, see and change your
 * own score). GPT authors type free text into the builder's Scope field and
 * ChatGPT sends it verbatim, so unknown values are dropped rather than
 * refused, separators may be spaces or commas, and a missing or empty scope
 * means `game` (DESIGN.md §6).
 *
 * @module
 */

/** Every scope this service knows, with what it lets a client do. */
export const SCOPES = {
  game: "Play the word game, and see and change your own score",
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
  // `game` is the only scope, so anything that asks for nothing known gets it.
  if (known.size === 0) known.add("game");
  return [...known].sort().join(" ");
}
