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
function nextBoard(board2, answer, args = {}) {
  if (typeof answer !== "object" || answer === null) return board2;
  const a = (
    /** @type {Record<string, unknown>} */
    answer
  );
  const clues = Array.isArray(a.clues) ? a.clues.filter((c) => typeof c === "string") : null;
  const category = str(a.category);
  if (!clues || !category) return board2;
  const round = str(a.round) ?? str(args.round);
  const base = round !== null && round === board2.round ? board2 : {
    ...emptyBoard(),
    score: board2.score,
    you: board2.you
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
  return board2;
}
function isOver(board2) {
  return board2.status === "solved" || board2.status === "lost" || board2.status === "given_up";
}
function summary(board2) {
  const where = `Words with Chat board, ${board2.category ?? "no"} round`;
  switch (board2.status) {
    case "idle":
      return `${where}: no round yet.`;
    case "open":
      return `${where} (handle ${board2.round}): ${board2.letters} letters, ${board2.clues.length} clues shown, ${board2.attempts_left} attempts left, ${board2.points_available} points available${board2.last_guess ? `; the player's last guess on the board: ${board2.last_guess}` : ""}.`;
    case "solved":
      return `${where}: the player solved it on the board ("${board2.word}"), +${board2.points} points, total score ${board2.score}.`;
    case "lost":
      return `${where}: the player ran out of attempts on the board; the word was "${board2.word}".`;
    case "given_up":
      return `${where}: the player gave up on the board; the word was "${board2.word}".`;
  }
}

// views/board/board.js
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function mountBoard(root2, transport2, options = {}) {
  let board2 = emptyBoard();
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
  const input2 = el("input", "board-input");
  input2.name = "guess";
  input2.id = "board-guess";
  input2.maxLength = 64;
  input2.required = true;
  input2.autocomplete = "off";
  input2.setAttribute("autocapitalize", "off");
  input2.setAttribute("spellcheck", "false");
  label.htmlFor = input2.id;
  const send = el("button", "board-send", "Guess");
  send.setAttribute("type", "button");
  form.append(label, input2, send);
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
  function draw2() {
    const over = isOver(board2);
    section.dataset.status = board2.status;
    category.textContent = board2.category ? `Category: ${board2.category}` : "Words with Chat";
    status.textContent = {
      idle: "No round yet.",
      open: `${board2.letters} letters. Guess the word.`,
      solved: `Solved: the word was ${board2.word}.`,
      lost: `Out of attempts: the word was ${board2.word}.`,
      given_up: `Given up: the word was ${board2.word}.`
    }[board2.status];
    const letters = board2.word ? [
      ...board2.word
    ] : [];
    const count = board2.word ? letters.length : board2.letters;
    slots.setAttribute("aria-label", board2.word ? `The word: ${board2.word}` : `${count} letters`);
    slots.replaceChildren(...Array.from({
      length: count
    }, (_, i) => el("span", "board-slot", letters[i]?.toUpperCase() ?? "")));
    clues.replaceChildren(...board2.clues.map((c) => el("li", "", c)));
    attempts.value.textContent = board2.attempts_left === null ? "\u2013" : String(board2.attempts_left);
    attempts.box.hidden = over || board2.status === "idle";
    points.value.textContent = over ? board2.status === "solved" ? `+${board2.points ?? 0}` : "0" : board2.points_available === null ? "\u2013" : String(board2.points_available);
    points.name.textContent = over ? "Points scored" : "Points available";
    points.box.hidden = board2.status === "idle";
    score.value.textContent = board2.score === null ? "\u2013" : String(board2.score);
    score.box.hidden = board2.score === null;
    rank.value.textContent = board2.you ? `#${board2.you.rank} (${board2.you.name})` : board2.you === null ? "No points yet" : "\u2013";
    rank.box.hidden = board2.you === void 0;
    verdict.textContent = board2.status === "solved" ? `Right! +${board2.points ?? 0} points.` : board2.last_guess ?? "";
    verdict.hidden = verdict.textContent === "";
    message.textContent = board2.message ?? "";
    message.hidden = !board2.message;
    const canMove = transport2 !== null && board2.round !== null && !busy;
    form.hidden = transport2 === null || board2.status !== "open";
    input2.disabled = send.disabled = !canMove;
    clueButton.hidden = transport2 === null || board2.status !== "open";
    clueButton.disabled = !canMove || board2.clues_left === 0;
    giveUpButton.hidden = clueButton.hidden;
    giveUpButton.disabled = !canMove;
    againButton.hidden = transport2 === null || !over || !board2.category;
    againButton.disabled = busy;
  }
  async function move(call2, args) {
    if (busy) return;
    busy = true;
    error.textContent = "";
    draw2();
    try {
      const answer = await call2();
      const before = board2;
      board2 = nextBoard(board2, answer, args);
      busy = false;
      show(board2, true);
      if (isOver(board2) && !isOver(before)) void refreshStanding();
    } catch (err) {
      busy = false;
      error.textContent = err instanceof Error ? err.message : String(err);
      draw2();
    }
  }
  function show(next, moved = false) {
    const opened = next.status === "open" && next.round !== board2.round;
    board2 = next;
    draw2();
    if (options.focus && board2.status === "open" && (opened || moved)) {
      input2.focus();
    }
    options.onChange?.(board2, moved);
  }
  async function refreshStanding() {
    if (!transport2) return;
    try {
      const { you } = await transport2.standing();
      board2 = {
        ...board2,
        you
      };
      draw2();
    } catch {
    }
  }
  function submit() {
    const guess = input2.value.trim();
    const round = board2.round;
    if (!transport2 || !round || guess === "") return;
    input2.value = "";
    void move(() => transport2.guess(round, guess), {
      round,
      guess
    });
  }
  input2.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    event.preventDefault();
    submit();
  });
  send.addEventListener("click", submit);
  clueButton.addEventListener("click", () => {
    const round = board2.round;
    if (transport2 && round) void move(() => transport2.clue(round), {
      round
    });
  });
  giveUpButton.addEventListener("click", () => {
    const round = board2.round;
    if (transport2 && round) {
      void move(() => transport2.giveUp(round), {
        round
      });
    }
  });
  againButton.addEventListener("click", () => {
    const category2 = board2.category;
    if (transport2 && category2) {
      void move(() => transport2.start(category2), {});
    }
  });
  draw2();
  return {
    /** The board as drawn now. */
    get board() {
      return board2;
    },
    /**
     * Draws an answer that came from elsewhere (the model's tool call).
     * @param {unknown} answer
     * @param {Record<string, unknown>} [args]
     */
    apply(answer, args) {
      const before = board2;
      show(nextBoard(board2, answer, args));
      if (board2 !== before && (board2.you === void 0 || isOver(board2))) {
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

// views/board/mcp_host.js
var PROTOCOL_VERSION = "2026-01-26";
function textOf(result) {
  return (result.content ?? []).map((c) => c.type === "text" ? c.text ?? "" : "").join("\n").trim();
}
async function connectToHost(handlers, appInfo) {
  const host2 = self.parent;
  if (host2 === self) throw new Error("not framed by an MCP Apps host");
  let nextId = 1;
  const pending = /* @__PURE__ */ new Map();
  const post = (message) => host2.postMessage({
    jsonrpc: "2.0",
    ...message
  }, "*");
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, {
      resolve,
      reject
    });
    post({
      id,
      method,
      params
    });
  });
  const notify = (method, params = {}) => post({
    method,
    params
  });
  addEventListener("message", (event) => {
    if (event.source !== host2) return;
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
      if (m.method === "ping" || m.method === "ui/resource-teardown") {
        post({
          id: m.id,
          result: {}
        });
      } else {
        post({
          id: m.id,
          error: {
            code: -32601,
            message: `Method not found: ${m.method}`
          }
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
    protocolVersion: PROTOCOL_VERSION
  });
  notify("ui/notifications/initialized");
  const capabilities = result?.hostCapabilities ?? {};
  const context = result?.hostContext ?? {};
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    notify("ui/notifications/size-changed", {
      height
    });
  }).observe(document.body);
  return {
    capabilities,
    context,
    callTool: (name, args) => request("tools/call", {
      name,
      arguments: args
    }),
    async updateModelContext(text) {
      if (!capabilities.updateModelContext) return;
      await request("ui/update-model-context", {
        content: [
          {
            type: "text",
            text
          }
        ]
      });
    }
  };
}

// views/board/main_mcp.js
var root = document.getElementById("board");
if (!root) throw new Error("the board page lacks #board");
var host = null;
async function call(name, args) {
  if (!host) throw new Error("Not connected to the conversation yet.");
  const result = await host.callTool(name, args);
  if (result.isError || !result.structuredContent) {
    throw new Error(textOf(result) || "The game did not answer.");
  }
  return result.structuredContent;
}
var transport = {
  start: (category) => call("start_round", { category }),
  clue: (round) => call("get_clue", { round }),
  guess: (round, guess) => call("guess", { round, guess }),
  giveUp: (round) => call("give_up", { round }),
  standing: async () => (
    /** @type {{ you: import("./state.js").Standing | null }} */
    await call("leaderboard", {})
  )
};
var input = {};
var board = null;
var early = null;
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
  onToolResult: draw
}, { name: "words-with-chat-board", version: "1.0.0" }).catch(() => null);
board = mountBoard(root, host?.capabilities.serverTools ? transport : null, {
  onChange(state, moved) {
    if (moved) void host?.updateModelContext(summary(state)).catch(() => {
    });
  }
});
if (early) draw(early);
