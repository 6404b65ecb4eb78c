/**
 * What a fresh machine downloads. Deno installs every package of the
 * lockfile a command starts with, and `deno task` (dev and start included)
 * starts with deno.lock: it must name the service's packages and nothing
 * else. Packages only tests, benchmarks and scripts use are pinned in
 * tests/_deps/ (`npm:` specifiers) and locked in tests/deno.lock.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const read = async (path: string) =>
  JSON.parse(await Deno.readTextFile(new URL(path, root)));

interface Lock {
  specifiers: Record<string, string>;
  npm: Record<string, { integrity: string }>;
}

/** `name@version` of an `npm:` specifier (import map target or lock key). */
function packageOf(specifier: string): string | null {
  const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+@[^/]+)/.exec(specifier);
  return m ? m[1]! : null;
}

const nameOf = (pkg: string) => pkg.slice(0, pkg.lastIndexOf("@"));

/** The `npm:` packages named in the repository's source files. */
async function importedInline(): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  const walk = async (dir: URL, path: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if ([".git", ".local", "node_modules"].includes(entry.name)) continue;
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url, `${path}${entry.name}/`);
      if (!/\.tsx?$/.test(entry.name)) continue;
      const text = await Deno.readTextFile(url);
      for (const [, specifier] of text.matchAll(/from "(npm:[^"]+)"/g)) {
        const pkg = packageOf(specifier!)!;
        if (!found.has(pkg)) found.set(pkg, new Set());
        found.get(pkg)!.add(`${path}${entry.name}`);
      }
    }
  };
  await walk(root, "");
  return found;
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
  const inline = await importedInline();
  assert.ok(inline.has("fast-check@4.10.2"), "the scan finds test packages");
  const names = new Map<string, string>();
  for (const [pkg, files] of inline) {
    const name = nameOf(pkg);
    assert.ok(
      ![...service].some((p) => nameOf(p) === name),
      `${name} is imported with npm: in ${[...files]} but is in deno.json`,
    );
    assert.ok(
      !names.has(name),
      `${name} at two versions: ${names.get(name)} and ${pkg} (${[...files]})`,
    );
    names.set(name, pkg);
  }
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
