/**
 * OpenTelemetry as an operator turns it on: the real `main.ts` in its own
 * process with `OTEL_DENO=true`, exporting OTLP/HTTP (JSON) to a receiver on
 * loopback. Requests' spans carry their route pattern and status; the
 * counters count sign-ins, code exchanges, refreshes, refusals, rate-limit
 * hits; no token or secret is exported, and a code only in the URL that
 * Deno itself records for the request that carried it.
 */
import assert from "node:assert/strict";
import { CLIENT_SECRET, type TestApp } from "./_app.ts";
import { api, exchange, postForm, refresh, signIn } from "./_flow.ts";
import { SEAL_KEYS, startServer } from "./_process.ts";
import { startStripeFake } from "../scripts/stripe_fake.ts";
import {
  PRICE,
  SECRET_KEY as STRIPE_SECRET_KEY,
  WEBHOOK_SECRET,
} from "./_billing.ts";

interface Export {
  path: string;
  body: string;
}

/** An OTLP/HTTP receiver on loopback that keeps every export it gets. */
function otlpReceiver() {
  const exports: Export[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (
        req.method !== "POST" ||
        !["/v1/traces", "/v1/metrics", "/v1/logs"].includes(path)
      ) {
        return new Response("not found", { status: 404 });
      }
      exports.push({ path, body: await req.text() });
      return Response.json({});
    },
  );
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    exports,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
};
type KeyValue = { key: string; value: AnyValue };
const valueOf = (v: AnyValue) =>
  v.stringValue ??
    (v.intValue !== undefined ? Number(v.intValue) : v.boolValue);
const attrs = (list: KeyValue[] = []) =>
  Object.fromEntries(list.map((kv) => [kv.key, valueOf(kv.value)]));

interface OtlpSpan {
  name: string;
  kind: number;
  attributes?: KeyValue[];
}
interface OtlpTraces {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** Every span received: its name, kind and attributes. */
function spans(exports: Export[]) {
  return exports.filter((e) => e.path === "/v1/traces").flatMap((e) =>
    (JSON.parse(e.body) as OtlpTraces).resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => ({
          name: s.name,
          kind: s.kind,
          attributes: attrs(s.attributes),
        }))
      )
    )
  );
}

/**
 * The latest value of each `wwc.*` counter, per attribute set
 * (`name{k=v,…}`), from cumulative sums.
 */
function counts(exports: Export[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const e of exports.filter((e) => e.path === "/v1/metrics")) {
    for (const rm of JSON.parse(e.body).resourceMetrics) {
      for (const sm of rm.scopeMetrics) {
        for (const m of sm.metrics) {
          if (!String(m.name).startsWith("wwc.")) continue;
          for (const dp of m.sum?.dataPoints ?? []) {
            const a = attrs(dp.attributes);
            const key = `${m.name}{${
              Object.keys(a).sort().map((k) => `${k}=${a[k]}`).join(",")
            }}`;
            latest.set(key, Number(dp.asInt ?? dp.asDouble));
          }
        }
      }
    }
  }
  return latest;
}

