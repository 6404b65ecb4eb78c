/**
 * A real `:memory:` KV with switchable faults: while an operation kind is
 * failing, calls of that kind reject as an unreachable database would.
 */
export type KvOperation =
  | "get"
  | "getMany"
  | "list"
  | "set"
  | "delete"
  | "commit";

export interface FaultyKv {
  kv: Deno.Kv;
  /** Operation kinds that currently fail. */
  failing: Set<KvOperation>;
  /**
   * Operation kinds that start failing once the next atomic commit has
   * succeeded: KV going away just after a change was made.
   */
  afterCommit: Set<KvOperation>;
  close(): void;
}

const injected = () => new Error("injected KV fault: database unreachable");

export async function faultyKv(): Promise<FaultyKv> {
  const real = await Deno.openKv(":memory:");
  const failing = new Set<KvOperation>();
  const afterCommit = new Set<KvOperation>();
  const kv = new Proxy(real, {
    get(target, prop) {
      if (prop === "atomic") {
        return () => {
          const op = target.atomic();
          return new Proxy(op, {
            get(o, p, receiver) {
              if (p === "commit") {
                return async () => {
                  if (failing.has("commit")) throw injected();
                  const result = await o.commit();
                  if (result.ok) {
                    for (const op of afterCommit) failing.add(op);
                    afterCommit.clear();
                  }
                  return result;
                };
              }
              const value = Reflect.get(o, p, receiver);
              return typeof value === "function"
                ? (...args: unknown[]) => {
                  const r = value.apply(o, args);
                  return r === o ? receiver : r;
                }
                : value;
            },
          });
        };
      }
      if (prop === "list") {
        return (...args: Parameters<Deno.Kv["list"]>) => {
          if (failing.has("list")) {
            return (async function* () {
              yield* [];
              throw injected();
            })();
          }
          return target.list(...args);
        };
      }
      if (
        prop === "get" || prop === "getMany" || prop === "set" ||
        prop === "delete"
      ) {
        return (...args: unknown[]) =>
          failing.has(prop)
            ? Promise.reject(injected())
            : (Reflect.get(target, prop) as (
              ...a: unknown[]
            ) => Promise<unknown>).apply(target, args);
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv, failing, afterCommit, close: () => real.close() };
}

/** Every operation kind. */
export const ALL_OPERATIONS: readonly KvOperation[] = [
  "get",
  "getMany",
  "list",
  "set",
  "delete",
  "commit",
];
