/**
 * `deno task bench`: an access-token check (`AccessTokens.authenticate`,
 * what every authenticated request runs) with 1, 100, 10,000 and 100,000
 * distinct tokens in rotation, over a real KV in memory. Past the verified
 * cache a token is opened again (a cipher, no KV read); revocation is
 * answered from the revocation log every instance follows, so no token
 * count makes a request read KV. The first group member is the baseline:
 * `deno bench` prints each figure as a ratio of it. The memory a cached
 * token costs is printed too.
 */
import { Keyring } from "../auth/seal.ts";
import { Tokens } from "../auth/tokens.ts";
import { RevocationStore } from "../auth/revocation.ts";
import { AccessTokens } from "../auth/access.ts";

const keyring = new Keyring([{
  kid: "k1",
  secret: "L8opiZ4tiiQju-R0F-ZdAcf8YcaQy-rqUKo9lZPMij8",
}]);
const kv = await Deno.openKv(":memory:");
const tokens = new Tokens(keyring, Date.now);
const store = new RevocationStore(kv, Date.now);
const access = new AccessTokens(tokens, store, Date.now);
// TOKEN_CACHE_SIZE raised past the tokens in use.
const large = new AccessTokens(tokens, store, Date.now, undefined, 120_000);

/** `n` tokens of `n` sign-ins (families) of 1,000 players, sealed now. */
async function sealMany(n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const { token } = await tokens.seal("access", {
      sub: `dev:player${i % 1000}`,
      client_id: "gpt-abcdef",
      scope: "game",
      fid: `family${i}`,
    });
    out.push(token);
  }
  return out;
}

// The log starts with this process (as on a new deployment): tokens sealed
// from now on are checked against it alone.
await store.isRevoked("dev:nobody", "none", Date.now());
await new Promise((r) => setTimeout(r, 2));
const sets = new Map<number, string[]>();
for (const n of [1, 100, 10_000, 100_000]) sets.set(n, await sealMany(n));
// A revocation log with some entries, as a live service has.
for (let i = 0; i < 50; i++) await store.revokeFamily(`dev:gone${i}`, "f");

const all = sets.get(100_000)!;
const before = Deno.memoryUsage().rss;
for (const token of all) await large.authenticate(token);
const perEntry = (Deno.memoryUsage().rss - before) / all.length;
// Let the collector finish with the set-up's garbage before timing starts.
await new Promise((r) => setTimeout(r, 1_000));
for (const [n, list] of sets) {
  let i = 0;
  // Warm: 20,000 checks, so the cache holds what it can and the code is hot.
  for (let k = 0; k < 20_000; k++) {
    await access.authenticate(list[k % list.length]!);
  }
  Deno.bench({
    name: `authenticate, ${n.toLocaleString("en")} distinct tokens in rotation`,
    group: "tokens in rotation (TOKEN_CACHE_SIZE=10000, the default)",
    baseline: n === 1,
    warmup: 5_000,
    n: Math.max(50_000, 2 * n),
    async fn() {
      await access.authenticate(list[i++ % list.length]!);
    },
  });
}

let j = 0;
Deno.bench({
  name: "authenticate, 100,000 distinct tokens in rotation",
  group: "tokens in rotation (TOKEN_CACHE_SIZE=120000)",
  warmup: 5_000,
  n: 200_000,
  async fn() {
    await large.authenticate(all[j++ % all.length]!);
  },
});

// deno-lint-ignore no-console
console.log(
  `memory of the verified-token cache: about ${
    Math.round(perEntry)
  } bytes of RSS per token (100,000 tokens added: ${
    Math.round(perEntry * all.length / 2 ** 20)
  } MiB)`,
);
