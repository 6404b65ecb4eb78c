/**
 * The pages people read: the setup guide, the privacy policy, the public
 * leaderboard and the development playground. Server-rendered, no inline
 * script; the copy buttons and the playground run from `/assets/app.js`.
 *
 * @module
 */
import type { Child } from "hono/jsx";
import { BillingSetup, type BillingSetupProps } from "./billing.tsx";
import { BrandMark, Layout } from "./layout.tsx";
import { useBrand } from "./brand.ts";

/** One value for the GPT builder, with its copy button. */
export interface BuilderValue {
  /** A stable name, used by tests and by the copy button. */
  field: string;
  label: string;
  value: string;
  /** Shown instead of a value that must not be printed. */
  note?: string;
  copy?: boolean;
  /**
   * `value` says where the value is (`the OAUTH_CLIENT_SECRET set on this
   * server`): drawn as a sentence, never in a value box or with a copy
   * button, so nobody pastes the description into the builder.
   */
  placeholder?: boolean;
}

function Value(props: BuilderValue) {
  if (props.placeholder) {
    return (
      <div class="value">
        <div class="value-label">{props.label}</div>
        <p class="value-placeholder" data-field={props.field}>
          {props.value}
        </p>
        {props.note ? <p class="muted">{props.note}</p> : null}
      </div>
    );
  }
  return (
    <div class="value">
      <div class="value-label">{props.label}</div>
      <div class="value-row">
        <code data-field={props.field}>{props.value}</code>
        {props.copy === false ? null : (
          <button
            type="button"
            class="copy"
            data-copy={props.value}
            aria-label={`Copy ${props.label}`}
          >
            Copy
          </button>
        )}
      </div>
      {props.note ? <p class="muted">{props.note}</p> : null}
    </div>
  );
}

/**
 * The setup guide's "Your brand" block: the brand as the pages show it, and
 * the variables that set it.
 */
function BrandPreview() {
  const { brand, textColor } = useBrand();
  return (
    <section class="card" id="brand">
      <h2>Your brand</h2>
      <p>
        The sign-in and consent pages, <a href="/play">/play</a>,{" "}
        <a href="/privacy">/privacy</a>{" "}
        and the board in the chat show your name, colour and logo:
      </p>
      <div class="brand-preview">
        <span class="brand-swatch" data-field="brand-preview">
          <BrandMark />
        </span>
      </div>
      <ul>
        <li>
          Name (<code>BRAND_NAME</code>): <strong>{brand.name}</strong>
        </li>
        <li>
          Colour (<code>BRAND_COLOR</code>): {brand.color
            ? (
              <>
                <code data-field="brand-color">{brand.color}</code>, with{" "}
                {textColor === "#000000" ? "black" : "white"}{" "}
                text on it (whichever contrasts more)
              </>
            )
            : "not set: the service's own colours"}
        </li>
        <li>
          Logo (<code>BRAND_LOGO</code>): {brand.logo
            ? `${brand.logo.type}, ${brand.logo.bytes.length} bytes`
            : "none"}
        </li>
      </ul>
    </section>
  );
}

