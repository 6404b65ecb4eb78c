/**
 * The MCP endpoint as an OAuth protected resource (RFC 9728): its
 * identifier and where its metadata lives. The OAuth sub-app serves the
 * document; the MCP sub-app names it in every challenge.
 *
 * @module
 */

/** The path the MCP server answers on. */
export const MCP_PATH = "/mcp";

/** The scope the game's tools need. */
export const GAME_SCOPE = "game";

export { mcpResource } from "../../auth/resource.ts";

/** Where its protected-resource metadata lives (RFC 9728 §3.1: path-aware). */
export function mcpResourceMetadataUrl(publicUrl: string): string {
  return `${publicUrl}/.well-known/oauth-protected-resource${MCP_PATH}`;
}
