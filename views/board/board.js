/**
 * The board: draws a round (category, one slot per letter, the clues so
 * far, attempts left, points available; once over, the word, the points,
 * the score) and the player's place on the leaderboard, into a DOM node, and
 * lets the player move from it. Where moves go is the caller's: a
 * {@linkcode Transport} to the MCP host (the board in a chat) or to the REST
 * API (a page of this service). Text only, through `textContent`: nothing
 * from an answer is parsed as HTML, and no style attribute is written, so a
 * strict content-security policy holds.
 *
 * @module
 */
import { emptyBoard, isOver, nextBoard } from "./state.js";

/** @typedef {import("./state.js").Board} Board */
/** @typedef {import("./state.js").Standing} Standing */

/**
 * @typedef {object} Transport Where the board's moves go. Each resolves
 *   to the game's answer (the REST body, or a tool's `structuredContent`),
 *   or rejects with an `Error` whose message the board shows.
 * @property {(category: string) => Promise<unknown>} start
 * @property {(round: string) => Promise<unknown>} clue
 * @property {(round: string, guess: string) => Promise<unknown>} guess
 * @property {(round: string) => Promise<unknown>} giveUp
 * @property {() => Promise<{ you: Standing | null }>} standing
 */

/**
 * @typedef {object} BoardOptions
 * @property {(board: Board, moved: boolean) => void} [onChange] Called after
 *   each drawing; `moved` when the player's own move caused it.
 * @property {boolean} [focus] Put the cursor in the guess field when a round
 *   opens (a page of its own; not a board inside a conversation).
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws the board into `root` (emptied first) and returns its controls.
 * Without a transport (a host that cannot call tools) it only shows.
 *
 * @param {HTMLElement} root
 * @param {Transport | null} transport
 * @param {BoardOptions} [options]
 */
