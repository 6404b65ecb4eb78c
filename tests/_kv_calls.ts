/**
 * A KV that counts the calls reaching the database: for tests that bound
 * how many round trips an operation makes.
 */
import type { Kv } from "../lib/kv.ts";

/** `kv`, counting each call that goes to the database. */
export function counting(kv: Deno.Kv) {
  const calls: string[] = [];
  const wrapped: Kv = {
    get: (key, options) => (calls.push("get"), kv.get(key, options)),
    getMany: ((keys: Deno.KvKey[], options?: never) => (
      calls.push("getMany"), kv.getMany(keys, options)
    )) as Kv["getMany"],
    list: (
      selector,
      options,
    ) => (calls.push("list"), kv.list(selector, options)),
    set: (
      key,
      value,
      options,
    ) => (calls.push("set"), kv.set(key, value, options)),
    delete: (key) => (calls.push("delete"), kv.delete(key)),
    atomic: () => {
      const op = kv.atomic();
      const commit = op.commit.bind(op);
      op.commit = () => (calls.push("commit"), commit());
      return op;
    },
  };
  return {
    kv: wrapped,
    /** The calls since the last `take()`, sorted. */
    take: () => calls.splice(0).sort(),
    /** How many calls since the last `take()`. */
    count: () => calls.length,
  };
}
