/**
 * The development playground's round, drawn as the board: the playground's
 * own buttons move (and log every request); this draws each answer about a
 * round that `app.js` announces with a `wwc:answer` event, read-only.
 *
 * @module
 */
import { mountBoard } from "./board.js";

const root = document.getElementById("playground-board");
if (root) {
  const board = mountBoard(root, null);
  document.addEventListener("wwc:answer", (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    board.apply(detail.body, detail.args ?? {});
  });
  // app.js may have drawn an answer before this module ran: ask again.
  document.dispatchEvent(new CustomEvent("wwc:board-ready"));
}
