/**
 * The pages: `/` (setup guide), `/privacy`, `/leaderboard`, `/playground`
 * (development sign-in only).
 *
 * @module
 */
import { Hono } from "hono";
import { type Config, PLAYGROUND_CLIENT_ID } from "../config.ts";
import type { UpstreamProvider } from "../auth/providers/mod.ts";
import { LIFETIME } from "../auth/tokens.ts";
import { CATEGORIES } from "../game/words.ts";
import type { Game } from "../game/game.ts";
import {
  type BuilderValue,
  LeaderboardPage,
  PlaygroundPage,
  PrivacyPage,
  SetupPage,
  type StoredItem,
} from "../views/pages.tsx";
import { renderPage } from "./_page.ts";

/** What the pages need. */
export interface PageDeps {
  config: Config;
  providers: ReadonlyMap<string, UpstreamProvider>;
  game: Game;
}

const days = (seconds: number) => `${Math.round(seconds / 86_400)} days`;
const minutes = (seconds: number) => `${Math.round(seconds / 60)} minutes`;

/** The values a GPT author pastes into the builder, from the live configuration. */
export function builderValues(config: Config): BuilderValue[] {
  const url = config.publicUrl;
  return [
    {
      field: "openapi-url",
      label: "Import from URL",
      value: `${url}/openapi.json`,
    },
    {
      field: "client-id",
      label: "Client ID",
      value: config.client.id,
    },
    config.devLogin
      ? {
        field: "client-secret",
        label: "Client Secret",
        value: config.client.secret ?? "",
        note:
          "Shown because the development sign-in is on. In production it is never shown: it is the OAUTH_CLIENT_SECRET you set (deno task keygen makes one).",
      }
      : {
        field: "client-secret",
        label: "Client Secret",
        value: "the OAUTH_CLIENT_SECRET set on this server",
        note:
          "Never shown here. deno task keygen makes one; paste the same value into the builder and into the server's environment.",
        copy: false,
      },
    {
      field: "authorization-url",
      label: "Authorization URL",
      value: `${url}/oauth/authorize`,
    },
    { field: "token-url", label: "Token URL", value: `${url}/oauth/token` },
    { field: "scope", label: "Scope", value: "game" },
    {
      field: "token-exchange-method",
      label: "Token Exchange Method",
      value: "Default (POST request)",
      note: "“Basic authorization header” works too.",
      copy: false,
    },
    {
      field: "privacy-url",
      label: "Privacy policy URL",
      value: `${url}/privacy`,
    },
  ];
}

/** What is missing before this deployment is ready for real people. */
export function productionWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.google && !config.github && !config.oidc) {
    warnings.push(
      "No real sign-in provider is configured: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (or GitHub, or OIDC_ISSUER).",
    );
  }
  if (!config.publicUrl.startsWith("https://")) {
    warnings.push(
      `PUBLIC_URL is ${config.publicUrl}: ChatGPT needs an https address.`,
    );
  }
  if (config.devLogin) {
    warnings.push(
      "The development sign-in is on (DEV_LOGIN=1): anyone can sign in as anyone. Turn it off before sharing the GPT.",
    );
  }
  if (!config.contact) {
    warnings.push(
      "No OPERATOR_CONTACT is set: the privacy policy cannot say how to reach you.",
    );
  }
  return warnings;
}

/**
 * What the service stores about a person, for `/privacy`. Each item names the
 * KV keys it describes (`keys`: the first element of the key); a test signs
 * in, plays, refreshes and signs out, then checks that every key in KV is
 * described here, so the policy cannot fall behind the code.
 *
 * `realProviders` says whether a provider other than the development one is
 * enabled: only those can hand us a refresh token.
 */
