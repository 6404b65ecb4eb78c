/** Small helpers over Deno KV shared by the auth and game stores. */

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

/**
 * SQLite-backed KV shared by several local processes reports lock
 * contention as an error; it clears within milliseconds, so it is retried
 * rather than reported as an outage.
 */
function isBusy(err: unknown): boolean {
  return err instanceof Error && /database is locked|busy/i.test(err.message);
}

const BUSY_RETRIES = 20;

async function retryBusy<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isBusy(err) || attempt >= BUSY_RETRIES) throw err;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 8 * attempt));
    }
  }
}

function fault(operation: string) {
  return (err: unknown): never => {
    throw err instanceof StorageUnavailable
      ? err
      : new StorageUnavailable(operation, err);
  };
}

async function* guardedList<T>(
  iterator: Deno.KvListIterator<T>,
): AsyncGenerator<Deno.KvEntry<T>> {
  try {
    yield* iterator;
  } catch (err) {
    fault("list")(err);
  }
}

/**
 * Wraps a real `Deno.Kv` so every failure surfaces as
 * {@linkcode StorageUnavailable}: reads, lists, atomic commits and writes.
 * The wrapped object is still a `Deno.Kv` to its users.
 */
export function guardKv(kv: Deno.Kv): Deno.Kv {
  const atomic = (): Deno.AtomicOperation => {
    let op: Deno.AtomicOperation;
    try {
      op = kv.atomic();
    } catch (err) {
      return fault("atomic")(err);
    }
    return new Proxy(op, {
      get(target, prop, receiver) {
        if (prop === "commit") {
          return () => retryBusy(() => target.commit()).catch(fault("commit"));
        }
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result === target ? receiver : result;
        };
      },
    });
  };
  return new Proxy(kv, {
    get(target, prop) {
      switch (prop) {
        case "atomic":
          return atomic;
        case "list":
          return <T>(
            selector: Deno.KvListSelector,
            options?: Deno.KvListOptions,
          ) => {
            try {
              return guardedList(target.list<T>(selector, options));
            } catch (err) {
              return fault("list")(err);
            }
          };
        case "get":
        case "getMany":
        case "set":
        case "delete":
          return (...args: unknown[]) => {
            try {
              return (Reflect.get(target, prop) as (
                ...a: unknown[]
              ) => Promise<unknown>)
                .apply(target, args).catch(fault(prop));
            } catch (err) {
              return fault(prop)(err);
            }
          };
        default: {
          const value = Reflect.get(target, prop);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
}

/** Most mutations sent in one atomic operation when deleting in bulk. */
const BATCH = 100;

/** Deletes `keys` in atomic batches (KV caps mutations per operation). */
export async function deleteAll(
  kv: Deno.Kv,
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
  kv: Deno.Kv,
  prefix: Deno.KvKey,
): Promise<Deno.KvKey[]> {
  const found: Deno.KvKey[] = [];
  for await (const { key } of kv.list({ prefix })) found.push(key);
  return found;
}
