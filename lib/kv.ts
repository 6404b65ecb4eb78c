/** Small helpers over Deno KV shared by the auth and game stores. */

/** Seconds a client is told to wait (`Retry-After`) when storage is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * KV could not be reached or refused an operation. The app answers 503 with
 * `Retry-After` (OAuth endpoints: `temporarily_unavailable`) instead of 500.
 */
export class StorageUnavailable extends Error {
  override name = "StorageUnavailable";
  constructor(operation: string, cause: unknown) {
    super(
      `KV ${operation} failed: ${
        cause instanceof Error ? `${cause.name}: ${cause.message}` : cause
      }`,
      { cause },
    );
  }
}

/** A listing, as `Deno.Kv.list` returns it: entries, and where it stopped. */
export interface KvList<T> extends AsyncIterableIterator<Deno.KvEntry<T>> {
  /** Resumes the listing when passed as `cursor` (see `Deno.KvListIterator`). */
  readonly cursor: string;
}

/** The mutations of an atomic operation that the app uses. */
export interface KvAtomic {
  check(...checks: Deno.AtomicCheck[]): this;
  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this;
  delete(key: Deno.KvKey): this;
  sum(key: Deno.KvKey, n: bigint): this;
  min(key: Deno.KvKey, n: bigint): this;
  max(key: Deno.KvKey, n: bigint): this;
  commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError>;
}

/**
 * The part of Deno KV the app uses. A `Deno.Kv` is one; so are
 * {@linkcode guardKv}'s wrapper and the tests' fault-injecting KV.
 */
export interface Kv {
  get<T = unknown>(
    key: Deno.KvKey,
    options?: { consistency?: Deno.KvConsistencyLevel },
  ): Promise<Deno.KvEntryMaybe<T>>;
  getMany<T extends readonly unknown[]>(
    keys: readonly [...{ [K in keyof T]: Deno.KvKey }],
    options?: { consistency?: Deno.KvConsistencyLevel },
  ): Promise<{ [K in keyof T]: Deno.KvEntryMaybe<T[K]> }>;
  list<T = unknown>(
    selector: Deno.KvListSelector,
    options?: Deno.KvListOptions,
  ): KvList<T>;
  set(
    key: Deno.KvKey,
    value: unknown,
    options?: { expireIn?: number },
  ): Promise<Deno.KvCommitResult>;
  delete(key: Deno.KvKey): Promise<void>;
  atomic(): KvAtomic;
}

/**
 * SQLite-backed KV shared by several local processes reports lock
 * contention as an error; it clears within milliseconds, so it is retried
 * rather than reported as an outage.
 */
function isBusy(err: unknown): boolean {
  return err instanceof Error && /database is locked|busy/i.test(err.message);
}

const BUSY_RETRIES = 20;

function pause(attempt: number): Promise<void> {
  return new Promise((r) => setTimeout(r, 2 + Math.random() * 8 * attempt));
}

/**
 * Runs one KV operation: lock contention is retried, and any failure that
 * remains becomes {@linkcode StorageUnavailable}.
 */
async function guarded<T>(
  operation: string,
  run: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (err instanceof StorageUnavailable) throw err;
      if (!isBusy(err) || attempt >= BUSY_RETRIES) {
        throw new StorageUnavailable(operation, err);
      }
      await pause(attempt);
    }
  }
}

/**
 * A listing that survives lock contention: a batch read that finds the
 * database locked is read again from the cursor of the last entry yielded.
 */
class GuardedList<T> implements KvList<T> {
  readonly #open: (cursor?: string, limit?: number) => KvList<T>;
  readonly #limit: number | undefined;
  #inner: KvList<T> | undefined;
  #yielded = 0;
  /** Where the current inner listing started, when it was resumed. */
  #resumedAt: string | undefined;

  constructor(
    open: (cursor?: string, limit?: number) => KvList<T>,
    limit: number | undefined,
  ) {
    this.#open = open;
    this.#limit = limit;
  }

