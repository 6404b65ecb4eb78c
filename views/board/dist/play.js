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

// views/board/board.js
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function mountBoard(root, transport, options = {}) {
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
  root.replaceChildren(section);
  function draw() {
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
    const canMove = transport !== null && board2.round !== null && !busy;
    form.hidden = transport === null || board2.status !== "open";
    input.disabled = send.disabled = !canMove;
    clueButton.hidden = transport === null || board2.status !== "open";
    clueButton.disabled = !canMove || board2.clues_left === 0;
    giveUpButton.hidden = clueButton.hidden;
    giveUpButton.disabled = !canMove;
    againButton.hidden = transport === null || !over || !board2.category;
    againButton.disabled = busy;
  }
  async function move(call, args) {
    if (busy) return;
    busy = true;
    error.textContent = "";
    draw();
    try {
      const answer = await call();
      const before = board2;
      board2 = nextBoard(board2, answer, args);
      busy = false;
      show(board2, true);
      if (isOver(board2) && !isOver(before)) void refreshStanding();
    } catch (err) {
      busy = false;
      error.textContent = err instanceof Error ? err.message : String(err);
      draw();
    }
  }
  function show(next, moved = false) {
    const opened = next.status === "open" && next.round !== board2.round;
    board2 = next;
    draw();
    if (options.focus && board2.status === "open" && (opened || moved)) {
      input.focus();
    }
    options.onChange?.(board2, moved);
  }
  async function refreshStanding() {
    if (!transport) return;
    try {
      const { you } = await transport.standing();
      board2 = {
        ...board2,
        you
      };
      draw();
    } catch {
    }
  }
  function submit() {
    const guess = input.value.trim();
    const round = board2.round;
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
    const round = board2.round;
    if (transport && round) void move(() => transport.clue(round), {
      round
    });
  });
  giveUpButton.addEventListener("click", () => {
    const round = board2.round;
    if (transport && round) {
      void move(() => transport.giveUp(round), {
        round
      });
    }
  });
  againButton.addEventListener("click", () => {
    const category2 = board2.category;
    if (transport && category2) {
      void move(() => transport.start(category2), {});
    }
  });
  draw();
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