/** `/`: what this is, and the exact values for the GPT builder. */
export function SetupPage(props: {
  publicUrl: string;
  values: BuilderValue[];
  warnings: string[];
  providers: { id: string; name: string; callback: string | null }[];
  playground: boolean;
  billing: BillingSetupProps;
}) {
  return (
    <Layout
      title="Set up your GPT"
      wide
      script
      brandBar={false}
      links={[
        { href: "/openapi.json", label: "OpenAPI" },
        ...(props.playground
          ? [{ href: "/playground", label: "Playground" }]
          : []),
      ]}
    >
      <header class="hero">
        <h1>
          <BrandMark />
        </h1>
        <p>
          Put a real, signed-in person behind a ChatGPT custom GPT. This service
          is the OAuth 2.0 authorization server for your GPT's action: people
          sign in with{" "}
          {props.providers.filter((p) => p.callback).map((p) => p.name).join(
            ", ",
          ) || "Google, GitHub or any OpenID Connect issuer"}, and every call
          your GPT makes arrives with a token that says who they are. A
          word-guessing game is the worked example.
        </p>
      </header>

      {props.warnings.length
        ? (
          // Folded: on a phone the list would fill the first screen.
          <details class="card warn">
            <summary>
              <strong>Before you go live</strong>: {props.warnings.length}{" "}
              {props.warnings.length === 1 ? "thing" : "things"} to change
            </summary>
            <ul>
              {props.warnings.map((w) => <li>{w}</li>)}
            </ul>
          </details>
        )
        : null}

      <section class="card">
        <h2>1. Add the action</h2>
        <p>
          In the GPT builder:{" "}
          <strong>
            Configure → Actions → Create new action → Import from URL
          </strong>, then paste:
        </p>
        {props.values.filter((v) => v.field === "openapi-url").map((v) => (
          <Value {...v} />
        ))}
      </section>

      <section class="card">
        <h2>2. Authentication: OAuth</h2>
        <p>
          Choose <strong>Authentication → OAuth</strong> and fill in:
        </p>
        {props.values.filter((v) =>
          v.field !== "openapi-url" &&
          v.field !== "privacy-url"
        ).map((v) => <Value {...v} />)}
        <p class="muted">
          After saving, the builder shows a callback URL. There is nothing to do
          with it: ChatGPT's callback addresses are accepted as they are.
        </p>
      </section>

      <section class="card">
        <h2>3. Privacy and instructions</h2>
        {props.values.filter((v) => v.field === "privacy-url").map((v) => (
          <Value {...v} />
        ))}
        <p>
          Paste the <a href="/gpt/instructions">GPT instructions</a>{" "}
          into the builder's Instructions box: they tell the GPT to keep the
          word secret and send every guess to the server.
        </p>
      </section>

      <section class="card" id="connect-app">
        <h2>Connect as an app (ChatGPT, Claude, other MCP clients)</h2>
        <p>
          The same game is an MCP server. An app signs people in with OAuth and
          registers itself: there is no client id or secret to paste, only this
          URL.
        </p>
        <Value
          field="mcp-url"
          label="MCP server URL"
          value={`${props.publicUrl}/mcp`}
        />
        <h3>ChatGPT</h3>
        <ol>
          <li>
            <strong>
              Settings → Apps &amp; Connectors → Advanced settings
            </strong>: turn on <strong>Developer mode</strong>.
          </li>
          <li>
            Back in <strong>Apps &amp; Connectors</strong>, choose{" "}
            <strong>Create app</strong>, paste the URL and pick{" "}
            <strong>OAuth</strong> as the authentication.
          </li>
          <li>
            ChatGPT opens this service's consent page: allow the app, then sign
            in with your provider.
          </li>
        </ol>
        <h3>Claude</h3>
        <ol>
          <li>
            <strong>Settings → Connectors → Add custom connector</strong>: give
            it a name and paste the URL.
          </li>
          <li>
            Choose{" "}
            <strong>Connect</strong>, allow the app on this service's consent
            page, then sign in.
          </li>
        </ol>
        <p class="muted">
          Other MCP clients (VS Code, Cursor, the MCP Inspector) take the same
          URL as a Streamable HTTP server and find the sign-in on their own.
        </p>
      </section>

      <section class="card">
        <h2>Sign-in providers</h2>
        <ul class="providers">
          {props.providers.map((p) => (
            <li data-provider={p.id}>
              <strong>{p.name}</strong>
              {p.callback
                ? (
                  <>
                    {" "}— register this callback URI with {p.name}:
                    <div class="value-row">
                      <code data-field={`callback-${p.id}`}>{p.callback}</code>
                      <button
                        type="button"
                        class="copy"
                        data-copy={p.callback}
                        aria-label={`Copy the ${p.name} callback URI`}
                      >
                        Copy
                      </button>
                    </div>
                  </>
                )
                : <>{" "}— local testing only</>}
            </li>
          ))}
        </ul>
      </section>

      <BillingSetup {...props.billing} />

      <BrandPreview />
    </Layout>
  );
}

/** One row of the privacy table. */
export interface StoredItem {
  what: string;
  why: string;
  kept: string;
  /** The KV keys (their first element) this item describes. */
  keys: string[];
}

