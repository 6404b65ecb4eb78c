/**
 * The packages only tests, benchmarks and the screenshot script use, pinned
 * here rather than in deno.json's import map.
 *
 * Deno installs every package of the lockfile a command starts with, and
 * `deno task` starts with deno.lock: so deno.json and deno.lock name only
 * what the service runs on, and a fresh machine's `deno task dev` downloads
 * nothing else. These are locked in tests/deno.lock, which the test, check,
 * bench and screenshots tasks use (`--lock=tests/deno.lock`).
 *
 * @module
 */
export { default as fc } from "npm:fast-check@4.10.2";
export { default as Provider } from "npm:oidc-provider@9.13.3";
export { type Browser, chromium, type Page } from "npm:playwright-core@1.65.1";
export { Validator } from "npm:@seriousme/openapi-schema-validator@2.11.0";
export { Ajv2020 } from "npm:ajv@8.20.0/dist/2020.js";
export {
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "npm:jose@6.2.17";