export function storedItems(realProviders: boolean): StoredItem[] {
  return [
    {
      what:
        "Your user id: the provider's name and its stable identifier for your account (for example google:1098…)",
      why: "To know it is you on every call, and to keep your score",
      kept:
        "With the items below that carry it; DELETE /api/me erases them all",
      keys: [],
    },
    {
      what:
        "Your sign-in session: which app you signed in to and when its access was last renewed; which one-time sign-in codes were used (codes carry no user id)",
      why:
        "To renew access without asking you again, to sign you out, and to refuse a code used twice",
      kept: `${days(LIFETIME.refresh)} after the last renewal; codes ${
        minutes(LIFETIME.code)
      }`,
      keys: ["family", "code"],
    },
    {
      what:
        "A sign-out record: your user id and when you last signed out everywhere",
      why: "So that tokens issued before it stay refused on every server",
      kept: `${days(LIFETIME.refresh)}, or until DELETE /api/me`,
      keys: ["user_revoked"],
    },
    ...(realProviders
      ? [{
        what:
          "Your provider's refresh token, when it gives one (Google and most OpenID providers do; GitHub usually does not), sealed with AES-256-GCM so it is unreadable at rest",
        why:
          "Only to check, now and then, that you have not removed this app at the provider",
        kept: "Until you remove access, sign-in fails there, or DELETE /api/me",
        keys: ["upstream"],
      }]
      : []),
    {
      what: "Your score, nickname (or an anonymous handle) and leaderboard row",
      why: "The game and the leaderboard",
      kept: "Until DELETE /api/me",
      keys: ["score", "player", "leaderboard"],
    },
    {
      what:
        "How many rounds you scored each UTC day (your user id, the date and a count)",
      why: "The daily cap on scored rounds",
      kept: "2 days, or until DELETE /api/me",
      keys: ["scored_today"],
    },
    {
      what:
        "How many players have each score, counted by score band, and the highest score shown, with no user id",
      why: "To tell you your rank without reading the whole leaderboard",
      kept: "As long as the service runs; your count goes with DELETE /api/me",
      keys: ["rank", "rank_high"],
    },
    {
      what:
        "Rounds you play: the word, how many clues and wrong guesses so far (not the guesses themselves)",
      why: "So the server, not the GPT, decides whether a guess is right",
      kept: minutes(LIFETIME.round),
      keys: ["round"],
    },
    {
      what: "Request counters per user, client and network address",
      why: "Rate limits against abuse",
      kept: "2 minutes",
      keys: ["rate"],
    },
    {
      what:
        "Server logs: route, status and timing of each request; sign-in events with your user id",
      why: "Operating and securing the service",
      kept: "As long as the host keeps logs",
      keys: [],
    },
  ];
}

const NEVER = [
  "Your password: you type it only at your sign-in provider.",
  "Your email address, name or picture: we never store them. Google and OpenID sign-in are not asked for them; GitHub sends its public profile, from which only the numeric account id is kept.",
  "Your ChatGPT conversations: the GPT sends only the category, your guesses and your nickname.",
  "Any token we issue: tokens are sealed and carry their own expiry; only revocation records are kept.",
];

/** Builds the page routes. */
export function pageRoutes({ config, providers, game }: PageDeps): Hono {
  const app = new Hono();
  // The configuration is fixed for the process: work the pages out once.
  const providerList = [...providers.values()];
  const realProviders = providerList.filter((p) => p.id !== "dev");
  const setup = {
    publicUrl: config.publicUrl,
    values: builderValues(config),
    warnings: productionWarnings(config),
    providers: providerList.map(({ id, name }) => ({
      id,
      name,
      callback: id === "dev"
        ? null
        : `${config.publicUrl}/login/${id}/callback`,
    })),
    playground: config.devLogin,
  };
  const privacy = {
    publicUrl: config.publicUrl,
    contact: config.contact,
    providers: realProviders.map((p) => p.name),
    items: storedItems(realProviders.length > 0),
    never: NEVER,
  };

  app.get(
    "/",
    (c) => renderPage(c, <SetupPage {...setup} />, { script: true }),
  );

  app.get("/privacy", (c) => renderPage(c, <PrivacyPage {...privacy} />));

  app.get(
    "/leaderboard",
    async (c) => renderPage(c, <LeaderboardPage top={await game.top()} />),
  );

  if (config.devLogin) {
    app.get("/playground", (c) =>
      renderPage(
        c,
        <PlaygroundPage
          publicUrl={config.publicUrl}
          clientId={PLAYGROUND_CLIENT_ID}
          categories={CATEGORIES}
        />,
        { script: true },
      ));
  }

  return app;
}
