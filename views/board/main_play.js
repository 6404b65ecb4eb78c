/**
 * `/play`, the game in a browser: the board of a conversation, driven by
 * this service's REST API, with the leaderboard beside it.
 *
 * The page signs in as the built-in client `play`; its refresh token stays
 * in an HttpOnly cookie the page cannot read, and `POST /play/session` hands
 * it an access token that lives in this script's memory only (see
 * `auth/play_client.ts`). A reload asks again, so the player stays signed in
 * and finds their open round (`GET /api/rounds/current`).
 *
 * @module
 */
import { mountBoard } from "./board.js";

/** @typedef {import("./state.js").Standing} Standing */

/**
 * An element the page renders (a miss is a bug).
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`/play lacks #${id}`);
  return /** @type {T} */ (node);
}

const signIn = byId("play-signin");
const game = byId("play-game");
const who = byId("play-who");
const planLine = byId("play-plan");
const notice = byId("play-notice");
const categories = byId("play-categories");
const leaderboard = /** @type {HTMLOListElement} */ (byId("play-leaderboard"));
const signOutButton = byId("play-signout");
const eraseButton = byId("play-erase");
const confirmDialog = /** @type {HTMLDialogElement} */ (byId("play-confirm"));
const confirmText = byId("play-confirm-text");
const confirmYes = byId("play-confirm-yes");
const confirmNo = byId("play-confirm-no");
confirmYes.addEventListener("click", () => confirmDialog.close("yes"));
confirmNo.addEventListener("click", () => confirmDialog.close("no"));

/** The access token: in memory, never stored. */
let token = "";

/** The player is (no longer) signed in: show the way in. */
function signedOut(message = "") {
  token = "";
  game.hidden = true;
  signIn.hidden = false;
  notice.textContent = message;
  signIn.querySelector("a")?.focus();
}

/**
 * Asks the server for an access token from the session cookie.
 * @returns {Promise<boolean>} whether the player is signed in
 */
async function renew() {
  const res = await fetch("/play/session", { method: "POST" });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(await problem(res));
  token = (await res.json()).access_token;
  return true;
}

/**
 * The message of an API error answer.
 * @param {Response} res
 */
async function problem(res) {
  try {
    const body = await res.json();
    if (typeof body.message === "string") return body.message;
  } catch {
    // Not JSON: say what happened in general.
  }
  return `The game answered ${res.status}. Try again in a moment.`;
}

/**
 * Calls the API with the access token, renewing it once when it has
 * expired; an error answer rejects with its message.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  for (let attempt = 0;; attempt++) {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
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

/** @param {{ top: Standing[], you: Standing | null }} standings */
function drawLeaderboard(standings) {
  const rows = standings.top.map((s) => {
    const li = document.createElement("li");
    const mine = standings.you !== null && s.rank === standings.you.rank &&
      s.name === standings.you.name;
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
  if (
    you &&
    !standings.top.some((s) => s.rank === you.rank && s.name === you.name)
  ) {
    const li = document.createElement("li");
    li.className = "you";
    li.setAttribute("aria-current", "true");
    /** @type {[string, string][]} */
    const parts = [
      ["rank", `#${you.rank}`],
      ["name", `${you.name} (you)`],
      ["score", String(you.score)],
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

/** @returns {Promise<{ you: Standing | null }>} */
async function standing() {
  const standings = await api("GET", "/api/leaderboard");
  drawLeaderboard(standings);
  return standings;
}

/**
 * Shows the player's plan: free rounds left and the way to upgrade, or the
 * way to manage a subscription; nothing when there is no quota.
 */
async function drawPlan() {
  /** @type {{ plan: string, free_rounds_per_day: number, free_rounds_left: number | null, upgrade_url?: string, portal_url?: string } | null} */
  const plan = await api("GET", "/api/plan").catch(() => null);
  planLine.replaceChildren();
  planLine.hidden = true;
  if (!plan) return;
  /** @param {string} text @param {string} href */
  const link = (text, href) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };
  if (plan.plan === "pro") {
    planLine.append("Pro plan");
    if (plan.portal_url) {
      planLine.append(" · ", link("Manage your subscription", plan.portal_url));
    }
  } else if (plan.free_rounds_per_day > 0) {
    planLine.append(
      `Free plan: ${
        plan.free_rounds_left ?? 0
      } of ${plan.free_rounds_per_day} rounds left today`,
    );
    if (plan.upgrade_url) {
      planLine.append(" · ", link("Upgrade", plan.upgrade_url));
    }
  } else return;
  planLine.hidden = false;
}

/**
 * Starts a round in `category`; the plan line follows (rounds left, or
 * the way to upgrade when the free rounds are used up).
 * @param {string} category
 */
async function startRound(category) {
  try {
    return await api("POST", "/api/rounds", { category });
  } finally {
    void drawPlan();
  }
}

const board = mountBoard(byId("board"), {
  start: startRound,
  clue: (round) => api("POST", "/api/rounds/clue", { round }),
  guess: (round, guess) => api("POST", "/api/rounds/guess", { round, guess }),
  giveUp: (round) => api("POST", "/api/rounds/giveup", { round }),
  standing,
}, {
  focus: true,
  onChange(state) {
    // Between rounds, the categories start the next one.
    categories.hidden = state.status === "open";
  },
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

/**
 * Asks the player to confirm, in the page's own dialog.
 * @param {string} text
 * @param {string} yes
 * @returns {Promise<boolean>}
 */
function confirmed(text, yes) {
  confirmText.textContent = text;
  confirmYes.textContent = yes;
  confirmDialog.returnValue = "";
  confirmDialog.showModal();
  return new Promise((resolve) => {
    confirmDialog.addEventListener(
      "close",
      () => resolve(confirmDialog.returnValue === "yes"),
      { once: true },
    );
  });
}

/** Ends this browser's session; whether the server did. */
async function endSession() {
  const res = await fetch("/play/signout", { method: "POST" }).catch(() =>
    null
  );
  if (res?.ok) return true;
  notice.textContent = res
    ? await problem(res)
    : "The game could not be reached. Try again in a moment.";
  return false;
}

signOutButton.addEventListener("click", async () => {
  if (!await confirmed("Sign out of the game in this browser?", "Sign out")) {
    return;
  }
  if (await endSession()) signedOut("You are signed out.");
});

eraseButton.addEventListener("click", async () => {
  if (
    !await confirmed(
      "Erase your score, nickname and rounds, and sign out everywhere? This cannot be undone.",
      "Erase my data",
    )
  ) return;
  try {
    await api("DELETE", "/api/me");
  } catch (err) {
    notice.textContent = err instanceof Error ? err.message : String(err);
    return;
  }
  // The data is gone whatever the answer: the session died with it.
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
    drawPlan(),
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
