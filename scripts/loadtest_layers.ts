/**
 * `deno task loadtest:layers`: the request path's layers over real HTTP, in
 * one process. Each variant of `GET /api/words` (a bare Hono route, then
 * the service's layers added one by one, then the whole application) is
 * served by `Deno.serve` on loopback and driven by the same keep-alive
 * client in the same process, in interleaved rounds, and the process's CPU
 * time per request is reported (median round). The client's share is the
 * same in every row, so the differences between rows are what each layer
 * costs the server, Deno's HTTP layer included, without the noise of a
 * second process being scheduled; `deno task loadtest` measures the service
 * as deployed.
 *
 * Flags: `--rounds=7`, `--seconds=1` per variant and round, `--workers=16`.
 */
import { parseArgs } from "node:util";
import { layers, measuredApp } from "./_request_path.ts";
import { Connection, prepare } from "./_http_client.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "7" },
    seconds: { type: "string", default: "1" },
    workers: { type: "string", default: "16" },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const WORKERS = Number(values.workers);

const measured = await measuredApp("http://127.0.0.1:1");
const { token } = measured;
const variants = layers(measured);

/** CPU seconds this process has used (user + system, every thread). */
function cpuSeconds(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const servers = variants.map((v) =>
  Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    v.app.fetch,
  )
);
const perRequest = variants.map((): number[] => []);
for (let round = 0; round < ROUNDS; round++) {
  const order = variants.map((_, i) => i);
  for (const i of round % 2 ? order.toReversed() : order) {
    const origin = `http://127.0.0.1:${
      (servers[i]!.addr as Deno.NetAddr).port
    }`;
    const request = prepare(
      origin,
      "GET",
      "/api/words",
      variants[i]!.auth ? { authorization: `Bearer ${token}` } : {},
    );
    const connections = Array.from(
      { length: WORKERS },
      () => Connection.to(origin),
    );
    // Warm: connections open, code optimised.
    await Promise.all(connections.map(async (c) => {
      for (let n = 0; n < 50; n++) await c.send(request);
    }));
    const before = cpuSeconds();
    const end = performance.now() + SECONDS * 1000;
    let requests = 0;
    await Promise.all(connections.map(async (c) => {
      while (performance.now() < end) {
        const answer = await c.send(request);
        if (answer.status !== 200) {
          throw new Error(`${variants[i]!.name}: ${answer.status}`);
        }
        requests++;
      }
    }));
    perRequest[i]!.push((cpuSeconds() - before) / requests * 1e6);
    for (const c of connections) c.close();
  }
}
await Promise.all(servers.map((s) => s.shutdown()));

const median = (xs: number[]) =>
  xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// deno-lint-ignore no-console
const print = console.log;
print(
  `\nDeno ${Deno.version.deno}, load average ${
    Deno.loadavg().map((n) => n.toFixed(1)).join(" ")
  } at the end; ${WORKERS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s; CPU µs per request of client and server together (median round; the rounds in brackets)\n`,
);
print("| variant | CPU µs/req | beyond the bare route |");
print("| --- | ---: | ---: |");
const floor = median(perRequest[0]!);
for (const [i, v] of variants.entries()) {
  const m = median(perRequest[i]!);
  print(
    `| ${v.name} | ${m.toFixed(1)} (${
      perRequest[i]!.map((x) => x.toFixed(1)).join(" ")
    }) | ${
      i === 0 ? "—" : `${m >= floor ? "+" : ""}${(m - floor).toFixed(1)}`
    } |`,
  );
}
measured.kv.close();
