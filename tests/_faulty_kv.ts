/**
 * A real `:memory:` KV with switchable faults: while an operation kind is
 * failing, calls of that kind reject as an unreachable database would; and
 * a number of calls of a kind can be made to meet lock contention first.
 * It is the app's own {@linkcode Kv} interface, as `guardKv` wraps it.
 */
import { DelegatingAtomic, type Kv, type KvList } from "../lib/kv.ts";

export type KvOperation =
  | "get"
  | "getMany"
  | "list"
  | "set"
  | "delete"
  | "commit";

export interface FaultyKv {
  kv: Kv;
  /** Operation kinds that currently fail. */
  failing: Set<KvOperation>;
  /**
   * Operation kinds that start failing once the next atomic commit has
   * succeeded: KV going away just after a change was made.
   */
  afterCommit: Set<KvOperation>;
  /**
   * How many more calls of a kind find the database locked (SQLite's
   * contention between local processes) before they go through. For `list`,
   * each step of a listing counts as a call.
   */
  busy: Map<KvOperation, number>;
  close(): void;
}

const injected = () => new Error("injected KV fault: database unreachable");
const locked = () => new TypeError("database is locked");

/** Every operation kind. */
export const ALL_OPERATIONS: readonly KvOperation[] = [
  "get",
  "getMany",
  "list",
  "set",
  "delete",
  "commit",
];

export async function faultyKv(): Promise<FaultyKv> {
  const real = await Deno.openKv(":memory:");
  const failing = new Set<KvOperation>();
  const afterCommit = new Set<KvOperation>();
  const busy = new Map<KvOperation, number>();
  /** Throws the fault due for one call of `op`, if any. */
  const fault = (op: KvOperation): void => {
    if (failing.has(op)) throw injected();
    const left = busy.get(op) ?? 0;
    if (left > 0) {
      busy.set(op, left - 1);
      throw locked();
    }
  };
  const call = async <T>(op: KvOperation, run: () => Promise<T>) => {
    fault(op);
    return await run();
  };

  class FaultyAtomic extends DelegatingAtomic {
    constructor() {
      super(real.atomic());
    }
    override async commit(): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
      fault("commit");
      const result = await this.op.commit();
      if (result.ok) {
        for (const op of afterCommit) failing.add(op);
        afterCommit.clear();
      }
      return result;
    }
  }

  /** Faults are met at any step of a listing, as a real one meets them. */
  class FaultyList<T> implements KvList<T> {
    readonly #inner: Deno.KvListIterator<T>;
    constructor(inner: Deno.KvListIterator<T>) {
      this.#inner = inner;
    }
    get cursor(): string {
      return this.#inner.cursor;
    }
    async next(): Promise<IteratorResult<Deno.KvEntry<T>, undefined>> {
      fault("list");
      return await this.#inner.next();
    }
    [Symbol.asyncIterator](): this {
      return this;
    }
  }

  const kv: Kv = {
    get: (key, options) => call("get", () => real.get(key, options)),
    getMany: (keys, options) =>
      call("getMany", () => real.getMany(keys, options)),
    list: <T>(selector: Deno.KvListSelector, options?: Deno.KvListOptions) =>
      new FaultyList(real.list<T>(selector, options)),
    set: (key, value, options) =>
      call("set", () => real.set(key, value, options)),
    delete: (key) => call("delete", () => real.delete(key)),
    atomic: () => new FaultyAtomic(),
  };
  return { kv, failing, afterCommit, busy, close: () => real.close() };
}
