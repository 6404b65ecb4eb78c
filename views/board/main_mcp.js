/**
 * The board in a conversation: the entry point bundled into the `ui://`
 * resource. It draws the result of the tool call the host framed it for,
 * sends the player's moves as tool calls through the host, and tells the
 * model what the player did on the board, so the conversation and the
 * board stay in step.
 *
 * @module
 */
import { mountBoard } from "./board.js";
import { connectToHost, textOf } from "./mcp_host.js";
import { summary } from "./state.js";

/** @typedef {import("./mcp_host.js").Host} Host */
/** @typedef {import("./mcp_host.js").ToolResult} ToolResult */

const root = document.getElementById("board");
if (!root) throw new Error("the board page lacks #board");

/** @type {Host | null} */
let host = null;

/**
 * Calls a tool through the host; a tool error becomes a rejection with
 * the tool's own words.
 * @param {string} name
 * @param {Record<string, unknown>} args
 */
async function call(name, args) {
  if (!host) throw new Error("Not connected to the conversation yet.");
  const result = await host.callTool(name, args);
  if (result.isError || !result.structuredContent) {
    throw new Error(textOf(result) || "The game did not answer.");
  }
  return result.structuredContent;
}

/** @type {import("./board.js").Transport} */
const transport = {
  start: (category) => call("start_round", { category }),
  clue: (round) => call("get_clue", { round }),
  guess: (round, guess) => call("guess", { round, guess }),
  giveUp: (round) => call("give_up", { round }),
  standing:
    async () => /** @type {{ you: import("./state.js").Standing | null }} */ (
      await call("leaderboard", {})
    ),
};

/** @type {Record<string, unknown>} */
let input = {};
/** @type {ReturnType<typeof mountBoard> | null} */
let board = null;
/** @type {ToolResult | null} */
let early = null;

/** @param {ToolResult} result */
function draw(result) {
  if (!board) {
    early = result;
  } else if (result.isError || !result.structuredContent) {
    board.fail(textOf(result));
  } else board.apply(result.structuredContent, input);
}

host = await connectToHost({
  onToolInput(args) {
    input = args;
  },
  onToolResult: draw,
}, { name: "words-with-chat-board", version: "1.0.0" }).catch(() => null);
// A host that cannot call tools gets a board that only shows.
board = mountBoard(root, host?.capabilities.serverTools ? transport : null, {
  onChange(state, moved) {
    if (moved) void host?.updateModelContext(summary(state)).catch(() => {});
  },
});
if (early) draw(early);
