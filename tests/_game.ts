/** Game helpers shared by the API tests. */
import assert from "node:assert/strict";
import { Tokens } from "../auth/tokens.ts";
import { gameKeys, type RoundState } from "../game/game.ts";
import { WORDS } from "../game/words.ts";
import type { TestApp } from "./_app.ts";
import { keyring } from "./_keys.ts";
import type { Kv } from "../lib/kv.ts";

/** The secret word, read the way only a test can: open the handle, read KV. */
export async function secret(t: TestApp, handle: string): Promise<string> {
  const opened = await new Tokens(keyring, t.now).open("round", handle);
  assert.ok(opened.ok);
  const state = (await t.kv.get<RoundState>(
    gameKeys.round(opened.claims.sub, opened.claims.rid),
  )).value!;
  return WORDS[state.category][state.word]!.word;
}

/** The secret word of `handle`, read at the domain layer. */
export async function wordOf(
  kv: Kv,
  tokens: Tokens,
  handle: string,
): Promise<string> {
  const opened = await tokens.open("round", handle);
  assert.ok(opened.ok);
  const state = (await kv.get<RoundState>(
    gameKeys.round(opened.claims.sub, opened.claims.rid),
  )).value!;
  return WORDS[state.category][state.word]!.word;
}
