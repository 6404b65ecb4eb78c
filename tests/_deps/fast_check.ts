/**
 * fast-check, for property tests. The packages only tests, benchmarks and
 * scripts use are pinned in tests/_deps/ and locked in tests/deno.lock,
 * not in deno.json: `deno task dev` installs all of deno.lock, and should
 * fetch only what the service runs on (see tests/lockfile_test.ts).
 *
 * @module
 */
export { default } from "npm:fast-check@4.10.2";
