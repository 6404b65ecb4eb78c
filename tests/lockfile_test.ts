/**
 * What a fresh machine downloads. Deno installs every package of the
 * lockfile a command starts with, and `deno task` (dev and start included)
 * starts with deno.lock: it must name the service's packages and nothing
 * else. Test-only packages are pinned in tests/_deps.ts and locked in
 * tests/deno.lock.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const read = async (path: string) =>
  JSON.parse(await Deno.readTextFile(new URL(path, root)));

interface Lock {
  specifiers: Record<string, string>;
  npm: Record<string, { integrity: string }>;
}

/** `npm:name@version` of an import map target or lock specifier. */
function packageOf(specifier: string): string | null {
  const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+@[^/]+)/.exec(specifier);
  return m ? `npm:${m[1]}` : null;
}

const FIX =
  "restore it with `git checkout deno.lock`, and run tests, checks and benchmarks through their tasks (they use --lock=tests/deno.lock)";

Deno.test("deno.lock holds exactly the packages of deno.json's import map, and no test-only package is in either", async () => {
  const config = await read("deno.json");
  const lock: Lock = await read("deno.lock");
  const service = new Set(
    Object.values(config.imports as Record<string, string>)
      .map(packageOf).filter((p) => p !== null),
  );
  const testOnly = [
    ...(await Deno.readTextFile(new URL("tests/_deps.ts", root)))
      .matchAll(/"(npm:[^"]+)"/g),
  ].map((m) => packageOf(m[1]!)!);
  assert.ok(testOnly.length > 0, "tests/_deps.ts names its packages");
  assert.deepEqual(
    testOnly.filter((p) => service.has(p)),
    [],
    "test-only packages stay out of deno.json's import map",
  );
  assert.deepEqual(
    Object.keys(lock.specifiers).map(packageOf).sort(),
    [...service].sort(),
    `deno.lock names another package than the service's: ${FIX}`,
  );
});

Deno.test("tests/deno.lock pins the service's packages exactly as deno.lock does", async () => {
  const lock: Lock = await read("deno.lock");
  const tests: Lock = await read("tests/deno.lock");
  for (const [name, entry] of Object.entries(lock.npm)) {
    assert.equal(
      tests.npm[name]?.integrity,
      entry.integrity,
      `${name}: tests/deno.lock differs from deno.lock`,
    );
  }
  for (const [specifier, resolved] of Object.entries(lock.specifiers)) {
    assert.equal(tests.specifiers[specifier], resolved, specifier);
  }
});
