/**
 * oidc-provider, a real OpenID provider on loopback. Test-only, like
 * everything in tests/_deps/ (see fast_check.ts).
 *
 * @module
 */
export { default } from "npm:oidc-provider@9.13.3";
