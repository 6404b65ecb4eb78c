/**
 * The board in a real browser, framed by a stand-in MCP Apps host that runs
 * the SDK's own `AppBridge` (tests/_mcp_host.ts), over the real `/mcp`:
 * the model starts a round, the player guesses on the board, the result is
 * drawn, and nothing the board receives tells the word before the round
 * ends. Skipped without Chromium (outside CI), like the other browser tests.
 */
import assert from "node:assert/strict";
import { openWord } from "./_game.ts";
import { Client, StreamableHTTPClientTransport } from "./_deps/mcp.ts";
import { type TestApp, testApp } from "./_app.ts";
import { mcpTokensFor } from "./_flow.ts";
import { haveChromium, launch, watch } from "./_browser.ts";
import { HOST_ORIGIN, openBoardHost } from "./_mcp_host.ts";

const ignore = !haveChromium() && !Deno.env.get("CI");

/** Whether `word` is in `text` as a word of its own, round handles aside. */
function mentions(text: string, word: string): boolean {
  const scrubbed = text.replace(/wwc_round\.[A-Za-z0-9_.-]+/g, "(handle)");
  return new RegExp(`\\b${word}\\b`, "i").test(scrubbed);
}

/** The app on loopback, and the official client on /mcp as "alice". */
async function player(t: TestApp) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    t.app.fetch,
  );
  const { access_token } = await mcpTokensFor(t, "alice");
  const client = new Client({ name: "test-host", version: "1.0.0" });
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
    },
  };
}

Deno.test({
  name:
    "board browser: in a 390 px frame of a host running the SDK's AppBridge, the model starts a round, the player guesses on the board (wrong, then right) and sees the word, the points, the score and their place; the board never receives the word before the round ends, tells the model each move, and starts the next round from its button",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using t = await testApp({ env: { GAME_RATE_LIMIT: "0" } });
    await using p = await player(t);
    await using browser = await launch();
    const host = await openBoardHost(browser, p.client, { width: 390 });
    const problems = watch(host.page, HOST_ORIGIN);
    const board = host.page.frameLocator("iframe");

    // The model starts a round; the host hands the board its result.
    const args = { category: "animals" };
    const start = await p.client.callTool({
      name: "start_round",
      arguments: args,
    });
    await host.show(args, start);
    const word = await openWord(t.kv, "dev:alice");
    await board.locator("text=Category: animals").waitFor();
    assert.equal(await board.locator(".board-slot").count(), word.length);
    assert.equal(await board.locator(".board-clues li").count(), 1);
    assert.equal(
      await board.locator("[data-stat=attempts] dd").textContent(),
      "5",
    );
    assert.equal(
      await board.locator("[data-stat=rank] dd").textContent(),
      "No points yet",
    );

    // A clue and a wrong guess from the board, by keyboard.
    await board.locator("button", { hasText: "Next clue" }).click();
    await board.locator(".board-clues li").nth(1).waitFor();
    const wrong = word === "zzz" ? "yyy" : "zzz";
    await board.locator("#board-guess").fill(wrong);
    await board.locator("#board-guess").press("Enter");
    await board.locator(`text=${wrong}: not it`).waitFor();
    assert.equal(
      await board.locator("[data-stat=attempts] dd").textContent(),
      "4",
    );

    // Nothing the board has received so far names the word.
    const before = await host.sent();
    assert.ok(before.length >= 4, "tool input, result and two answers");
    for (const message of before) {
      assert.ok(!mentions(message, word), `the word is not in ${message}`);
    }
    const told = (await host.contexts()).map((c) => c.content?.[0]?.text ?? "");
    assert.ok(told.some((text) => text.includes(`${wrong}: not it`)), told[0]);
    for (const text of told) assert.ok(!mentions(text, word), text);

    // No sideways scrolling in the 390 px frame: everything fits its width.
    const frameBox = (await host.page.locator("iframe").boundingBox())!;
    assert.ok(frameBox.width <= 392, `frame ${frameBox.width}`);
    for (
      const selector of [
        ".board",
        ".board-slots",
        ".board-clues",
        ".board-guess",
        ".board-actions",
      ]
    ) {
      const box = (await board.locator(selector).boundingBox())!;
      assert.ok(
        box.x >= frameBox.x && box.x + box.width <= frameBox.x + frameBox.width,
        `${selector} fits the frame`,
      );
    }
    if (Deno.env.get("BOARD_SCREENSHOT")) {
      await host.page.locator("iframe").screenshot({
        path: Deno.env.get("BOARD_SCREENSHOT"),
      });
    }

    // The right guess: the word, the points, the score, the place.
    await board.locator("#board-guess").fill(word.toUpperCase());
    await board.locator("#board-guess").press("Enter");
    await board.locator('[data-status="solved"]').waitFor();
    assert.equal(
      (await board.locator(".board-slot").allTextContents()).join(""),
      word.toUpperCase(),
    );
    const verdict = await board.locator(".board-verdict").textContent();
    const points = Number(/\+(\d+) points/.exec(verdict!)?.[1]);
    assert.ok(points > 0, verdict!);
    assert.equal(
      await board.locator("[data-stat=score] dd").textContent(),
      String(points),
    );
    await board.locator("[data-stat=rank] dd", { hasText: "#1" }).waitFor();
    assert.ok(!(await board.locator("#board-guess").isVisible()));
    const last = (await host.contexts()).at(-1)?.content?.[0]?.text ?? "";
    assert.match(last, new RegExp(`solved it on the board \\("${word}"\\)`));

    // The next round, from the board's own button.
    const sentBefore = (await host.sent()).length;
    await board.locator("button", { hasText: "New round" }).click();
    await board.locator('[data-status="open"]').waitFor();
    const next = await openWord(t.kv, "dev:alice");
    assert.equal(await board.locator(".board-slot").count(), next.length);
    assert.equal(await board.locator(".board-clues li").count(), 1);
    for (const message of (await host.sent()).slice(sentBefore)) {
      assert.ok(!mentions(message, next), `the word is not in ${message}`);
    }
    assert.deepEqual(problems, []);
  },
});

