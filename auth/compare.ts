import { createHash, timingSafeEqual } from "node:crypto";

/**
 * A value's SHA-256: what {@linkcode constantTimeEqual} compares. A value
 * compared on every request (a configured client's id or secret) has its
 * digest taken once and compared with {@linkcode digestsEqual}.
 */
export function digestOf(value: string): Uint8Array {
  return createHash("sha256").update(value).digest();
}

/** Compares two {@linkcode digestOf} results in constant time. */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return timingSafeEqual(a, b);
}

/**
 * Compares two strings in time independent of where they differ. Both sides
 * are hashed first, so their lengths do not leak either.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return digestsEqual(digestOf(a), digestOf(b));
}
