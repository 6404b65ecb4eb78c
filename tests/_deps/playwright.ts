/**
 * playwright-core, driving Debian's Chromium in the browser tests and the
 * screenshots. Test-only, like everything in tests/_deps/ (see fast_check.ts).
 *
 * @module
 */
export { type Browser, chromium, type Page } from "npm:playwright-core@1.65.1";
