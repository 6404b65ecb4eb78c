/** Random secrets for keys and clients: 32 random bytes, base64url (43 characters). */
export function randomSecret(): string {
  return crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/** A key id that sorts by creation date, e.g. `k20261123`. */
export function dateKid(date: Date): string {
  return `k${date.toISOString().slice(0, 10).replaceAll("-", "")}`;
}
