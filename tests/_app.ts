/**
 * The whole application in memory: real KV (`:memory:`), a controllable
 * clock, a recorded log, and upstream `fetch` pointed wherever a test says.
 */
import type { Hono } from "hono";
import { createApp } from "../app/mod.ts";
import { type Config, type Env, loadConfig } from "../config.ts";
import type { LogLevel } from "../lib/log.ts";
import type { Deps } from "../app/services.ts";
import type { Keyring } from "../auth/seal.ts";
import type { Kv } from "../lib/kv.ts";
import { keyring } from "./_keys.ts";

export const CLIENT_ID = "gpt-test";
export const CLIENT_SECRET = "wNgyJck2WADT7189a2MJ5F8aHbZhwCGBStKBIdqbfS8";
export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

/** Environment for tests; development sign-in on. */
export function testEnv(overrides: Env = {}): Env {
  return {
    PUBLIC_URL: "https://words.example.com",
    // Checked like any configuration, unused: tests share one keyring.
    SEAL_KEYS: "k1:MjV8FNhaVrV8KpFzl7UDA_vuWLXcWCrzfwhRzI7pRJk",
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    DEV_LOGIN: "1",
    ...overrides,
  };
}

export interface LogLine {
  level: LogLevel;
  msg: string;
  fields?: Record<string, unknown>;
}

export interface TestApp {
  app: Hono;
  kv: Kv;
  config: Config;
  logs: LogLine[];
  /** Moves the clock forward. */
  advance(seconds: number): void;
  now(): number;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Builds the app over a fresh `:memory:` KV. Use with `await using`. */
export async function testApp(
  options: {
    env?: Env;
    fetch?: typeof fetch;
    kv?: Kv;
    /** Another keyring (key rotation tests); default: `k1` only. */
    keyring?: Keyring;
    /**
     * The clock moves 1 ms on every read, so no two events share a
     * millisecond (races over "issued before the revocation").
     */
    ticking?: boolean;
    /** Share this other app's clock (several instances, one time). */
    clockOf?: TestApp;
    /** With `clockOf`: this instance's clock runs this many ms ahead (< 0: behind). */
    skewMs?: number;
    /** As `deno task dev` says when it generated the client secret. */
    devGeneratedSecret?: boolean;
    /** Where Client ID Metadata Documents are fetched from. */
    documents?: Deps["documents"];
  } = {},
): Promise<TestApp> {
  const config = loadConfig(testEnv(options.env));
  const owned = options.kv ? undefined : await Deno.openKv(":memory:");
  const kv: Kv = options.kv ?? owned!;
  let now = T0;
  const other = options.clockOf;
  const skew = options.skewMs ?? 0;
  const read = other
    ? () => other.now() + skew
    : options.ticking
    ? () => ++now
    : () => now;
  const advance = options.clockOf?.advance ??
    ((seconds: number) => void (now += seconds * 1000));
  const logs: LogLine[] = [];
  const deps: Deps = {
    config,
    kv,
    now: read,
    fetch: options.fetch ??
      (() => Promise.reject(new Error("no upstream in this test"))),
    log: (level, msg, fields) => logs.push({ level, msg, fields }),
    keyring: options.keyring ?? keyring,
    devGeneratedSecret: options.devGeneratedSecret,
    documents: options.documents ?? {
      fetch: () => Promise.reject(new Error("no document host in this test")),
      resolve: () => Promise.resolve([]),
    },
  };
  return {
    app: createApp(deps),
    kv,
    config,
    logs,
    advance,
    now: read,
    [Symbol.asyncDispose]() {
      owned?.close();
      return Promise.resolve();
    },
  };
}

/** Every KV row as `[key, value]`, in key order. */
export async function kvRows(kv: Kv): Promise<[Deno.KvKey, unknown][]> {
  const rows: [Deno.KvKey, unknown][] = [];
  for await (const { key, value } of kv.list({ prefix: [] })) {
    rows.push([key, value]);
  }
  return rows;
}

/** One row (or the whole store) as text to search, bigints included. */
export function kvText(row: unknown): string {
  return JSON.stringify(
    row,
    (_, v) => typeof v === "bigint" ? String(v) : v,
  );
}

/** The whole store as one text: what someone reading the database sees. */
export async function kvDump(kv: Kv): Promise<string> {
  return kvText(await kvRows(kv));
}

/**
 * The keys of every KV row whose key or value mentions `needle` (a user id,
 * a nickname).
 */
export async function rowsMentioning(
  kv: Kv,
  needle: string,
): Promise<Deno.KvKey[]> {
  return (await kvRows(kv))
    .filter((row) => kvText(row).includes(needle))
    .map(([key]) => key);
}

/**
 * The rows mentioning `needle` that outlive the short-lived ones: rate
 * windows (2 minutes) and revocation log entries (an hour and 5 minutes,
 * so that every instance refuses the tokens of an erased user) expire on
 * their own.
 */
export async function lastingRowsMentioning(
  kv: Kv,
  needle: string,
): Promise<Deno.KvKey[]> {
  return (await rowsMentioning(kv, needle)).filter((key) =>
    key[0] !== "rate" && key[0] !== "revocation_log"
  );
}

/**
 * What an erasure leaves of `sub`: the sign-out record alone, kept as a
 * tombstone so nothing issued before the erasure works again.
 */
export const tombstoneOf = (sub: string): Deno.KvKey[] => [[
  "user_revoked",
  sub,
]];
