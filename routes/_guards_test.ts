import assert from "node:assert/strict";
import { Hono } from "hono";
import fc from "../tests/_deps/fast_check.ts";
import { allowlist, clientAddress, rateLimit } from "./_guards.ts";
import {
  type IpRange,
  isLoopbackIp,
  parseAllowlist,
  parseIp,
  parseRange,
} from "../lib/ip.ts";
import { problemHeaders, Refused, statusOf } from "./_common.ts";
import { RateLimiter } from "../lib/rate_limit.ts";
import type { LogLevel } from "../lib/log.ts";

Deno.test("parseAllowlist() reads CIDR lists and OpenAI's published prefixes format", () => {
  const range = (text: string) => parseRange(text)!;
  assert.deepEqual(parseAllowlist("10.0.0.0/8, 192.168.1.7 2001:db8::/32"), {
    ok: true,
    ranges: [range("10.0.0.0/8"), range("192.168.1.7"), range("2001:db8::/32")],
  });
  const openai = JSON.stringify({
    creationTime: "2026-11-01T00:00:00Z",
    prefixes: [{ ipv4Prefix: "23.102.140.112/28" }, {
      ipv6Prefix: "2603:1030::/32",
    }],
  });
  assert.deepEqual(parseAllowlist(openai), {
    ok: true,
    ranges: [range("23.102.140.112/28"), range("2603:1030::/32")],
  });
  for (
    const bad of [
      "10.0.0.0/33",
      "300.1.1.1",
      "abc",
      "",
      "{",
      '{"prefixes":[{}]}',
      "2001:db8::/129",
    ]
  ) {
    assert.equal(parseAllowlist(bad).ok, false, bad);
  }
});

Deno.test("parseRange() accepts addresses and ranges of both families only, by parseIp's rules", () => {
  for (
    const ok of [
      "1.2.3.4",
      "0.0.0.0/0",
      "::1",
      "::/0",
      "2001:db8::1/128",
      "::ffff:1.2.3.4",
    ]
  ) {
    assert.ok(parseRange(ok), ok);
  }
  for (
    const bad of [
      "1.2.3",
      "1.2.3.4/",
      "1.2.3.4/40",
      "gg::1",
      "1:2",
      "::1/200",
      "localhost",
      "01.2.3.4",
      "1.2.3.04/32",
      "10.0.0.0/08",
      "1.2.3.4:80",
      "[::1]",
      "fe80::1%eth0",
      "::ffff:0:0/95",
      " 1.2.3.4",
    ]
  ) {
    assert.equal(parseRange(bad), null, bad);
  }
});

/** Draws refusals as the sub-app a guard protects would: here, bare JSON. */
function refusals(app: Hono): Hono {
  app.onError((err, c) => {
    if (!(err instanceof Refused)) throw err;
    problemHeaders(c, err.problem);
    return c.json({ refused: err.problem.kind }, statusOf(err.problem));
  });
  return app;
}

/** An address written out from its bits: dotted IPv4, or eight IPv6 groups. */
function addressOf(family: 4 | 6, bits: bigint): string {
  const [count, size, base, sep] = family === 4
    ? [4, 8n, 10, "."]
    : [8, 16n, 16, ":"];
  const parts: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    parts.push(
      ((bits >> (BigInt(i) * size)) & ((1n << size) - 1n)).toString(base),
    );
  }
  return parts.join(sep);
}