  get cursor(): string {
    if (this.#inner === undefined) {
      throw new Error("Cannot get cursor before first iteration");
    }
    if (this.#resumedAt === undefined) return this.#inner.cursor;
    try {
      return this.#inner.cursor || this.#resumedAt;
    } catch {
      return this.#resumedAt; // nothing yielded since resuming
    }
  }

  async next(): Promise<IteratorResult<Deno.KvEntry<T>, undefined>> {
    for (let attempt = 0;; attempt++) {
      try {
        this.#inner ??= this.#open(undefined, this.#limit);
        const result = await this.#inner.next();
        if (!result.done) this.#yielded++;
        return result;
      } catch (err) {
        if (!isBusy(err) || attempt >= BUSY_RETRIES) {
          throw new StorageUnavailable("list", err);
        }
        await pause(attempt);
        if (this.#inner !== undefined && this.#yielded > 0) {
          this.#resumedAt = this.cursor;
          this.#inner = this.#open(
            this.#resumedAt,
            this.#limit === undefined ? undefined : this.#limit - this.#yielded,
          );
        } else {
          this.#inner = undefined;
        }
      }
    }
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * An atomic operation that hands every mutation to `op`; subclasses decide
 * what committing means (guarded here, fault-injected in the tests).
 */
export class DelegatingAtomic implements KvAtomic {
  protected readonly op: KvAtomic;
  constructor(op: KvAtomic) {
    this.op = op;
  }
  check(...checks: Deno.AtomicCheck[]): this {
    this.op.check(...checks);
    return this;
  }
  set(key: Deno.KvKey, value: unknown, options?: { expireIn?: number }): this {
    this.op.set(key, value, options);
    return this;
  }
  delete(key: Deno.KvKey): this {
    this.op.delete(key);
    return this;
  }
  sum(key: Deno.KvKey, n: bigint): this {
    this.op.sum(key, n);
    return this;
  }
  min(key: Deno.KvKey, n: bigint): this {
    this.op.min(key, n);
    return this;
  }
  max(key: Deno.KvKey, n: bigint): this {
    this.op.max(key, n);
    return this;
  }
  commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    return this.op.commit();
  }
}

/** An atomic operation whose commit is guarded like every other call. */
class GuardedAtomic extends DelegatingAtomic {
  override commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    return guarded("commit", () => this.op.commit());
  }
}

/**
 * Wraps a KV so that every call retries lock contention and every failure
 * that remains surfaces as {@linkcode StorageUnavailable}: reads, lists,
 * writes and atomic commits.
 *
 * @example
 * ```ts
 * const kv = guardKv(await Deno.openKv(":memory:"));
 * await kv.get(["health"]); // rejects with StorageUnavailable if KV is down
 * ```
 */
export function guardKv(kv: Kv): Kv {
  return {
    get: (key, options) => guarded("get", () => kv.get(key, options)),
    getMany: (keys, options) =>
      guarded("getMany", () => kv.getMany(keys, options)),
    list: <T>(selector: Deno.KvListSelector, options?: Deno.KvListOptions) =>
      new GuardedList<T>(
        (cursor, limit) =>
          kv.list<T>(selector, {
            ...options,
            ...(cursor === undefined ? {} : { cursor }),
            ...(limit === undefined ? {} : { limit }),
          }),
        options?.limit,
      ),
    set: (key, value, options) =>
      guarded("set", () => kv.set(key, value, options)),
    delete: (key) => guarded("delete", () => kv.delete(key)),
    atomic: () => {
      try {
        return new GuardedAtomic(kv.atomic());
      } catch (err) {
        throw new StorageUnavailable("atomic", err);
      }
    },
  };
}

/** Most mutations sent in one atomic operation when deleting in bulk. */
const BATCH = 100;

/** Deletes `keys` in atomic batches (KV caps mutations per operation). */
export async function deleteAll(
  kv: Kv,
  keys: readonly Deno.KvKey[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += BATCH) {
    const op = kv.atomic();
    for (const key of keys.slice(i, i + BATCH)) op.delete(key);
    await op.commit();
  }
}

/** Every key under `prefix`. */
export async function keysUnder(
  kv: Kv,
  prefix: Deno.KvKey,
): Promise<Deno.KvKey[]> {
  const found: Deno.KvKey[] = [];
  for await (const { key } of kv.list({ prefix })) found.push(key);
  return found;
}
