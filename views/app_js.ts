/**
 * The one script, served from `/assets/app.js` (the CSP allows scripts from
 * our own origin only, never inline): copy buttons on the setup guide, and
 * the development playground, a stand-in for ChatGPT that signs in as the
 * public client `playground` with PKCE and calls the API.
 *
 * @module
 */
export const APP_JS = `"use strict";
(() => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        button.textContent = "Copied";
      } catch {
        // No clipboard (an old browser, or permission refused): select it.
        getSelection().selectAllChildren(button.previousElementSibling);
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
  }

  const root = document.getElementById("playground");
  if (!root) return;
  const { issuer, clientId, redirectUri } = root.dataset;
  const store = sessionStorage;
  const $ = (id) => document.getElementById(id);
  const b64url = (bytes) =>
    btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-")
      .replace(/\\//g, "_").replace(/=+$/, "");
  const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));
  const short = (t) =>
    typeof t === "string" && t.length > 28 ? t.slice(0, 16) + "…" + t.slice(-6) : t;
  const shortened = (value) =>
    JSON.stringify(value, (k, v) =>
      ["access_token", "refresh_token", "round"].includes(k) ? short(v) : v, 2);
  const load = (key) => {
    try { return JSON.parse(store.getItem(key) ?? "null"); } catch { return null; }
  };
  const save = (key, value) =>
    value === null ? store.removeItem(key) : store.setItem(key, JSON.stringify(value));

  let tokens = load("pg.tokens");
  let round = load("pg.round");

  function setTokens(value) { tokens = value; save("pg.tokens", value); }
  function setRound(value) { round = value; save("pg.round", value); }

  function say(message, problem) {
    $("status").textContent = message;
    $("status").classList.toggle("problem", Boolean(problem));
  }

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
    $("signin").disabled = signedIn;
    $("refresh").disabled = !signedIn;
    $("signout").disabled = !signedIn;
    for (const b of document.querySelectorAll("button.api")) b.disabled = !signedIn;
    for (const id of ["clue", "giveup", "send-guess"]) {
      $(id).disabled = !signedIn || !round;
    }
  }

  async function signIn() {
    const verifier = random(32);
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    const state = random(16);
    save("pg.pending", { verifier, state });
    const q = new URLSearchParams({
      response_type: "code", client_id: clientId, redirect_uri: redirectUri,
      scope: "game", state, code_challenge: b64url(new Uint8Array(digest)),
      code_challenge_method: "S256",
    });
    location.assign("/oauth/authorize?" + q);
  }

  async function tokenRequest(form) {
    const res = await fetch("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...form, client_id: clientId }),
    });
    const body = await res.json().catch(() => ({}));
    logEntry("POST", "/oauth/token (" + form.grant_type + ")", res.status, body);
    return { ok: res.ok, body };
  }

  async function finishSignIn() {
    const params = new URLSearchParams(location.search);
    if (!params.has("code") && !params.has("error")) return;
    history.replaceState(null, "", location.pathname);
    const pending = load("pg.pending");
    save("pg.pending", null);
    if (!pending || params.get("state") !== pending.state) {
      return say("That sign-in response was not started here (state mismatch). Sign in again.", true);
    }
    if (params.get("iss") !== issuer) {
      return say("That sign-in response came from another issuer. Sign in again.", true);
    }
    if (params.has("error")) {
      return say(params.get("error") === "access_denied"
        ? "Sign-in was cancelled."
        : "Sign-in failed: " + params.get("error") + ". Try again.", true);
    }
    const { ok, body } = await tokenRequest({
      grant_type: "authorization_code", code: params.get("code"),
      redirect_uri: redirectUri, code_verifier: pending.verifier,
    });
    if (ok) {
      setTokens(body);
      setRound(null);
      say("Signed in.");
    } else {
      say("The code exchange failed: " + body.error + ". Sign in again.", true);
    }
  }

  async function call(method, path, json) {
    const res = await fetch(path, {
      method,
      headers: {
        authorization: "Bearer " + tokens.access_token,
        ...(json ? { "content-type": "application/json" } : {}),
      },
      body: json ? JSON.stringify(json) : undefined,
    });
    const text = await res.text();
    let body = text;
    try { body = JSON.parse(text); } catch { /* not JSON: show as text */ }
    logEntry(method, path, res.status, body);
    if (res.status === 401) say("The API refused the access token. Refresh it, or sign in again.", true);
    return { status: res.status, body };
  }

  const on = (id, handler) => $(id).addEventListener("click", async () => {
    $(id).disabled = true;
    try { await handler(); } finally { render(); }
  });

  on("signin", signIn);
  on("refresh", async () => {
    const { ok, body } = await tokenRequest({
      grant_type: "refresh_token", refresh_token: tokens.refresh_token,
    });
    if (ok) {
      setTokens(body);
      say("Token refreshed.");
    } else {
      setTokens(null);
      say("The refresh was refused (" + body.error + "): sign in again.", true);
    }
  });
  on("signout", async () => {
    await call("POST", "/api/me/signout");
    const res = await fetch("/oauth/revoke", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: clientId }),
    });
    logEntry("POST", "/oauth/revoke", res.status, await res.text());
    setTokens(null);
    setRound(null);
    say("Signed out.");
  });
  on("start", async () => {
    const { status, body } = await call("POST", "/api/rounds", { category: $("category").value });
    if (status === 201) setRound(body.round);
  });
  on("clue", () => call("POST", "/api/rounds/clue", { round }));
  on("send-guess", async () => {
    const { status, body } = await call("POST", "/api/rounds/guess", { round, guess: $("guess").value });
    if (status === 200 && (body.correct || body.attempts_left === 0)) setRound(null);
    if (status === 409) setRound(null);
  });
  on("giveup", async () => {
    await call("POST", "/api/rounds/giveup", { round });
    setRound(null);
  });
  on("me", () => call("GET", "/api/me"));
  on("score", () => call("GET", "/api/score"));
  on("board", () => call("GET", "/api/leaderboard"));
  on("set-nickname", () => call("PUT", "/api/me/nickname", { nickname: $("nickname").value }));

  render();
  finishSignIn().then(render);
})();
`;
