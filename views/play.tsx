/**
 * `/play`: the game in a browser, for real players. The board (the same one
 * a conversation draws) with the categories above it and the leaderboard
 * beside it; the way in when signed out; signing out and erasing one's data,
 * each behind a confirmation. Everything moving is drawn by
 * `/assets/play.js` (views/board/main_play.js); this is the frame.
 *
 * @module
 */
import { BrandMark, Layout } from "./layout.tsx";
import { ProviderButtons, type ProviderChoice } from "./provider_buttons.tsx";

/** The page; `script` and `style` are the versioned asset URLs. */
export function PlayPage(props: {
  providers: readonly ProviderChoice[];
  categories: readonly string[];
  script: string;
  style: string;
}) {
  return (
    <Layout
      title="Play"
      wide
      module={props.script}
      stylesheets={[props.style]}
      brandBar={false}
    >
      <div class="play">
        <header class="play-head">
          <h1>
            <BrandMark />
          </h1>
          <p id="play-who" class="muted"></p>
        </header>
        <p id="play-plan" class="play-plan" hidden></p>
        <p id="play-notice" class="play-notice" role="status"></p>
        <section id="play-signin" class="card play-signin" hidden>
          <h2>Sign in to play</h2>
          <p>
            Guess the word from its clues; your score joins the leaderboard.
          </p>
          {props.providers.length
            ? (
              <div class="buttons">
                <ProviderButtons
                  providers={props.providers}
                  hrefOf={(p) => `/play/login?provider=${p.id}`}
                />
              </div>
            )
            : (
              <p class="muted">
                No sign-in provider is configured on this server yet.
              </p>
            )}
        </section>
        <div id="play-game" class="play-game" hidden>
          <div class="play-main card">
            <div
              id="play-categories"
              class="play-categories"
              role="group"
              aria-label="Start a round"
            >
              <p class="muted">Start a round:</p>
              {props.categories.map((category) => (
                <button type="button" data-category={category}>
                  {category}
                </button>
              ))}
            </div>
            <div id="board"></div>
          </div>
          <aside class="play-side card" aria-labelledby="play-board-title">
            <h2 id="play-board-title">Leaderboard</h2>
            <ol id="play-leaderboard" class="play-leaderboard"></ol>
          </aside>
          <div class="play-account">
            <button type="button" id="play-signout">Sign out</button>
            <button type="button" id="play-erase" class="danger">
              Erase my data
            </button>
          </div>
        </div>
        <dialog id="play-confirm" class="play-confirm">
          <p id="play-confirm-text"></p>
          <div class="buttons">
            <button type="button" id="play-confirm-yes" class="primary">
              Yes
            </button>
            <button type="button" id="play-confirm-no">Cancel</button>
          </div>
        </dialog>
      </div>
    </Layout>
  );
}
