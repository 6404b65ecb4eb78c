import assert from "node:assert/strict";
import { networkOf } from "./ip.ts";

Deno.test("networkOf(): an IPv6 address counts as its /64, an IPv4 address as itself", () => {
  const table: [string, string][] = [
    ["2600:1f18:aaaa:bbbb::7", "2600:1f18:aaaa:bbbb::/64"],
    ["2600:1f18:aaaa:bbbb:1:2:3:4", "2600:1f18:aaaa:bbbb::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["203.0.113.9", "203.0.113.9"],
    ["::ffff:203.0.113.9", "203.0.113.9"],
    ["unknown", "unknown"],
  ];
  for (const [address, network] of table) {
    assert.equal(networkOf(address), network, address);
  }
});
