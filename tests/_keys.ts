/**
 * Test keyrings, built once per test file so the PBKDF2 cost (600,000
 * iterations, about half a second per key) is paid once, not per test.
 */
import { Keyring } from "../auth/seal.ts";

export const SECRET_1 = "test-secret-one-0123456789abcdefghijklmnop";
export const SECRET_2 = "test-secret-two-0123456789abcdefghijklmnop";

/** `k1` only. */
export const keyring = new Keyring([{ kid: "k1", secret: SECRET_1 }]);
