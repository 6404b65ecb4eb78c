/**
 * The one script, served from `/assets/app.js` (the CSP allows scripts from
 * our own origin only, never inline): copy buttons on the setup guide, and
 * the development playground, a stand-in for ChatGPT that signs in as the
 * public client `playground` with PKCE and calls the API.
 *
 * Browsers run this file as it is: a classic script, no build step. Its
 * folder is a workspace member whose `deno.json` sets `checkJs` and the DOM
 * libraries, so `deno check .` type-checks it with the JSDoc types below,
 * strictly (the project's compiler options), against the DOM and without
 * Deno's globals; `deno lint` and `deno fmt` cover it like every other file.
 * (Not a `// @ts-check` line: `views/assets.ts` imports this file as text,
 * and the pragma would also have it checked there, without the DOM.)
 *
 * @module
 */
"use strict";
(() => {
  for (const button of document.querySelectorAll("button")) {
    const text = button.dataset.copy;
    if (text === undefined) continue;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch {
        // No clipboard (an old browser, or permission refused): select it.
        const value = button.previousElementSibling;
        if (value) getSelection()?.selectAllChildren(value);
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(() => {
        button.textContent = "Copy";
      }, 2000);
    });
  }

  const root = document.getElementById("playground");
  if (!root) return;
  /**
   * A `data-*` value the playground page renders (a miss is a bug).
   * @param {string} name
   */
  const setting = (name) => {
    const value = root.dataset[name];
    if (!value) throw new Error(`#playground lacks its ${name}`);
    return value;
  };
  const issuer = setting("issuer");
  const clientId = setting("clientId");
  const redirectUri = setting("redirectUri");
  const store = sessionStorage;

  /**
   * What the page keeps of a token response (all of it, shown shortened).
   * @typedef {{ access_token: string, refresh_token: string }} TokenSet
   */
  /**
   * The sign-in this page started, held across the redirect.
   * @typedef {{ verifier: string, state: string }} PendingSignIn
   */

  /**
   * The element with this id, of the kind the script expects: the playground
   * page renders all of them, so a miss is a bug worth an error.
   * @template {HTMLElement} T
   * @param {string} id
   * @param {{ new (): T }} kind
   * @returns {T}
   */
  function element(id, kind) {
    const found = document.getElementById(id);
    if (!(found instanceof kind)) throw new Error(`#${id} is not on the page`);
    return found;
  }
  /** @param {string} id */
  const $ = (id) => element(id, HTMLElement);
  /** @param {string} id */
  const button = (id) => element(id, HTMLButtonElement);

  /** @param {Uint8Array} bytes */
  const b64url = (bytes) =>
    btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
      .replace(/\//g, "_").replace(/=+$/, "");
  /** @param {number} n */
  const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));
  /** @param {unknown} t */
  const short = (t) =>
    typeof t === "string" && t.length > 28
      ? t.slice(0, 16) + "…" + t.slice(-6)
      : t;
  /** @param {unknown} value */
  const shortened = (value) =>
    JSON.stringify(
      value,
      (k, v) =>
        ["access_token", "refresh_token", "round"].includes(k) ? short(v) : v,
      2,
    );

  /**
   * A JSON value as an object whose fields the caller checks one by one
   * (an empty object for anything else).
   * @param {unknown} value
   * @returns {Record<string, unknown>}
   */
  const asObject = (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? /** @type {Record<string, unknown>} */ (value)
      : {};

  /**
   * What this page saved under `key`, or null: only this page writes its
   * session storage, so the saved shape is the one it wrote.
   * @template T
   * @param {string} key
   * @returns {T | null}
   */
  function load(key) {
    try {
      return JSON.parse(store.getItem(key) ?? "null");
    } catch {
      return null;
    }
  }
  /**
   * @param {string} key
   * @param {unknown} value null removes the entry
   */
  function save(key, value) {
    if (value === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  }

  /** @type {TokenSet | null} */
  let tokens = load("pg.tokens");
  /** @type {string | null} */
  let round = load("pg.round");

  /** @param {TokenSet | null} value */
  function setTokens(value) {
    tokens = value;
    save("pg.tokens", value);
  }
  /** @param {string | null} value */
  function setRound(value) {
    round = value;
    save("pg.round", value);
  }

  /**
   * @param {string} message
   * @param {boolean} [problem]
   */
  function say(message, problem) {
    $("status").textContent = message;
    $("status").classList.toggle("problem", Boolean(problem));
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {number} status
   * @param {unknown} body text, or parsed JSON (shown with tokens shortened)
   */
  function logEntry(method, path, status, body) {
    const li = document.createElement("li");
    li.dataset.path = path;
    li.dataset.status = String(status);
    const head = document.createElement("div");
    head.className = "req";
    head.textContent = method + " " + path + " → " + status;
    const pre = document.createElement("pre");
    pre.className = "box";
    pre.textContent = typeof body === "string" ? body : shortened(body);
    li.append(head, pre);
    $("log").prepend(li);
  }

  function render() {
    const signedIn = Boolean(tokens);
    $("token").hidden = !signedIn;
    $("token").textContent = signedIn ? shortened(tokens) : "";
    button("signin").disabled = signedIn;
    button("refresh").disabled = !signedIn;
    button("signout").disabled = !signedIn;
    for (const b of document.querySelectorAll("button")) {
      if (b.classList.contains("api")) b.disabled = !signedIn;
    }
    for (const id of ["clue", "giveup", "send-guess"]) {
      button(id).disabled = !signedIn || !round;
    }
  }

  async function signIn() {
    const verifier = random(32);
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(verifier),
    );
    const state = random(16);
    /** @type {PendingSignIn} */
    const pending = { verifier, state };
    save("pg.pending", pending);
    const q = new URLSearchParams({
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: "game",
      state,
      code_challenge: b64url(new Uint8Array(digest)),
      code_challenge_method: "S256",
    });
    location.assign("/oauth/authorize?" + q);
  }

  /**
   * A token request as the public client; the response is logged.
   * @param {Record<string, string>} form
   * @returns {Promise<{ tokens: TokenSet } | { error: string }>}
   */
  async function tokenRequest(form) {
    const res = await fetch("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...form, client_id: clientId }),
    });
    const body = asObject(await res.json().catch(() => null));
    logEntry(
      "POST",
      "/oauth/token (" + form.grant_type + ")",
      res.status,
      body,
    );
    const { access_token, refresh_token } = body;
    if (
      res.ok && typeof access_token === "string" &&
      typeof refresh_token === "string"
    ) {
      return { tokens: { ...body, access_token, refresh_token } };
    }
    return { error: String(body.error) };
  }

  async function finishSignIn() {
    const params = new URLSearchParams(location.search);
    if (!params.has("code") && !params.has("error")) return;
    history.replaceState(null, "", location.pathname);
    /** @type {PendingSignIn | null} */
    const pending = load("pg.pending");
    save("pg.pending", null);
    if (!pending || params.get("state") !== pending.state) {
      return say(
        "That sign-in response was not started here (state mismatch). Sign in again.",
        true,
      );
    }
    if (params.get("iss") !== issuer) {
      return say(
        "That sign-in response came from another issuer. Sign in again.",
        true,
      );
    }
    if (params.has("error")) {
      return say(
        params.get("error") === "access_denied"
          ? "Sign-in was cancelled."
          : "Sign-in failed: " + params.get("error") + ". Try again.",
        true,
      );
    }
    const result = await tokenRequest({
      grant_type: "authorization_code",
      code: params.get("code") ?? "",
      redirect_uri: redirectUri,
      code_verifier: pending.verifier,
    });
    if ("tokens" in result) {
      setTokens(result.tokens);
      setRound(null);
      say("Signed in.");
    } else {
      say(
        "The code exchange failed: " + result.error + ". Sign in again.",
        true,
      );
    }
  }

  /**
   * The last answer about a round, as the board above the log draws it
   * (views/board/main_playground.js listens for `wwc:answer`).
   * @type {{ body: unknown, args: Record<string, unknown> } | null}
   */
  let lastAnswer = null;
  /**
   * @param {unknown} body
   * @param {Record<string, unknown>} [args]
   */
  function showOnBoard(body, args = {}) {
    lastAnswer = { body, args };
    document.dispatchEvent(
      new CustomEvent("wwc:answer", { detail: lastAnswer }),
    );
  }
  document.addEventListener("wwc:board-ready", () => {
    if (lastAnswer) {
      document.dispatchEvent(
        new CustomEvent("wwc:answer", { detail: lastAnswer }),
      );
    }
  });

  /**
   * Calls our API with the access token and logs the exchange.
   * @param {string} method
   * @param {string} path
   * @param {Record<string, unknown>} [json]
   * @returns {Promise<{ status: number, body: Record<string, unknown> }>}
   *   the body as an object (empty when it is not a JSON object)
   */
  async function call(method, path, json) {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: "Bearer " + (tokens?.access_token ?? ""),
        ...(json ? { "content-type": "application/json" } : {}),
      },
      body: json ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    /** @type {unknown} */
    let body = text;
    try {
      body = JSON.parse(text);
    } catch { /* not JSON: show as text */ }
    logEntry(method, path, res.status, body);
    if (res.ok && path.startsWith("/api/rounds")) showOnBoard(body, json);
    if (res.status === 401) {
      say(
        "The API refused the access token. Refresh it, or sign in again.",
        true,
      );
    }
    return { status: res.status, body: asObject(body) };
  }

  /**
   * @param {string} id
   * @param {() => Promise<unknown>} handler
   */
  const on = (id, handler) =>
    button(id).addEventListener("click", async () => {
      button(id).disabled = true;
      try {
        await handler();
      } finally {
        render();
      }
    });

  on("signin", signIn);
  on("refresh", async () => {
    const result = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens?.refresh_token ?? "",
    });
    if ("tokens" in result) {
      setTokens(result.tokens);
      say("Token refreshed.");
    } else {
      setTokens(null);
      say(
        "The refresh was refused (" + result.error + "): sign in again.",
        true,
      );
    }
  });
  on("signout", async () => {
    await call("POST", "/api/me/signout");
    const res = await fetch("/oauth/revoke", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: tokens?.refresh_token ?? "",
        client_id: clientId,
      }),
    });
    logEntry("POST", "/oauth/revoke", res.status, await res.text());
    setTokens(null);
    setRound(null);
    say("Signed out.");
  });
  on("start", async () => {
    const { status, body } = await call("POST", "/api/rounds", {
      category: element("category", HTMLSelectElement).value,
    });
    if (status === 201 && typeof body.round === "string") setRound(body.round);
  });
  on("clue", () => call("POST", "/api/rounds/clue", { round }));
  on("send-guess", async () => {
    const { status, body } = await call("POST", "/api/rounds/guess", {
      round,
      guess: element("guess", HTMLInputElement).value,
    });
    if (status === 200 && (body.correct === true || body.attempts_left === 0)) {
      setRound(null);
    }
    if (status === 409) setRound(null);
  });
  on("giveup", async () => {
    await call("POST", "/api/rounds/giveup", { round });
    setRound(null);
  });
  on("me", () => call("GET", "/api/me"));
  on("score", () => call("GET", "/api/score"));
  on("board", () => call("GET", "/api/leaderboard"));
  on("set-nickname", () =>
    call("PUT", "/api/me/nickname", {
      nickname: element("nickname", HTMLInputElement).value,
    }));

  render();
  // After a reload the tokens are still here: say so, and show the round.
  if (tokens) say("Signed in.");
  finishSignIn().then(async () => {
    render();
    if (tokens && round) await call("GET", "/api/rounds/current");
  });
})();
