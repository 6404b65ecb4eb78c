/**
 * The board as an MCP Apps resource, through the official MCP client: the
 * `ui://` resource listed and read (profile, CSP, a self-contained
 * document), the play tools naming it, the committed bundle matching its
 * sources, and the board's reading of the game's answers.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "./_deps/mcp.ts";
import { testApp } from "./_app.ts";
import { mcpTokensFor } from "./_flow.ts";
import { BOARD_HTML, BOARD_MIME, BOARD_URI } from "../routes/mcp/board.ts";
import { emptyBoard, nextBoard, summary } from "../views/board/state.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BUNDLE = "views/board/dist/mcp_board.js";

/** The app on loopback and an official v2 client connected to /mcp. */
async function connected(protocol?: string) {
  const t = await testApp();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    t.app.fetch,
  );
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = new Client(
    { name: "board-test", version: "1.0.0" },
    protocol ? { versionNegotiation: { mode: { pin: protocol } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${server.addr.port}/mcp`),
      { authProvider: { token: () => Promise.resolve(access_token) } },
    ),
  );
  return {
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.shutdown();
      await t[Symbol.asyncDispose]();
    },
  };
}

for (const protocol of ["2026-07-28", undefined]) {
  const era = protocol ?? "2025 initialize";
  Deno.test(`board (${era}): the ui:// resource is listed and read through the official client: text/html;profile=mcp-app, a CSP declaring no domain, one self-contained document`, async () => {
    await using c = await connected(protocol);
    const { resources } = await c.client.listResources();
    const listed = resources.find((r) => r.uri === BOARD_URI);
    assert.ok(listed, `${BOARD_URI} is listed`);
    assert.equal(listed.mimeType, "text/html;profile=mcp-app");
    const read = await c.client.readResource({ uri: BOARD_URI });
    assert.equal(read.contents.length, 1);
    const [content] = read.contents as [
      { uri: string; mimeType: string; text: string; _meta: unknown },
    ];
    assert.equal(content.uri, BOARD_URI);
    assert.equal(content.mimeType, BOARD_MIME);
    assert.equal(content.text, BOARD_HTML);
    assert.deepEqual(content._meta, {
      ui: {
        csp: { connectDomains: [], resourceDomains: [], frameDomains: [] },
        prefersBorder: true,
      },
    });
    const html = content.text;
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<script type="module">/);
    // Nothing loaded from elsewhere: no src or href, no URL, no font.
    assert.doesNotMatch(html, /\s(src|href)\s*=/i);
    assert.doesNotMatch(html, /\bhttps?:\/\//i);
    assert.doesNotMatch(html, /@import|url\(|@font-face/i);
  });
}

Deno.test("board: the play tools (start, clue, guess, give up, current round) name the board in _meta.ui.resourceUri and openai/outputTemplate; the other tools name none", async () => {
  await using c = await connected("2026-07-28");
  const { tools } = await c.client.listTools();
  const play = [
    "current_round",
    "get_clue",
    "give_up",
    "guess",
    "start_round",
  ];
  for (const tool of tools) {
    const meta = tool._meta as Record<string, unknown> | undefined;
    if (play.includes(tool.name)) {
      assert.deepEqual(meta?.ui, { resourceUri: BOARD_URI }, tool.name);
      assert.equal(meta?.["openai/outputTemplate"], BOARD_URI, tool.name);
    } else {
      assert.equal(meta?.ui, undefined, tool.name);
      assert.equal(meta?.["openai/outputTemplate"], undefined, tool.name);
    }
  }
  assert.deepEqual(
    tools.filter((t) => t._meta?.ui).map((t) => t.name).sort(),
    play,
  );
});

for (
  const [entry, bundle] of [
    ["views/board/main_mcp.js", BUNDLE],
    ["views/board/main_play.js", "views/board/dist/play.js"],
    ["views/board/main_playground.js", "views/board/dist/playground.js"],
  ]
) {
  Deno.test(`board: ${bundle} is the bundle of ${entry} as the sources are now (run \`deno task board\` after editing them)`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "browser", entry!],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const fresh = new TextDecoder().decode(out.stdout);
    const committed = await Deno.readTextFile(`${ROOT}${bundle}`);
    assert.ok(
      fresh === committed,
      `${bundle} is stale: run \`deno task board\` and commit it`,
    );
  });
}

const START = {
  round: "wwc_round.one",
  category: "animals",
  letters: 3,
  clues: ["It hoots."],
  clue: "It hoots.",
  clues_used: 1,
  clues_left: 2,
  attempts_left: 5,
  points_available: 100,
};

Deno.test("board state: a round opens the board; a wrong guess keeps its handle (from the call's arguments), clues and the new attempts and points; a right guess reveals the word, the points and the score", () => {
  const open = nextBoard(emptyBoard(), START);
  assert.equal(open.status, "open");
  assert.equal(open.round, "wwc_round.one");
  assert.deepEqual(open.clues, ["It hoots."]);
  assert.equal(open.word, null);

  const wrong = nextBoard(open, {
    correct: false,
    score: 0,
    attempts_left: 4,
    points_available: 85,
    category: "animals",
    letters: 3,
    clues: ["It hoots."],
  }, { round: "wwc_round.one", guess: "cat" });
  assert.equal(wrong.status, "open");
  assert.equal(wrong.round, "wwc_round.one");
  assert.equal(wrong.attempts_left, 4);
  assert.equal(wrong.points_available, 85);
  assert.equal(wrong.last_guess, "cat: not it");
  assert.doesNotMatch(summary(wrong), /\bowl\b/);

  const right = nextBoard(wrong, {
    correct: true,
    score: 85,
    attempts_left: 4,
    points: 85,
    scored: true,
    word: "owl",
    category: "animals",
    letters: 3,
    clues: ["It hoots."],
  }, { round: "wwc_round.one", guess: "owl" });
  assert.equal(right.status, "solved");
  assert.equal(right.word, "owl");
  assert.equal(right.points, 85);
  assert.equal(right.score, 85);
  assert.match(summary(right), /solved it on the board \("owl"\), \+85/);
});

Deno.test("board state: a lost round and a given-up one show the word; another round's answer starts the board afresh but keeps the standing; an answer of another shape changes nothing", () => {
  const open = nextBoard(emptyBoard(), START);
  const lost = nextBoard(open, {
    correct: false,
    score: 0,
    attempts_left: 0,
    word: "owl",
    category: "animals",
    letters: 3,
    clues: ["It hoots."],
  }, { round: "wwc_round.one", guess: "emu" });
  assert.equal(lost.status, "lost");
  assert.equal(lost.word, "owl");
  const gaveUp = nextBoard(open, {
    word: "owl",
    score: 0,
    category: "animals",
    letters: 3,
    clues: ["It hoots."],
  }, { round: "wwc_round.one" });
  assert.equal(gaveUp.status, "given_up");
  assert.equal(gaveUp.word, "owl");

  const placed = { ...gaveUp, you: { rank: 2, name: "Dana", score: 40 } };
  const next = nextBoard(placed, {
    ...START,
    round: "wwc_round.two",
    category: "colors",
  });
  assert.equal(next.status, "open");
  assert.equal(next.word, null);
  assert.equal(next.category, "colors");
  assert.deepEqual(next.you, placed.you);

  for (const other of [null, 3, { score: 5 }, { top: [], you: null }]) {
    assert.equal(nextBoard(open, other), open);
  }
});
