/**
 * The members of a JSON object as written, repeats included. `JSON.parse`
 * keeps the last of a repeated key silently (`{"code":"a","code":"b"}` is
 * `{code:"b"}`); the token endpoint refuses a repeated parameter in JSON as
 * it does in a form (RFC 6749 §3.2), so it needs to see every member.
 *
 * @module
 */

/** One member of an object: its key, decoded, and its value's JSON text. */
export interface JsonMember {
  key: string;
  /** The value exactly as written, e.g. `"abc"`, `{"a":[1]}`, `null`. */
  raw: string;
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);

/**
 * Splits the top level of a JSON object into its members, in order. Keys are
 * decoded (`"\u0063ode"` is `code`); nested values are skipped whole, strings
 * in them included. Returns `null` when `text` is not one JSON object; call
 * it on text that `JSON.parse` accepted, whose checks it does not repeat.
 *
 * @example
 * ```ts
 * jsonMembers('{"a": 1, "\\u0061": [2]}'); // [{ key: "a", raw: "1" }, { key: "a", raw: "[2]" }]
 * ```
 */
export function jsonMembers(text: string): JsonMember[] | null {
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at++;
  };
  /** Moves past the string starting at `at` (a `"`); returns its text. */
  const readString = (): string | null => {
    const start = at++;
    while (at < text.length) {
      const ch = text[at++];
      if (ch === "\\") at++;
      else if (ch === '"') return text.slice(start, at);
    }
    return null;
  };
  /** Moves past one value (of any depth); returns its text. */
  const readValue = (): string | null => {
    const start = at;
    let depth = 0;
    while (at < text.length) {
      const ch = text[at]!;
      if (ch === '"') {
        if (readString() === null) return null;
        continue;
      }
      if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") {
        if (depth === 0) break;
        depth--;
      } else if (ch === "," && depth === 0) break;
      at++;
    }
    return depth === 0 ? text.slice(start, at).trimEnd() : null;
  };

  skipSpace();
  if (text[at] !== "{") return null;
  at++;
  const members: JsonMember[] = [];
  skipSpace();
  if (text[at] === "}") {
    at++;
    skipSpace();
    return at === text.length ? members : null;
  }
  for (;;) {
    skipSpace();
    if (text[at] !== '"') return null;
    const token = readString();
    if (token === null) return null;
    let key: unknown;
    try {
      key = JSON.parse(token);
    } catch {
      return null;
    }
    skipSpace();
    if (text[at] !== ":") return null;
    at++;
    skipSpace();
    const raw = readValue();
    if (raw === null || raw === "") return null;
    members.push({ key: key as string, raw });
    skipSpace();
    if (text[at] === ",") {
      at++;
      continue;
    }
    if (text[at] !== "}") return null;
    at++;
    skipSpace();
    return at === text.length ? members : null;
  }
}