Deno.test("allowlist(): every range parseAllowlist accepts (as the configuration does) builds, lets its own addresses in and keeps others out", async () => {
  // Range texts as operators write them, mistakes included: leading zeros,
  // large octets, odd prefixes, mapped and compressed IPv6.
  const octet = fc.oneof(
    fc.integer({ min: 0, max: 300 }).map(String),
    fc.integer({ min: 0, max: 99 }).map((n) => `0${n}`),
  );
  const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
  const group = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16)),
    fc.constantFrom("0", "00000", "ffff", "FFFF"),
  );
  const v6 = fc.oneof(
    fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => g.join(":")),
    fc.tuple(
      fc.array(group, { maxLength: 3 }),
      fc.array(group, { maxLength: 3 }),
    )
      .map(([a, b]) => `${a.join(":")}::${b.join(":")}`),
    v4.map((a) => `::ffff:${a}`),
  );
  const prefix = fc.oneof(
    fc.constant(""),
    fc.integer({ min: 0, max: 130 }).map((n) => `/${n}`),
    fc.integer({ min: 0, max: 9 }).map((n) => `/0${n}`),
  );
  const text = fc.tuple(fc.oneof(v4, v6), prefix).map(([a, p]) => a + p);
  await fc.assert(
    fc.asyncProperty(
      text,
      fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
      async (entry, noise) => {
        const parsed = parseAllowlist(entry);
        if (!parsed.ok) return;
        const [range] = parsed.ranges as [IpRange];
        const width = range.family === 4 ? 32 : 128;
        const all = (1n << BigInt(width)) - 1n;
        const inside = range.network | (noise & all & ~range.mask);
        const app = refusals(new Hono());
        app.use(allowlist(parsed.ranges, clientAddress(null)));
        app.get("/", (c) => c.text("ok"));
        const from = (bits: bigint) =>
          app.request("/", {}, {
            remoteAddr: {
              transport: "tcp",
              hostname: addressOf(range.family, bits),
              port: 1,
            },
          });
        assert.equal((await from(inside)).status, 200, `${entry}: inside`);
        if (range.prefix > 0) {
          const outside = inside ^ (1n << BigInt(width - 1));
          assert.equal((await from(outside)).status, 403, `${entry}: outside`);
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("allowlist() lets listed addresses through and refuses others through the app's renderer", async () => {
  const app = refusals(new Hono());
  app.use(
    allowlist(
      [parseRange("10.0.0.0/8")!, parseRange("2001:db8::/32")!],
      clientAddress(null),
    ),
  );
  app.get("/", (c) => c.text("ok"));
  const from = (hostname: string) =>
    app.request("/", {}, {
      remoteAddr: { transport: "tcp", hostname, port: 1 },
    });
  assert.equal((await from("10.1.2.3")).status, 200);
  assert.equal((await from("2001:db8::5")).status, 200);
  const refused = await from("11.0.0.1");
  assert.equal(refused.status, 403);
  assert.deepEqual(await refused.json(), { refused: "forbidden" });
});

Deno.test("clientAddress() ignores forwarded headers unless told to trust one, then takes the last hop", async () => {
  const app = new Hono();
  app.get("/plain", (c) => c.text(clientAddress(null)(c)));
  app.get("/proxied", (c) => c.text(clientAddress("X-Forwarded-For")(c)));
  const init = { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.9" } };
  const env = {
    remoteAddr: { transport: "tcp", hostname: "10.0.0.1", port: 1 },
  };
  assert.equal(
    await (await app.request("/plain", init, env)).text(),
    "10.0.0.1",
  );
  assert.equal(
    await (await app.request("/proxied", init, env)).text(),
    "203.0.113.9",
  );
});

Deno.test("parseIp() gives one canonical form per address and null for anything else", () => {
  const cases: [string, string | null][] = [
    ["203.0.113.9", "203.0.113.9"],
    [" 203.0.113.9 ", "203.0.113.9"],
    ["203.0.113.9:4711", "203.0.113.9"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["[2001:DB8::1]:443", "2001:db8::1"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["::FFFF:cb00:7109", "203.0.113.9"],
    ["::1", "::1"],
    ["x".repeat(3000), null],
    ["203.0.113.9" + " ".repeat(100) + "1", null],
    ["unknown", null],
    ["", null],
    ["1.2.3", null],
    ["1.2.3.4.5", null],
    ["256.1.1.1", null],
    ["01.2.3.4", null],
    ["fe80::1%eth0", null],
    ["::ffff:1.2.3.4:80", null],
    ["[::1]:80x", null],
    ["203.0.113.9, 198.51.100.1", null],
  ];
  for (const [value, expected] of cases) {
    assert.equal(parseIp(value), expected, JSON.stringify(value.slice(0, 40)));
  }
  assert.ok(isLoopbackIp("127.0.0.1") && isLoopbackIp("127.8.9.10"));
  assert.ok(isLoopbackIp(parseIp("::ffff:127.0.0.1")!));
  assert.ok(isLoopbackIp(parseIp("0:0:0:0:0:0:0:1")!));
  assert.ok(!isLoopbackIp("128.0.0.1") && !isLoopbackIp("::2"));
});

Deno.test("clientAddress() takes a trusted header only when it holds an IP address, else the connection's address, said once", async () => {
  const logged: [LogLevel, string, Record<string, unknown>?][] = [];
  const address = clientAddress(
    "X-Forwarded-For",
    (level, msg, fields) => logged.push([level, msg, fields]),
  );
  const app = new Hono();
  app.get("/", (c) => c.text(address(c)));
  const seen = async (forwarded?: string) => {
    const headers: Record<string, string> = forwarded === undefined
      ? {}
      : { "x-forwarded-for": forwarded };
    return await (await app.request("/", { headers }, {
      remoteAddr: { transport: "tcp", hostname: "::ffff:10.0.0.1", port: 1 },
    })).text();
  };
  assert.equal(await seen("6.6.6.6, [2001:DB8::7]:5000"), "2001:db8::7");
  assert.equal(await seen("6.6.6.6, 203.0.113.9:4711"), "203.0.113.9");
  for (
    const bad of [
      "1.2.3.4, " + "x".repeat(3000),
      "unknown",
      "a, b",
      "",
      undefined,
    ]
  ) {
    assert.equal(await seen(bad), "10.0.0.1", String(bad).slice(0, 20));
  }
  assert.equal(logged.length, 1, "logged once, not per request");
  assert.equal(logged[0]![0], "warn");
  assert.equal(logged[0]![2]?.header, "x-forwarded-for");
  assert.ok(!JSON.stringify(logged).includes("xxx"), "the value is not logged");
});

Deno.test("rateLimit() refuses through the app's renderer, with Retry-After, when over the limit", async () => {
  await using kv = await Deno.openKv(":memory:");
  const app = refusals(new Hono());
  app.use(rateLimit(new RateLimiter(kv, () => 0), {
    bucket: "t",
    limit: 1,
    windowSeconds: 10,
    id: () => "one",
  }));
  app.get("/", (c) => c.text("ok"));
  assert.equal((await app.request("/")).status, 200);
  const res = await app.request("/");
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "10");
  assert.deepEqual(await res.json(), { refused: "too_many" });
});
