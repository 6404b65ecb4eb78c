import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares two strings in time independent of where they differ. Both sides
 * are hashed first, so their lengths do not leak either.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash("sha256").update(a).digest();
  const db = createHash("sha256").update(b).digest();
  return timingSafeEqual(da, db);
}
