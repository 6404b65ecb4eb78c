/**
 * The official MCP client SDKs, v2 (`@modelcontextprotocol/client`) and v1
 * (`@modelcontextprotocol/sdk`), driving the MCP server as real clients do.
 * Test-only, like everything in tests/_deps/ (see fast_check.ts).
 *
 * @module
 */
export {
  Client,
  InsufficientScopeError,
  StreamableHTTPClientTransport,
  type Tool,
} from "npm:@modelcontextprotocol/client@2.4.0";
export { Client as ClientV1 } from "npm:@modelcontextprotocol/sdk@1.32.2/client/index.js";
export { StreamableHTTPClientTransport as StreamableHTTPClientTransportV1 } from "npm:@modelcontextprotocol/sdk@1.32.2/client/streamableHttp.js";
export {
  auth as authV1,
  type OAuthClientProvider as OAuthClientProviderV1,
} from "npm:@modelcontextprotocol/sdk@1.32.2/client/auth.js";