/** Waits (a hang guard, not a timing assertion) until `ready()` holds. */
async function until(ready: () => boolean, what: () => string) {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`never received: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    "telemetry: with OTEL_DENO=true, request spans carry the route pattern and status, counters count sign-ins, exchanges, refreshes, refusals and rate-limit hits; no token or secret is exported, and a code only in the URL Deno records for a browser's request",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using receiver = otlpReceiver();
    const server = await startServer({
      PUBLIC_URL: "https://words.example.com",
      KV_PATH: ":memory:",
      AUTHORIZE_RATE_LIMIT: "3",
      OTEL_DENO: "true",
      OTEL_SERVICE_NAME: "words-with-chat-test",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_METRIC_EXPORT_INTERVAL: "250",
    });
    try {
      // The flow helpers, pointed at the process instead of an in-memory app.
      const remote = {
        app: {
          request: (url: string, init?: RequestInit) => {
            const { pathname, search } = new URL(url);
            return fetch(`${server.origin}${pathname}${search}`, {
              ...init,
              redirect: "manual",
            });
          },
        },
      } as unknown as TestApp;
      const params = await signIn(remote, { login: "alice" });
      const code = params.get("code")!;
      const tokens = await exchange(remote, code);
      const refreshed = await refresh(remote, tokens.refresh_token);
      assert.equal(refreshed.status, 200);
      const renewed = await refreshed.json();
      const me = await api(remote, "/api/me", renewed.access_token);
      assert.equal(me.status, 200);
      await me.body?.cancel();
      // Refusals: a replayed code, a forged token, a wrong client secret.
      const replay = await postForm(remote, "/oauth/token", {
        grant_type: "authorization_code",
        code,
        redirect_uri: "https://chatgpt.com/aip/g-test123/oauth/callback",
      });
      assert.equal(replay.status, 400);
      await replay.body?.cancel();
      const forged = await api(remote, "/api/me", "wwc_at.forged");
      assert.equal(forged.status, 401);
      await forged.body?.cancel();
      // A path with an id in it, and a code in a query: the span names the
      // pattern and keeps neither.
      const unknown = await remote.app.request(
        "https://words.example.com/login/nosuch/start",
      );
      await unknown.body?.cancel();
      const callback = await remote.app.request(
        `https://words.example.com/play/callback?code=${code}&state=s`,
      );
      await callback.body?.cancel();
      // Over AUTHORIZE_RATE_LIMIT (3 a minute; the sign-in took one).
      for (let i = 0; i < 3; i++) {
        const res = await remote.app.request(
          "https://words.example.com/oauth/authorize?client_id=x",
        );
        await res.body?.cancel();
        if (i === 2) assert.equal(res.status, 429);
      }

      const expected: Record<string, number> = {
        "wwc.sign_ins{provider=dev}": 1,
        "wwc.code_exchanges{}": 1,
        "wwc.refreshes{}": 1,
        "wwc.refusals{protocol=oauth,reason=invalid_grant}": 1,
        "wwc.refusals{protocol=api,reason=invalid_token}": 1,
        "wwc.rate_limit_hits{bucket=authorize}": 1,
      };
      await until(
        () => {
          const got = counts(receiver.exports);
          return Object.entries(expected).every(([k, n]) => got.get(k) === n);
        },
        () => JSON.stringify([...counts(receiver.exports)]),
      );
      const routes = () =>
        spans(receiver.exports).map((s) =>
          `${s.name} ${s.attributes["http.route"]} ${
            s.attributes["http.response.status_code"]
          }`
        );
      const wanted = [
        "GET /oauth/authorize /oauth/authorize 302",
        "GET /login/:provider/callback /login/:provider/callback 302",
        "POST /oauth/token /oauth/token 200",
        "GET /api/me /api/me 200",
        "GET /api/me /api/me 401",
        "GET /oauth/authorize /oauth/authorize 429",
      ];
      await until(
        () => wanted.every((w) => routes().includes(w)),
        () => routes().join("\n"),
      );
      const all = spans(receiver.exports);
      assert.ok(
        all.some((s) =>
          s.name === "GET /login/:provider/start" &&
          s.attributes["http.route"] === "/login/:provider/start"
        ),
      );
      assert.ok(
        all.every((s) =>
          !`${s.name} ${s.attributes["http.route"]}`.includes("nosuch")
        ),
        "no raw path names a span or its route",
      );
      // Nothing exported holds a token or a secret; a code only where Deno
      // records the URL a browser asked for (url.full, url.query: see the
      // README), never in anything the service adds.
      const everything = receiver.exports.map((e) => e.body).join("\n");
      const codeAt = all.filter((s) => JSON.stringify(s).includes(code));
      assert.deepEqual(
        codeAt.map((s) => [
          s.name,
          Object.keys(s.attributes).filter((k) =>
            String(s.attributes[k]).includes(code)
          ),
        ]),
        [["GET /play/callback", ["url.full", "url.query"]]],
      );
      const outsideUrls = receiver.exports.map((e) =>
        e.body.replace(
          /"key": ?"url\.(full|query)",\s*"value": ?\{\s*"stringValue": ?"[^"]*"/g,
          "",
        )
      ).join("\n");
      assert.ok(!outsideUrls.includes(code), "a code outside Deno's URLs");
      for (
        const secret of [
          tokens.access_token,
          tokens.refresh_token,
          renewed.access_token,
          renewed.refresh_token,
          CLIENT_SECRET,
          SEAL_KEYS.split(":")[1]!,
        ]
      ) {
        const at = everything.indexOf(secret);
        assert.ok(
          at < 0,
          `exported: …${everything.slice(Math.max(0, at - 300), at)}<secret>`,
        );
      }
      assert.doesNotMatch(everything, /wwc_(at|rt|ac)\.[A-Za-z0-9_-]{20,}/);
      assert.doesNotMatch(everything, /[\w.+-]+@[\w-]+\.[\w.]+/);
    } finally {
      server.kill();
      await server.exited;
    }
  },
});

