/** Game helpers shared by the API tests. */
import assert from "node:assert/strict";
import { Tokens } from "../auth/tokens.ts";
import { gameKeys, type RoundState } from "../game/game.ts";
import { WORDS } from "../game/words.ts";
import type { TestApp } from "./_app.ts";
import { keyring } from "./_keys.ts";
import type { Kv } from "../lib/kv.ts";

/**
 * The round behind a handle, read the way only a test can: open the
 * handle with the keys, read its row from KV.
 */
export async function roundOf(
  kv: Kv,
  tokens: Tokens,
  handle: string,
): Promise<{ key: Deno.KvKey; state: RoundState }> {
  const opened = await tokens.open("round", handle);
  assert.ok(opened.ok, "a real round handle");
  const key = gameKeys.round(opened.claims.sub, opened.claims.rid);
  const state = (await kv.get<RoundState>(key)).value;
  assert.ok(state, "the round is stored");
  return { key, state };
}

/** The secret word behind a round handle. */
export async function wordOf(
  kv: Kv,
  tokens: Tokens,
  handle: string,
): Promise<string> {
  const { state } = await roundOf(kv, tokens, handle);
  return WORDS[state.category][state.word]!.word;
}

/** The secret word behind a round handle of the test app `t`. */
export function secret(t: TestApp, handle: string): Promise<string> {
  return wordOf(t.kv, new Tokens(keyring, t.now), handle);
}

/** The word of `sub`'s open round (the newest open one), read from KV. */
export async function openWord(kv: Kv, sub: string): Promise<string> {
  for await (const row of kv.list<RoundState>({ prefix: ["round", sub] })) {
    if (row.value.status === "open") {
      return WORDS[row.value.category][row.value.word]!.word;
    }
  }
  throw new Error("no open round");
}
