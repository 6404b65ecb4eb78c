/**
 * `deno task keygen`: prints fresh secrets for production.
 *
 * To rotate the sealing key, put the new `kid:secret` first in `SEAL_KEYS`
 * and keep the old one after it until every token it sealed has expired
 * (30 days for refresh tokens); then remove it.
 */
import { dateKid, randomSecret } from "./_secrets.ts";

const kid = dateKid(new Date());
const key = `${kid}:${randomSecret()}`;
// deno-lint-ignore no-console
console.log(`# A new sealing key. First deployment:
SEAL_KEYS=${key}

# Rotation: put it first and keep the old keys after it, e.g.
#   SEAL_KEYS=${key},<your current SEAL_KEYS>
# New tokens are sealed with ${kid}; old ones keep working until you remove their key.

# The GPT client (paste the same values into the GPT builder):
OAUTH_CLIENT_ID=gpt-${randomSecret().slice(0, 10).toLowerCase()}
OAUTH_CLIENT_SECRET=${randomSecret()}`);
