/**
 * Start-up as an operator meets it: the real `main.ts` in its own process,
 * with only the environment it is given.
 */
import assert from "node:assert/strict";
import { CLIENT_ID, CLIENT_SECRET } from "./_app.ts";
import { freePort, SEAL_KEYS } from "./_process.ts";

/** Runs `main.ts` with exactly `env` and returns its exit code and output. */
async function run(env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
  };
}

const errors = (stderr: string) =>
  stderr.split("\n").filter((l) => l.startsWith("configuration error: "));

Deno.test("start-up: with nothing set, every missing variable is reported at once, one line each, and the process exits 1", async () => {
  const { code, stderr } = await run({});
  assert.equal(code, 1);
  const lines = errors(stderr);
  for (
    const variable of ["SEAL_KEYS", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET"]
  ) {
    assert.ok(
      lines.some((l) => l.startsWith(`configuration error: ${variable}: `)),
      `${variable} in:\n${stderr}`,
    );
  }
  assert.doesNotMatch(stderr, /Uncaught|at .*\.ts:\d+/);
});

Deno.test("start-up: a KV_PATH that cannot be opened is one line naming KV_PATH, not a stack trace", async () => {
  const { code, stderr } = await run({
    SEAL_KEYS,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    KV_PATH: "/nonexistent-dir/words.kv",
    PORT: String(freePort()),
  });
  assert.equal(code, 1);
  assert.deepEqual(
    errors(stderr).map((l) => l.split(":")[1]!.trim()),
    ["KV_PATH"],
    stderr,
  );
  assert.doesNotMatch(stderr, /Uncaught|at .*\.ts:\d+/);
});
