/**
 * A `fetch` that lands in an in-process Hono app, for fake upstream
 * providers. Like a real fetch, an aborted signal rejects the call with its
 * reason (a timeout is a `TimeoutError`), even while the app still works.
 */
import type { Hono } from "hono";

export function fetchInto(app: Hono): typeof fetch {
  return (input, init) => {
    const signal = init?.signal ??
      (input instanceof Request ? input.signal : undefined);
    const answer = Promise.resolve(
      app.request(input instanceof Request ? input : String(input), init),
    );
    if (!signal) return answer;
    return new Promise<Response>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), {
        once: true,
      });
      answer.then(resolve, reject);
    });
  };
}
