/**
 * What a player is told about the free quota, the same through the REST API
 * and the MCP tools.
 *
 * @module
 */

/** The answer to a start over the free quota, with the link to pay. */
export function quotaMessage(limit: number, upgradeUrl: string): string {
  return `The free plan's ${limit} ${
    limit === 1 ? "round" : "rounds"
  } for today (UTC) are used up. To play on without a daily limit, upgrade to the pro plan: ${upgradeUrl} (the link is valid for 30 minutes). Free rounds start again at 00:00 UTC.`;
}
