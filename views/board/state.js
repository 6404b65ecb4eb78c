/**
 * What the board draws, and how every answer of the game changes it. The
 * same answers come from the MCP tools (their `structuredContent`) and from
 * the REST API (its JSON bodies), so one function reads both. No DOM here:
 * the tests run it as it is.
 *
 * Every answer about a round carries its category, length and clues so far,
 * so a board drawn from any one answer is whole: a host draws a new board
 * for each tool call the model makes.
 *
 * @module
 */

/**
 * @typedef {object} Standing A line of the leaderboard.
 * @property {number} rank
 * @property {string} name
 * @property {number} score
 */

/**
 * @typedef {object} Board What the board shows.
 * @property {"idle" | "open" | "solved" | "lost" | "given_up"} status
 * @property {string | null} round The round handle, for moves from the board.
 * @property {string | null} category
 * @property {number} letters
 * @property {string[]} clues The clues so far, oldest first.
 * @property {number | null} clues_left
 * @property {number | null} attempts_left
 * @property {number | null} points_available
 * @property {string | null} word Only once the round is over.
 * @property {number | null} points What the round scored.
 * @property {number | null} score The player's total, when known.
 * @property {string | null} last_guess The latest guess and whether it was right.
 * @property {string | null} message What the server said (the daily cap).
 * @property {Standing | null | undefined} you The player's place; null:
 *   no points yet; undefined: not known.
 */

/** @returns {Board} */
export function emptyBoard() {
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
    you: undefined,
  };
}

/** @param {unknown} v */
const num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
/** @param {unknown} v */
const str = (v) => typeof v === "string" ? v : null;

/**
 * The board after `answer`, an answer of the game (`start_round`,
 * `get_clue`, `current_round`, `guess`, `give_up`), given the arguments of
 * the call (the round handle and the guess, which a guess's answer does not
 * repeat). An answer of another shape leaves the board as it was.
 *
 * @param {Board} board
 * @param {unknown} answer
 * @param {Record<string, unknown>} [args]
 * @returns {Board}
 */
export function nextBoard(board, answer, args = {}) {
  if (typeof answer !== "object" || answer === null) return board;
  const a = /** @type {Record<string, unknown>} */ (answer);
  const clues = Array.isArray(a.clues)
    ? a.clues.filter((c) => typeof c === "string")
    : null;
  const category = str(a.category);
  if (!clues || !category) return board;
  const round = str(a.round) ?? str(args.round);
  // Another round's answer starts the board afresh; the standing stays.
  const base = round !== null && round === board.round
    ? board
    : { ...emptyBoard(), score: board.score, you: board.you };
  const common = {
    round,
    category,
    letters: num(a.letters) ?? base.letters,
    clues,
    message: str(a.message),
  };
  if (typeof a.correct === "boolean") {
    const word = str(a.word);
    const guess = str(args.guess);
    return {
      ...base,
      ...common,
      status: a.correct ? "solved" : word === null ? "open" : "lost",
      attempts_left: num(a.attempts_left),
      points_available: a.correct || word !== null
        ? null
        : num(a.points_available),
      word,
      points: num(a.points),
      score: num(a.score),
      last_guess: guess === null
        ? null
        : `${guess}: ${a.correct ? "right" : "not it"}`,
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
      score: num(a.score),
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
      points: null,
    };
  }
  return board;
}

/** @param {Board} board */
export function isOver(board) {
  return board.status === "solved" || board.status === "lost" ||
    board.status === "given_up";
}

/**
 * One line for the model about what the player did on the board, so a
 * conversation stays in step with moves it did not make. It says only what
 * the board shows: the word only once the round is over.
 *
 * @param {Board} board
 * @returns {string}
 */
export function summary(board) {
  const where = `Words with Chat board, ${board.category ?? "no"} round`;
  switch (board.status) {
    case "idle":
      return `${where}: no round yet.`;
    case "open":
      return `${where} (handle ${board.round}): ${board.letters} letters, ${board.clues.length} clues shown, ${board.attempts_left} attempts left, ${board.points_available} points available${
        board.last_guess
          ? `; the player's last guess on the board: ${board.last_guess}`
          : ""
      }.`;
    case "solved":
      return `${where}: the player solved it on the board ("${board.word}"), +${board.points} points, total score ${board.score}.`;
    case "lost":
      return `${where}: the player ran out of attempts on the board; the word was "${board.word}".`;
    case "given_up":
      return `${where}: the player gave up on the board; the word was "${board.word}".`;
  }
}
