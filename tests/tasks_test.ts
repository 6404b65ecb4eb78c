/** What `deno task` shows a newcomer: every task with what it is for. */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);

Deno.test("deno task lists every task of deno.json with a description", async () => {
  const { tasks } = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const listing = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  const lines = listing.split("\n");
  const names = Object.keys(tasks);
  assert.ok(names.length > 0);
  for (const name of names) {
    const at = lines.indexOf(`- ${name}`);
    assert.ok(at >= 0, `${name} listed in:\n${listing}`);
    const description = lines[at + 1]?.trim() ?? "";
    assert.match(description, /^\/\/ \S.{10,}/, `${name} has a description`);
  }
});