Deno.test({
  name:
    "board browser: a board drawn from the model's guess alone is whole (category, a slot per letter, the clues, attempts and points), and a host that cannot call tools gets a board that only shows",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using t = await testApp();
    await using p = await player(t);
    await using browser = await launch();
    const start = await p.client.callTool({
      name: "start_round",
      arguments: { category: "colors" },
    });
    const round = (start.structuredContent as { round: string }).round;
    const word = await openWord(t.kv, "dev:alice");
    const args = { round, guess: word === "zzz" ? "yyy" : "zzz" };
    const guess = await p.client.callTool({ name: "guess", arguments: args });

    for (const capabilities of [{ serverTools: {} }, {}]) {
      const host = await openBoardHost(browser, p.client, { capabilities });
      const problems = watch(host.page, HOST_ORIGIN);
      const board = host.page.frameLocator("iframe");
      await host.show(args, guess);
      await board.locator("text=Category: colors").waitFor();
      assert.equal(await board.locator(".board-slot").count(), word.length);
      assert.equal(await board.locator(".board-clues li").count(), 1);
      assert.equal(
        await board.locator("[data-stat=attempts] dd").textContent(),
        "4",
      );
      assert.match(
        (await board.locator("[data-stat=points] dd").textContent())!,
        /^\d+$/,
      );
      await board.locator(`text=${args.guess}: not it`).waitFor();
      const canCall = "serverTools" in capabilities;
      assert.equal(
        await board.locator("#board-guess").isVisible(),
        canCall,
        canCall ? "the player can guess" : "a board that only shows",
      );
      for (const message of await host.sent()) {
        assert.ok(!mentions(message, word), message);
      }
      assert.deepEqual(problems, []);
      await host.page.close();
    }
  },
});