Deno.test({
  name:
    "telemetry: with billing on, a billing link's sealed token (?t=), which Deno's request span records, is already spent when exported: it opens nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using receiver = otlpReceiver();
    const fake = startStripeFake({
      secretKey: STRIPE_SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      prices: { [PRICE]: "recurring" },
    });
    const server = await startServer({
      PUBLIC_URL: "https://words.example.com",
      KV_PATH: ":memory:",
      OTEL_DENO: "true",
      OTEL_SERVICE_NAME: "words-with-chat-test",
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      STRIPE_SECRET_KEY,
      STRIPE_PRICE_ID: PRICE,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.origin,
    });
    try {
      const remote = {
        app: {
          request: (url: string, init?: RequestInit) => {
            const { pathname, search } = new URL(url);
            return fetch(`${server.origin}${pathname}${search}`, {
              ...init,
              redirect: "manual",
            });
          },
        },
      } as unknown as TestApp;
      const params = await signIn(remote, { login: "alice" });
      const tokens = await exchange(remote, params.get("code")!);
      const plan = await (await api(remote, "/api/plan", tokens.access_token))
        .json();
      const link = new URL(plan.upgrade_url);
      const t = link.searchParams.get("t")!;
      assert.ok(t);
      const followed = await remote.app.request(link.href);
      await followed.body?.cancel();
      assert.equal(followed.status, 303);
      await until(
        () =>
          spans(receiver.exports).some((s) =>
            s.name === "GET /billing/upgrade"
          ),
        () => spans(receiver.exports).map((s) => s.name).join("\n"),
      );
      // Deno's own span records the URL as sent (url.full, url.query), which
      // the service cannot change; nowhere else may the token appear.
      const where = spans(receiver.exports).flatMap((s) =>
        Object.keys(s.attributes).filter((k) =>
          String(s.attributes[k]).includes(t)
        ).map((k) => `${s.name}: ${k}`)
      );
      assert.deepEqual(
        where.filter((w) =>
          !/^GET \/billing\/upgrade: url\.(full|query)$/.test(w)
        ),
        [],
        "the link's token elsewhere in exported spans",
      );
      // What was exported is spent: someone reading it opens nothing.
      const copied = await remote.app.request(link.href, {
        headers: { accept: "text/html" },
      });
      assert.equal(copied.status, 400);
      assert.match(await copied.text(), /already used/);
      assert.equal(fake.checkouts.length, 1, "Stripe was asked once");
    } finally {
      server.kill();
      await server.exited;
      await fake.close();
    }
  },
});
