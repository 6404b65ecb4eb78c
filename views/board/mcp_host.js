/**
 * The board's side of the MCP Apps bridge (SEP-1865, protocol 2026-01-26):
 * JSON-RPC 2.0 over `postMessage` with the host that framed it. A small
 * client written for the board instead of the `@modelcontextprotocol/ext-apps`
 * `App` class: that class needs the MCP SDK and zod in the page (about
 * 530 kB minified with its dependencies), and the board uses five messages.
 * The browser tests drive it with the package's own host side (`AppBridge`),
 * so the two are held to the same protocol.
 *
 * View → host: `ui/initialize` (then `ui/notifications/initialized`),
 * `tools/call`, `ui/update-model-context`, `ui/notifications/size-changed`.
 * Host → view: `ui/notifications/tool-input`, `ui/notifications/tool-result`,
 * `ui/notifications/host-context-changed`, `ui/resource-teardown`, `ping`.
 *
 * @module
 */

/** The MCP Apps protocol revision this client speaks. */
export const PROTOCOL_VERSION = "2026-01-26";

/**
 * @typedef {object} ToolResult A `CallToolResult`, as far as the board reads it.
 * @property {{ type: string, text?: string }[]} [content]
 * @property {Record<string, unknown>} [structuredContent]
 * @property {boolean} [isError]
 */

/**
 * @typedef {object} HostHandlers
 * @property {(args: Record<string, unknown>) => void} [onToolInput]
 * @property {(result: ToolResult) => void} [onToolResult]
 * @property {(context: Record<string, unknown>) => void} [onHostContext]
 */

/**
 * @typedef {object} Host What the connected host offers.
 * @property {Record<string, unknown>} capabilities
 * @property {Record<string, unknown>} context
 * @property {(name: string, args: Record<string, unknown>) => Promise<ToolResult>} callTool
 * @property {(text: string) => Promise<void>} updateModelContext
 */

/** @param {ToolResult} result */
export function textOf(result) {
  return (result.content ?? [])
    .map((c) => c.type === "text" ? c.text ?? "" : "")
    .join("\n").trim();
}

/**
 * Connects to the host that framed this page: the `ui/initialize`
 * handshake, then the host's notifications go to `handlers`. Rejects when
 * there is no host (the page is not in a frame).
 *
 * @param {HostHandlers} handlers
 * @param {{ name: string, version: string }} appInfo
 * @returns {Promise<Host>}
 */
export async function connectToHost(handlers, appInfo) {
  const host = self.parent;
  if (host === self) throw new Error("not framed by an MCP Apps host");
  let nextId = 1;
  /** @type {Map<number, { resolve: (v: any) => void, reject: (e: Error) => void }>} */
  const pending = new Map();

  /** @param {Record<string, unknown>} message */
  const post = (message) =>
    host.postMessage({ jsonrpc: "2.0", ...message }, "*");

  /**
   * @param {string} method
   * @param {Record<string, unknown>} params
   * @returns {Promise<any>}
   */
  const request = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      post({ id, method, params });
    });

  /** @param {string} method @param {Record<string, unknown>} [params] */
  const notify = (method, params = {}) => post({ method, params });

  addEventListener("message", (event) => {
    // Only the host that framed us speaks for the conversation.
    if (event.source !== host) return;
    const m = event.data;
    if (typeof m !== "object" || m === null || m.jsonrpc !== "2.0") return;
    if (typeof m.method !== "string") {
      const waiting = pending.get(m.id);
      if (!waiting) return;
      pending.delete(m.id);
      if (m.error) {
        waiting.reject(new Error(String(m.error.message ?? "host error")));
      } else waiting.resolve(m.result);
      return;
    }
    const params = m.params ?? {};
    if ("id" in m) {
      // Requests from the host: answer those we know, refuse the others.
      if (m.method === "ping" || m.method === "ui/resource-teardown") {
        post({ id: m.id, result: {} });
      } else {
        post({
          id: m.id,
          error: { code: -32601, message: `Method not found: ${m.method}` },
        });
      }
      return;
    }
    switch (m.method) {
      case "ui/notifications/tool-input":
        handlers.onToolInput?.(params.arguments ?? {});
        break;
      case "ui/notifications/tool-result":
        handlers.onToolResult?.(params);
        break;
      case "ui/notifications/host-context-changed":
        handlers.onHostContext?.(params);
        break;
    }
  });

  const result = await request("ui/initialize", {
    appInfo,
    appCapabilities: {},
    protocolVersion: PROTOCOL_VERSION,
  });
  notify("ui/notifications/initialized");
  /** @type {Record<string, unknown>} */
  const capabilities = result?.hostCapabilities ?? {};
  /** @type {Record<string, unknown>} */
  const context = result?.hostContext ?? {};

  // The host sizes the frame to the board: the body's own height (the
  // document's would never be less than the frame it fills).
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    notify("ui/notifications/size-changed", { height });
  }).observe(document.body);

  return {
    capabilities,
    context,
    callTool: (name, args) => request("tools/call", { name, arguments: args }),
    async updateModelContext(text) {
      if (!capabilities.updateModelContext) return;
      await request("ui/update-model-context", {
        content: [{ type: "text", text }],
      });
    },
  };
}
