// views/board/state.js
function emptyBoard() {
  return {
    status: "idle",
    round: null,
    category: null,
    letters: 0,
    clues: [],
    clues_left: null,
    attempts_left: null,
    points_available: null,
    word: null,
    points: null,
    score: null,
    last_guess: null,
    message: null,
    you: void 0
  };
}
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
var str = (v) => typeof v === "string" ? v : null;
function nextBoard(board, answer, args = {}) {
  if (typeof answer !== "object" || answer === null) return board;
  const a = (
    /** @type {Record<string, unknown>} */
    answer
  );
  const clues = Array.isArray(a.clues) ? a.clues.filter((c) => typeof c === "string") : null;
  const category = str(a.category);
  if (!clues || !category) return board;
  const round = str(a.round) ?? str(args.round);
  const base = round !== null && round === board.round ? board : {
    ...emptyBoard(),
    score: board.score,
    you: board.you
  };
  const common = {
    round,
    category,
    letters: num(a.letters) ?? base.letters,
    clues,
    message: str(a.message)
  };
  if (typeof a.correct === "boolean") {
    const word = str(a.word);
    const guess = str(args.guess);
    return {
      ...base,
      ...common,
      status: a.correct ? "solved" : word === null ? "open" : "lost",
      attempts_left: num(a.attempts_left),
      points_available: a.correct || word !== null ? null : num(a.points_available),
      word,
      points: num(a.points),
      score: num(a.score),
      last_guess: guess === null ? null : `${guess}: ${a.correct ? "right" : "not it"}`
    };
  }
  if (typeof a.word === "string") {
    return {
      ...base,
      ...common,
      status: "given_up",
      points_available: null,
      word: a.word,
      points: 0,
      score: num(a.score)
    };
  }
  if (typeof a.clue === "string") {
    return {
      ...base,
      ...common,
      status: "open",
      clues_left: num(a.clues_left),
      attempts_left: num(a.attempts_left),
      points_available: num(a.points_available),
      word: null,
      points: null
    };
  }
  return board;
}
function isOver(board) {
  return board.status === "solved" || board.status === "lost" || board.status === "given_up";
}

// views/board/board.js
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function mountBoard(root2, transport, options = {}) {
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
  const stat = (key, label2) => {
    const box = el("div", "board-stat");
    box.dataset.stat = key;
    const name = el("dt", "", label2);
    const value = el("dd", "", "\u2013");
    box.append(name, value);
    stats.append(box);
    return {
      box,
      name,
      value
    };
  };
  const attempts = stat("attempts", "Attempts left");
  const points = stat("points", "Points available");
  const score = stat("score", "Score");
  const rank = stat("rank", "Leaderboard");
  const verdict = el("p", "board-verdict");
  const message = el("p", "board-message");
  const error = el("p", "board-error");
  error.setAttribute("role", "alert");
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
  for (const b of [
    clueButton,
    giveUpButton,
    againButton
  ]) {
    b.setAttribute("type", "button");
  }
  actions.append(clueButton, giveUpButton, againButton);
  section.append(head, slots, clues, stats, verdict, message, form, actions, error);
  root2.replaceChildren(section);
  function draw() {
    const over = isOver(board);
    section.dataset.status = board.status;
    category.textContent = board.category ? `Category: ${board.category}` : "Words with Chat";
    status.textContent = {
      idle: "No round yet.",
      open: `${board.letters} letters. Guess the word.`,
      solved: `Solved: the word was ${board.word}.`,
      lost: `Out of attempts: the word was ${board.word}.`,
      given_up: `Given up: the word was ${board.word}.`
    }[board.status];
    const letters = board.word ? [
      ...board.word
    ] : [];
    const count = board.word ? letters.length : board.letters;
    slots.setAttribute("aria-label", board.word ? `The word: ${board.word}` : `${count} letters`);
    slots.replaceChildren(...Array.from({
      length: count
    }, (_, i) => el("span", "board-slot", letters[i]?.toUpperCase() ?? "")));
    clues.replaceChildren(...board.clues.map((c) => el("li", "", c)));
    attempts.value.textContent = board.attempts_left === null ? "\u2013" : String(board.attempts_left);
    attempts.box.hidden = over || board.status === "idle";
    points.value.textContent = over ? board.status === "solved" ? `+${board.points ?? 0}` : "0" : board.points_available === null ? "\u2013" : String(board.points_available);
    points.name.textContent = over ? "Points scored" : "Points available";
    points.box.hidden = board.status === "idle";
    score.value.textContent = board.score === null ? "\u2013" : String(board.score);
    score.box.hidden = board.score === null;
    rank.value.textContent = board.you ? `#${board.you.rank} (${board.you.name})` : board.you === null ? "No points yet" : "\u2013";
    rank.box.hidden = board.you === void 0;
    verdict.textContent = board.status === "solved" ? `Right! +${board.points ?? 0} points.` : board.last_guess ?? "";
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
  function show(next, moved = false) {
    const opened = next.status === "open" && next.round !== board.round;
    board = next;
    draw();
    if (options.focus && board.status === "open" && (opened || moved)) {
      input.focus();
    }
    options.onChange?.(board, moved);
  }
  async function refreshStanding() {
    if (!transport) return;
    try {
      const { you } = await transport.standing();
      board = {
        ...board,
        you
      };
      draw();
    } catch {
    }
  }
  function submit() {
    const guess = input.value.trim();
    const round = board.round;
    if (!transport || !round || guess === "") return;
    input.value = "";
    void move(() => transport.guess(round, guess), {
      round,
      guess
    });
  }
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    submit();
  });
  send.addEventListener("click", submit);
  clueButton.addEventListener("click", () => {
    const round = board.round;
    if (transport && round) void move(() => transport.clue(round), {
      round
    });
  });
  giveUpButton.addEventListener("click", () => {
    const round = board.round;
    if (transport && round) {
      void move(() => transport.giveUp(round), {
        round
      });
    }
  });
  againButton.addEventListener("click", () => {
    const category2 = board.category;
    if (transport && category2) {
      void move(() => transport.start(category2), {});
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
      if (board !== before && (board.you === void 0 || isOver(board))) {
        void refreshStanding();
      }
    },
    /** @param {string} text */
    fail(text) {
      error.textContent = text;
    },
    refreshStanding
  };
}

// views/board/main_playground.js
var root = document.getElementById("playground-board");
if (root) {
  const board = mountBoard(root, null);
  document.addEventListener("wwc:answer", (event) => {
    const detail = (
      /** @type {CustomEvent} */
      event.detail
    );
    board.apply(detail.body, detail.args ?? {});
  });
  document.dispatchEvent(new CustomEvent("wwc:board-ready"));
}