// views/board/main_play.js
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`/play lacks #${id}`);
  return (
    /** @type {T} */
    node
  );
}
var signIn = byId("play-signin");
var game = byId("play-game");
var who = byId("play-who");
var planLine = byId("play-plan");
var notice = byId("play-notice");
var categories = byId("play-categories");
var leaderboard = (
  /** @type {HTMLOListElement} */
  byId("play-leaderboard")
);
var signOutButton = byId("play-signout");
var eraseButton = byId("play-erase");
var confirmDialog = (
  /** @type {HTMLDialogElement} */
  byId("play-confirm")
);
var confirmText = byId("play-confirm-text");
var confirmYes = byId("play-confirm-yes");
var confirmNo = byId("play-confirm-no");
confirmYes.addEventListener("click", () => confirmDialog.close("yes"));
confirmNo.addEventListener("click", () => confirmDialog.close("no"));
var token = "";
function signedOut(message = "") {
  token = "";
  game.hidden = true;
  signIn.hidden = false;
  notice.textContent = message;
  signIn.querySelector("a")?.focus();
}
async function renew() {
  const res = await fetch("/play/session", { method: "POST" });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(await problem(res));
  token = (await res.json()).access_token;
  return true;
}
async function problem(res) {
  try {
    const body = await res.json();
    if (typeof body.message === "string") return body.message;
  } catch {
  }
  return `The game answered ${res.status}. Try again in a moment.`;
}
async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...body === void 0 ? {} : { "content-type": "application/json" }
      },
      ...body === void 0 ? {} : { body: JSON.stringify(body) }
    });
    if (res.status === 401 && attempt === 0 && await renew()) continue;
    if (res.status === 401) {
      signedOut("Your session has ended. Sign in again.");
      throw new Error("Signed out.");
    }
    if (res.status === 204) return null;
    if (res.status === 404 && path === "/api/rounds/current") return null;
    if (!res.ok) throw new Error(await problem(res));
    return await res.json();
  }
}
function drawLeaderboard(standings) {
  const rows = standings.top.map((s) => {
    const li = document.createElement("li");
    const mine = standings.you !== null && s.rank === standings.you.rank && s.name === standings.you.name;
    if (mine) {
      li.className = "you";
      li.setAttribute("aria-current", "true");
    }
    const rank = document.createElement("span");
    rank.className = "rank";
    rank.textContent = `#${s.rank}`;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = mine ? `${s.name} (you)` : s.name;
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = String(s.score);
    li.append(rank, name, score);
    return li;
  });
  const you = standings.you;
  if (you && !standings.top.some((s) => s.rank === you.rank && s.name === you.name)) {
    const li = document.createElement("li");
    li.className = "you";
    li.setAttribute("aria-current", "true");
    const parts = [
      ["rank", `#${you.rank}`],
      ["name", `${you.name} (you)`],
      ["score", String(you.score)]
    ];
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = text;
      li.append(span);
    }
    rows.push(li);
  }
  if (rows.length === 0) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "No scores yet. Be the first.";
    rows.push(li);
  }
  leaderboard.replaceChildren(...rows);
}
async function standing() {
  const standings = await api("GET", "/api/leaderboard");
  drawLeaderboard(standings);
  return standings;
}
async function drawPlan() {
  const plan = await api("GET", "/api/plan").catch(() => null);
  planLine.replaceChildren();
  planLine.hidden = true;
  if (!plan) return;
  const link = (text, href) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };
  if (plan.plan === "pro") {
    planLine.append("Pro plan");
    if (plan.portal_url) {
      planLine.append(" \xB7 ", link("Manage your subscription", plan.portal_url));
    }
  } else if (plan.free_rounds_per_day > 0) {
    planLine.append(
      `Free plan: ${plan.free_rounds_left ?? 0} of ${plan.free_rounds_per_day} rounds left today`
    );
    if (plan.upgrade_url) {
      planLine.append(" \xB7 ", link("Upgrade", plan.upgrade_url));
    }
  } else return;
  planLine.hidden = false;
}
async function startRound(category) {
  try {
    return await api("POST", "/api/rounds", { category });
  } finally {
    void drawPlan();
  }
}
var board = mountBoard(byId("board"), {
  start: startRound,
  clue: (round) => api("POST", "/api/rounds/clue", { round }),
  guess: (round, guess) => api("POST", "/api/rounds/guess", { round, guess }),
  giveUp: (round) => api("POST", "/api/rounds/giveup", { round }),
  standing
}, {
  focus: true,
  onChange(state) {
    categories.hidden = state.status === "open";
  }
});
for (const button of categories.querySelectorAll("button")) {
  button.addEventListener("click", async () => {
    const category = button.dataset.category ?? "";
    try {
      board.apply(await startRound(category), {});
    } catch (err) {
      board.fail(err instanceof Error ? err.message : String(err));
    }
  });
}
function confirmed(text, yes) {
  confirmText.textContent = text;
  confirmYes.textContent = yes;
  confirmDialog.returnValue = "";
  confirmDialog.showModal();
  return new Promise((resolve) => {
    confirmDialog.addEventListener(
      "close",
      () => resolve(confirmDialog.returnValue === "yes"),
      { once: true }
    );
  });
}
async function endSession() {
  const res = await fetch("/play/signout", { method: "POST" }).catch(
    () => null
  );
  if (res?.ok) return true;
  notice.textContent = res ? await problem(res) : "The game could not be reached. Try again in a moment.";
  return false;
}
signOutButton.addEventListener("click", async () => {
  if (!await confirmed("Sign out of the game in this browser?", "Sign out")) {
    return;
  }
  if (await endSession()) signedOut("You are signed out.");
});
eraseButton.addEventListener("click", async () => {
  if (!await confirmed(
    "Erase your score, nickname and rounds, and sign out everywhere? This cannot be undone.",
    "Erase my data"
  )) return;
  try {
    await api("DELETE", "/api/me");
  } catch (err) {
    notice.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  await endSession();
  signedOut("Your data has been erased.");
});
async function start() {
  try {
    if (!await renew()) return signedOut();
  } catch (err) {
    return signedOut(err instanceof Error ? err.message : String(err));
  }
  const [me, current] = await Promise.all([
    api("GET", "/api/me"),
    api("GET", "/api/rounds/current"),
    standing().catch(() => null),
    drawPlan()
  ]);
  who.textContent = `Signed in as ${me.name ?? me.id}`;
  signIn.hidden = true;
  game.hidden = false;
  if (current) {
    board.apply(current, {});
  } else {
    categories.querySelector("button")?.focus();
  }
}
void start().catch((err) => {
  notice.textContent = err instanceof Error ? err.message : String(err);
});