/** `/privacy`: from what the code stores (see `storedItems`). */
export function PrivacyPage(props: {
  publicUrl: string;
  contact: { href: string; label: string } | null;
  providers: string[];
  items: StoredItem[];
  never: string[];
  /** How soon every server honours a sign-out or an erasure (`5 seconds`). */
  signOutWithin: string;
  /**
   * How soon the GPT's access ends once the person removes this app at a
   * provider that gave a refresh token (`1 hour`); `null` without one.
   */
  accessEndsWithin: string | null;
}) {
  const { brand } = useBrand();
  return (
    <Layout title="Privacy policy" wide>
      <article class="card prose">
        <h1>Privacy policy</h1>
        <p>
          This is the privacy policy of the {brand.name} service at{" "}
          <code>{props.publicUrl}</code>. It is written from what the service
          actually stores, listed below; nothing else is kept.
        </p>
        <h2>Who runs it</h2>
        {props.contact
          ? (
            <p>
              Contact the operator at{" "}
              <a href={props.contact.href} data-field="contact">
                {props.contact.label}
              </a>.
            </p>
          )
          : (
            <p data-field="contact">
              The operator of this deployment has not published a contact. Ask
              whoever shared the GPT with you.
            </p>
          )}
        <h2>How you sign in</h2>
        <p>
          You sign in with{" "}
          {props.providers.join(", ") || "a sign-in provider"}. We ask the
          provider only who you are: a stable identifier for your account. We
          never see your password.
        </p>
        <h2>What we store</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>What</th>
                <th>Why</th>
                <th>How long</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((item) => (
                <tr>
                  <td data-label="What">{item.what}</td>
                  <td data-label="Why">{item.why}</td>
                  <td data-label="How long">{item.kept}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <h2>What we never store</h2>
        <ul>
          {props.never.map((n) => <li>{n}</li>)}
        </ul>
        <h2>Deleting your data</h2>
        <p>
          Ask the GPT to delete your data (for example, say “delete my data”).
          That erases your score, nickname, rounds, daily counts and any stored
          provider token, and signs you out everywhere: every server refuses
          your old sign-in within{" "}
          {props.signOutWithin}. To sign out everywhere without erasing
          anything, ask the GPT to sign you out.
        </p>
        <p>
          You can also remove this app from your account at your sign-in
          provider (for Google:{" "}
          <a href="https://myaccount.google.com/permissions">
            myaccount.google.com/permissions
          </a>).{props.accessEndsWithin
            ? ` Where the provider gave us a refresh token, we check with it when the GPT renews its access, so the GPT's access ends within about ${props.accessEndsWithin}; otherwise ask the GPT to sign you out as well.`
            : " Then ask the GPT to sign you out as well."}
        </p>
        <h2>Sharing</h2>
        <p>
          Nothing is sold or shared. The leaderboard shows your nickname (or an
          anonymous handle) and your score, never your name, email or account
          identifier. Nicknames are unique: nobody else can take one that looks
          like yours.
        </p>
      </article>
    </Layout>
  );
}

/** `/leaderboard`: the public top 10. */
export function LeaderboardPage(props: {
  top: { rank: number; name: string; score: number }[];
}) {
  return (
    <Layout title="Leaderboard">
      <div class="card">
        <h1>Leaderboard</h1>
        {props.top.length
          ? (
            <table class="board">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Player</th>
                  <th class="num">Score</th>
                </tr>
              </thead>
              <tbody>
                {props.top.map((s) => (
                  <tr>
                    <td>{s.rank}</td>
                    <td>{s.name}</td>
                    <td class="num">{s.score}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
          : <p class="muted">No scores yet. Be the first.</p>}
        <p class="muted">Nicknames only; set yours by asking the GPT.</p>
      </div>
    </Layout>
  );
}

function Panel(props: { title: string; children: Child; id?: string }) {
  return (
    <section class="card" id={props.id}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** `/playground` (development only): a stand-in for ChatGPT. */
export function PlaygroundPage(props: {
  publicUrl: string;
  clientId: string;
  categories: readonly string[];
  /** The board's script and stylesheet (versioned asset URLs). */
  boardScript: string;
  boardStyle: string;
}) {
  return (
    <Layout
      title="Playground"
      wide
      script
      module={props.boardScript}
      stylesheets={[props.boardStyle]}
    >
      <div
        id="playground"
        data-issuer={props.publicUrl}
        data-client-id={props.clientId}
        data-redirect-uri={`${props.publicUrl}/playground`}
      >
        <header class="hero">
          <h1>Playground</h1>
          <p>
            A stand-in for ChatGPT, for local development: it signs in through
            the real <code>/oauth/authorize</code> and <code>/oauth/token</code>
            {" "}
            (as the built-in public client{" "}
            <code>{props.clientId}</code>, with PKCE) and calls the same API
            your GPT will.
          </p>
        </header>

        <Panel title="Sign-in" id="session">
          <p id="status" class="muted">Not signed in.</p>
          <pre id="token" class="box" hidden></pre>
          <div class="buttons inline">
            <button type="button" class="primary" id="signin">Sign in</button>
            <button type="button" id="refresh" disabled>Refresh token</button>
            <button type="button" id="signout" disabled>Sign out</button>
          </div>
        </Panel>

        <Panel title="Play" id="play">
          <label for="category">Category</label>
          <select id="category">
            {props.categories.map((c) => <option value={c}>{c}</option>)}
          </select>
          <div class="buttons inline">
            <button type="button" class="api primary" id="start" disabled>
              Start round
            </button>
            <button type="button" class="api" id="clue" disabled>
              Next clue
            </button>
            <button type="button" class="api" id="giveup" disabled>
              Give up
            </button>
          </div>
          <label for="guess">Guess</label>
          <div class="value-row">
            <input type="text" id="guess" autocomplete="off" maxlength={64} />
            <button type="button" class="api" id="send-guess" disabled>
              Guess
            </button>
          </div>
          <div class="buttons inline">
            <button type="button" class="api" id="me" disabled>Who am I</button>
            <button type="button" class="api" id="score" disabled>Score</button>
            <button type="button" class="api" id="board" disabled>
              Leaderboard
            </button>
          </div>
          <label for="nickname">Nickname</label>
          <div class="value-row">
            <input
              type="text"
              id="nickname"
              autocomplete="off"
              maxlength={20}
            />
            <button type="button" class="api" id="set-nickname" disabled>
              Set
            </button>
          </div>
        </Panel>

        <Panel title="Round" id="round">
          <p class="muted">
            The last answer about a round, drawn as the board players see.
          </p>
          <div id="playground-board"></div>
        </Panel>

        <Panel title="Requests" id="requests">
          <p class="muted">Newest first. Tokens are shortened.</p>
          <ol id="log" class="log" reversed></ol>
        </Panel>
      </div>
    </Layout>
  );
}