export function mountBoard(root, transport, options = {}) {
  /** @type {Board} */
  let board = emptyBoard();
  let busy = false;

  const section = el("section", "board");
  section.setAttribute("aria-label", "Words with Chat board");
  const head = el("header", "board-head");
  const category = el("h2", "board-category", "Words with Chat");
  const status = el("p", "board-status", "No round yet.");
  status.setAttribute("aria-live", "polite");
  head.append(category, status);

  const slots = el("div", "board-slots");
  slots.setAttribute("role", "img");
  const clues = el("ol", "board-clues");

  const stats = el("dl", "board-stats");
  /** @param {string} key @param {string} label */
  const stat = (key, label) => {
    const box = el("div", "board-stat");
    box.dataset.stat = key;
    const name = el("dt", "", label);
    const value = el("dd", "", "–");
    box.append(name, value);
    stats.append(box);
    return { box, name, value };
  };
  const attempts = stat("attempts", "Attempts left");
  const points = stat("points", "Points available");
  const score = stat("score", "Score");
  const rank = stat("rank", "Leaderboard");

  const verdict = el("p", "board-verdict");
  const message = el("p", "board-message");
  const error = el("p", "board-error");
  error.setAttribute("role", "alert");

  // Not a <form>: a host's sandbox may leave out `allow-forms`, and then
  // a form cannot even be submitted to a script. Enter and the button do.
  const form = el("div", "board-guess");
  form.setAttribute("role", "group");
  const label = el("label", "board-label", "Your guess");
  const input = el("input", "board-input");
  input.name = "guess";
  input.id = "board-guess";
  input.maxLength = 64;
  input.required = true;
  input.autocomplete = "off";
  input.setAttribute("autocapitalize", "off");
  input.setAttribute("spellcheck", "false");
  label.htmlFor = input.id;
  const send = el("button", "board-send", "Guess");
  send.setAttribute("type", "button");
  form.append(label, input, send);

  const actions = el("div", "board-actions");
  const clueButton = el("button", "board-clue", "Next clue");
  const giveUpButton = el("button", "board-give-up", "Give up");
  const againButton = el("button", "board-again", "New round");
  for (const b of [clueButton, giveUpButton, againButton]) {
    b.setAttribute("type", "button");
  }
  actions.append(clueButton, giveUpButton, againButton);

  section.append(
    head,
    slots,
    clues,
    stats,
    verdict,
    message,
    form,
    actions,
    error,
  );
  root.replaceChildren(section);

  function draw() {
    const over = isOver(board);
    section.dataset.status = board.status;
    category.textContent = board.category
      ? `Category: ${board.category}`
      : "Words with Chat";
    status.textContent = {
      idle: "No round yet.",
      open: `${board.letters} letters. Guess the word.`,
      solved: `Solved: the word was ${board.word}.`,
      lost: `Out of attempts: the word was ${board.word}.`,
      given_up: `Given up: the word was ${board.word}.`,
    }[board.status];

    const letters = board.word ? [...board.word] : [];
    const count = board.word ? letters.length : board.letters;
    slots.setAttribute(
      "aria-label",
      board.word ? `The word: ${board.word}` : `${count} letters`,
    );
    slots.replaceChildren(
      ...Array.from(
        { length: count },
        (_, i) => el("span", "board-slot", letters[i]?.toUpperCase() ?? ""),
      ),
    );
    clues.replaceChildren(...board.clues.map((c) => el("li", "", c)));

    attempts.value.textContent = board.attempts_left === null
      ? "–"
      : String(board.attempts_left);
    attempts.box.hidden = over || board.status === "idle";
    points.value.textContent = over
      ? board.status === "solved" ? `+${board.points ?? 0}` : "0"
      : board.points_available === null
      ? "–"
      : String(board.points_available);
    points.name.textContent = over ? "Points scored" : "Points available";
    points.box.hidden = board.status === "idle";
    score.value.textContent = board.score === null ? "–" : String(board.score);
    score.box.hidden = board.score === null;
    rank.value.textContent = board.you
      ? `#${board.you.rank} (${board.you.name})`
      : board.you === null
      ? "No points yet"
      : "–";
    rank.box.hidden = board.you === undefined;

    verdict.textContent = board.status === "solved"
      ? `Right! +${board.points ?? 0} points.`
      : board.last_guess ?? "";
    verdict.hidden = verdict.textContent === "";
    message.textContent = board.message ?? "";
    message.hidden = !board.message;

    const canMove = transport !== null && board.round !== null && !busy;
    form.hidden = transport === null || board.status !== "open";
    input.disabled = send.disabled = !canMove;
    clueButton.hidden = transport === null || board.status !== "open";
    clueButton.disabled = !canMove || board.clues_left === 0;
    giveUpButton.hidden = clueButton.hidden;
    giveUpButton.disabled = !canMove;
    againButton.hidden = transport === null || !over || !board.category;
    againButton.disabled = busy;
  }

  /**
   * Runs one of the player's moves and draws its answer.
   * @param {() => Promise<unknown>} call
   * @param {Record<string, unknown>} args
   */
  async function move(call, args) {
    if (busy) return;
    busy = true;
    error.textContent = "";
    draw();
    try {
      const answer = await call();
      const before = board;
      board = nextBoard(board, answer, args);
      busy = false;
      show(board, true);
      if (isOver(board) && !isOver(before)) void refreshStanding();
    } catch (err) {
      busy = false;
      error.textContent = err instanceof Error ? err.message : String(err);
      draw();
    }
  }

  /**
   * Draws `next` (and tells `onChange`).
   * @param {Board} next
   * @param {boolean} [moved]
   */
  function show(next, moved = false) {
    const opened = next.status === "open" && next.round !== board.round;
    board = next;
    draw();
    if (options.focus && board.status === "open" && (opened || moved)) {
      input.focus();
    }
    options.onChange?.(board, moved);
  }

  /** Asks where the player stands, and draws it. */
  async function refreshStanding() {
    if (!transport) return;
    try {
      const { you } = await transport.standing();
      board = { ...board, you };
      draw();
    } catch {
      // The place on the leaderboard is extra: the round is drawn anyway.
    }
  }

  function submit() {
    const guess = input.value.trim();
    const round = board.round;
    if (!transport || !round || guess === "") return;
    input.value = "";
    void move(() => transport.guess(round, guess), { round, guess });
  }
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    submit();
  });
  send.addEventListener("click", submit);
  clueButton.addEventListener("click", () => {
    const round = board.round;
    if (transport && round) void move(() => transport.clue(round), { round });
  });
  giveUpButton.addEventListener("click", () => {
    const round = board.round;
    if (transport && round) {
      void move(() => transport.giveUp(round), { round });
    }
  });
  againButton.addEventListener("click", () => {
    const category = board.category;
    if (transport && category) {
      void move(() => transport.start(category), {});
    }
  });

  draw();
  return {
    /** The board as drawn now. */
    get board() {
      return board;
    },
    /**
     * Draws an answer that came from elsewhere (the model's tool call).
     * @param {unknown} answer
     * @param {Record<string, unknown>} [args]
     */
    apply(answer, args) {
      const before = board;
      show(nextBoard(board, answer, args));
      if (board !== before && (board.you === undefined || isOver(board))) {
        void refreshStanding();
      }
    },
    /** @param {string} text */
    fail(text) {
      error.textContent = text;
    },
    refreshStanding,
  };
}
