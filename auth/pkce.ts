/**
 * PKCE (RFC 7636) with S256 only: `plain` offers no protection against a
 * stolen code and is refused (RFC 9700 §2.1.1).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { constantTimeEqual } from "./compare.ts";

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** A base64url SHA-256 digest is 43 characters. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Whether `challenge` could be an S256 challenge. */
export function isS256Challenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

/** The S256 challenge for `verifier`. */
export function s256(verifier: string): string {
  return new Uint8Array(createHash("sha256").update(verifier).digest())
    .toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Whether `verifier` is well-formed and matches `challenge`. */
export function verifyS256(verifier: string, challenge: string): boolean {
  return VERIFIER.test(verifier) &&
    constantTimeEqual(s256(verifier), challenge);
}
