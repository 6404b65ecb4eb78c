/**
 * selfsigned: a throwaway certificate for https servers on loopback in
 * tests. Test-only, like everything in tests/_deps/ (see fast_check.ts).
 *
 * @module
 */
export { default } from "npm:selfsigned@5.5.0";
