/**
 * jose: the fake Google's ID tokens and the JWT baseline of the token
 * benchmark. Test-only, like everything in tests/_deps/ (see fast_check.ts).
 *
 * @module
 */
export {
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "npm:jose@6.2.17";
