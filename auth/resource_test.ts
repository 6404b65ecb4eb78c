/**
 * The canonical form of resource indicators (RFC 8707) and their resolution
 * against the known resources: pure rules, one row each.
 */
import assert from "node:assert/strict";
import {
  audienceOf,
  canonicalResource,
  mcpResource,
  resolveResource,
  resources,
} from "./resource.ts";

const ROWS: { value: string; want: string | null; rule: string }[] = [
  {
    rule: "a canonical https URL is kept",
    value: "https://words.example.com/mcp",
    want: "https://words.example.com/mcp",
  },
  {
    rule: "scheme and host are lower-cased",
    value: "HTTPS://Words.EXAMPLE.com/mcp",
    want: "https://words.example.com/mcp",
  },
  {
    rule: "the path keeps its case",
    value: "https://words.example.com/MCP",
    want: "https://words.example.com/MCP",
  },
  {
    rule: "one trailing slash is removed",
    value: "https://words.example.com/mcp/",
    want: "https://words.example.com/mcp",
  },
  {
    rule: "the root is the bare origin",
    value: "https://words.example.com/",
    want: "https://words.example.com",
  },
  {
    rule: "an origin without a path is kept",
    value: "https://words.example.com",
    want: "https://words.example.com",
  },
  {
    rule: "the default port is dropped",
    value: "https://words.example.com:443/mcp",
    want: "https://words.example.com/mcp",
  },
  {
    rule: "another port is kept",
    value: "https://words.example.com:8443/mcp",
    want: "https://words.example.com:8443/mcp",
  },
  {
    rule: "a fragment is refused",
    value: "https://words.example.com/mcp#top",
    want: null,
  },
  {
    rule: "an empty fragment is refused",
    value: "https://words.example.com/mcp#",
    want: null,
  },
  {
    rule: "a query is refused",
    value: "https://words.example.com/mcp?x=1",
    want: null,
  },
  {
    rule: "an empty query is refused",
    value: "https://words.example.com/mcp?",
    want: null,
  },
  {
    rule: "credentials are refused",
    value: "https://user:pw@words.example.com/mcp",
    want: null,
  },
  { rule: "a relative reference is refused", value: "/mcp", want: null },
  { rule: "a bare word is refused", value: "mcp", want: null },
  {
    rule: "http on a public host is refused",
    value: "http://words.example.com/mcp",
    want: null,
  },
  {
    rule: "http on localhost is accepted (development)",
    value: "http://LOCALHOST:8000/mcp/",
    want: "http://localhost:8000/mcp",
  },
  {
    rule: "http on 127.0.0.1 is accepted (development)",
    value: "http://127.0.0.1:8000/mcp",
    want: "http://127.0.0.1:8000/mcp",
  },
  {
    rule: "http on [::1] is accepted (development)",
    value: "http://[::1]:8000/mcp",
    want: "http://[::1]:8000/mcp",
  },
  {
    rule: "another scheme is refused",
    value: "urn:example:mcp",
    want: null,
  },
];

for (const row of ROWS) {
  Deno.test(`canonicalResource(): ${row.rule}`, () => {
    assert.equal(canonicalResource(row.value), row.want);
  });
}

Deno.test("resources(): the REST API's origin and the MCP resource, already canonical; only the MCP one is an audience", () => {
  for (
    const publicUrl of ["https://words.example.com", "http://localhost:8000"]
  ) {
    const known = resources({ publicUrl });
    assert.deepEqual(known, [publicUrl, mcpResource(publicUrl)]);
    for (const r of known) assert.equal(canonicalResource(r), r);
    assert.equal(audienceOf(publicUrl), undefined);
    assert.equal(audienceOf(mcpResource(publicUrl)), mcpResource(publicUrl));
  }
});

Deno.test("resolveResource(): none, one known (canonical), or refused", () => {
  const known = ["https://words.example.com/mcp"];
  assert.deepEqual(resolveResource([], known), { kind: "none" });
  assert.deepEqual(resolveResource(["https://WORDS.example.com/mcp/"], known), {
    kind: "known",
    resource: "https://words.example.com/mcp",
  });
  for (
    const values of [
      ["https://words.example.com/api"],
      ["https://words.example.com"],
      ["https://words.example.com/mcp#"],
      ["https://words.example.com/mcp", "https://words.example.com/mcp"],
    ]
  ) {
    assert.equal(resolveResource(values, known).kind, "refused", `${values}`);
  }
});
