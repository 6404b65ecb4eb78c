import assert from "node:assert/strict";
import fc from "../../tests/_deps/fast_check.ts";
import { jsonMembers } from "./_json_members.ts";

const keys = (text: string) => jsonMembers(text)?.map((m) => m.key);

Deno.test("jsonMembers() lists every member in order, with its value as written", () => {
  assert.deepEqual(jsonMembers('{"a":"x","b":1,"c":null}'), [
    { key: "a", raw: '"x"' },
    { key: "b", raw: "1" },
    { key: "c", raw: "null" },
  ]);
  assert.deepEqual(jsonMembers(' \n{ "a" :\t"x" ,\r\n "b" : [ 1 , 2 ] }\n'), [
    { key: "a", raw: '"x"' },
    { key: "b", raw: "[ 1 , 2 ]" },
  ]);
  assert.deepEqual(jsonMembers("{}"), []);
  assert.deepEqual(jsonMembers(" { } "), []);
});

Deno.test("jsonMembers() sees a repeated key however it is spelled", () => {
  assert.deepEqual(keys('{"code":"a","code":"b"}'), ["code", "code"]);
  assert.deepEqual(keys('{"code":"a","\\u0063ode":"b"}'), ["code", "code"]);
  assert.deepEqual(keys('{"\\u0063\\u006F\\u0064\\u0065":1,"code":2}'), [
    "code",
    "code",
  ]);
  assert.deepEqual(keys('{"\\ud83d\\ude00":1,"😀":2}'), ["😀", "😀"]);
  assert.deepEqual(keys('{"a\\/b":1,"a/b":2}'), ["a/b", "a/b"]);
});

Deno.test("jsonMembers() skips nested values whole, strings with quotes, braces and commas included", () => {
  assert.deepEqual(
    jsonMembers(
      '{"a":{"code":"x","b":[1,"},]",{"c":"{\\"["}]},"k\\"ey":"v\\\\","d":[]}',
    ),
    [
      { key: "a", raw: '{"code":"x","b":[1,"},]",{"c":"{\\"["}]}' },
      { key: 'k"ey', raw: '"v\\\\"' },
      { key: "d", raw: "[]" },
    ],
  );
});

Deno.test("jsonMembers() answers null for anything but one object", () => {
  for (
    const text of ["[]", '"x"', "1", "null", "", "{", '{"a":1} {}', '{"a"}']
  ) {
    assert.equal(jsonMembers(text), null, text);
  }
});

/** A key written with some characters as \u escapes. */
function spell(key: string, escape: boolean[]): string {
  let out = '"';
  [...key].forEach((ch, i) => {
    const units = Array.from({ length: ch.length }, (_, j) => ch.charCodeAt(j));
    out += escape[i % escape.length]
      ? units.map((c) => `\\u${c.toString(16).padStart(4, "0")}`).join("")
      : JSON.stringify(ch).slice(1, -1);
  });
  return out + '"';
}

Deno.test("jsonMembers() agrees with JSON.parse on every object, and keeps every repeat it drops", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.string({ unit: "binary", maxLength: 6 }), fc.jsonValue()),
        {
          maxLength: 8,
        },
      ),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
      fc.constantFrom("", " ", "\n\t"),
      (entries, escape, space) => {
        const text = `{${space}${
          entries.map(([k, v]) =>
            `${spell(k, escape)}${space}:${space}${
              JSON.stringify(v, null, space ? 1 : undefined)
            }`
          ).join(`${space},${space}`)
        }${space}}`;
        const parsed = JSON.parse(text);
        const members = jsonMembers(text);
        assert.ok(members, text);
        assert.deepEqual(members.map((m) => m.key), entries.map(([k]) => k));
        // The last of each key is what JSON.parse kept.
        const last = new Map(members.map((m) => [m.key, JSON.parse(m.raw)]));
        for (const [k, v] of last) assert.deepEqual(parsed[k], v, text);
      },
    ),
    { numRuns: 500 },
  );
});
