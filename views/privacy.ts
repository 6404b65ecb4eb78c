/**
 * The content of `/privacy`: what the service stores about a person, why,
 * and for how long, item by item, and what it never stores.
 *
 * @module
 */
import { LIFETIME } from "../auth/tokens.ts";
import type { StoredItem } from "./pages.tsx";

const days = (seconds: number) => `${Math.round(seconds / 86_400)} days`;
const minutes = (seconds: number) => `${Math.round(seconds / 60)} minutes`;

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
        "With the items below that carry it; DELETE /api/me erases them all, except the sign-out record",
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
        "A sign-out record: your user id and when you last signed out everywhere or erased your data",
      why:
        "So that tokens and sign-in codes issued before it stay refused on every server, even after an erasure",
      kept: `${
        days(LIFETIME.refresh)
      } after the last sign-out or erasure (the longest any token issued before it could otherwise live)`,
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
      what:
        "Your score, nickname (or an anonymous handle) and leaderboard row, and your nickname's look-alike form (lower case, look-alike letters replaced) with your user id",
      why:
        "The game and the leaderboard; the look-alike form keeps anyone else from taking a nickname that looks like yours",
      kept:
        "Until DELETE /api/me; the look-alike form until you change your nickname",
      keys: ["score", "player", "leaderboard", "nickname"],
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

/** What the service never stores, in the policy's words. */
export const NEVER_STORED = [
  "Your password: you type it only at your sign-in provider.",
  "Your email address, name or picture: we never store them. Google and OpenID sign-in are not asked for them; GitHub sends its public profile, from which only the numeric account id is kept.",
  "Your ChatGPT conversations: the GPT sends only the category, your guesses and your nickname.",
  "Any token we issue: tokens are sealed and carry their own expiry; only revocation records are kept.",
];
