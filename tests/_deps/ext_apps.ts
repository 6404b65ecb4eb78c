/**
 * The MCP Apps SDK's host side (`AppBridge` over `postMessage`), bundled
 * for the browser by the board's tests (tests/_mcp_host.ts) to play the
 * host that frames the board. Test-only, like everything in tests/_deps/
 * (see fast_check.ts).
 *
 * @module
 */
export {
  AppBridge,
  PostMessageTransport,
} from "npm:@modelcontextprotocol/ext-apps@2.0.4/app-bridge";
