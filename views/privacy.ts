/**
 * The content of `/privacy`: what the service stores about a person, why,
 * and for how long, item by item, and what it never stores.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { LOG_KEEP_MS } from "../auth/revocation.ts";
import { LIFETIME } from "../auth/tokens.ts";
import { CACHE_BOUNDS } from "../auth/client_metadata.ts";
import { DAILY_COUNT_KEPT_MS } from "../game/game.ts";
import { EVENT_KEPT_MS } from "../billing/plans.ts";
import { RATE_WINDOW_SECONDS, RATE_WINDOWS_KEPT } from "../lib/rate_limit.ts";
import type { StoredItem } from "./pages.tsx";

/**
 * The figures `/privacy` states, each from where the running service takes
 * it: the configuration, the token lifetimes, the stores' own bounds.
 */
export interface PrivacyFigures {
  /** Rounds a player can score per UTC day (`DAILY_SCORED_ROUNDS`); 0: no cap. */
  dailyScoredRounds: number;
  /** Rounds a free player may start per UTC day (`FREE_ROUNDS_PER_DAY`); 0: no quota. */
  freeRoundsPerDay: number;
  /** Whether payments (Stripe) are on. */
  billing: boolean;
  /** Whether any rate limit is on (each counts requests in KV). */
  rateLimited: boolean;
  /** How often a provider's refresh token is checked (`UPSTREAM_CHECK_MINUTES`, ms). */
  upstreamCheckEvery: number;
  /** How late another instance may notice a sign-out (the revocation cache, ms). */
  revocationCacheMs: number;
  /** Whether verified email addresses are collected (`COLLECT_EMAIL=1`). */
  collectEmail: boolean;
}

/** The figures of a configuration, with the revocation cache of its store. */
export function privacyFigures(
  config: Config,
  revocationCacheMs: number,
): PrivacyFigures {
  return {
    dailyScoredRounds: config.dailyScoredRounds,
    freeRoundsPerDay: config.freeRoundsPerDay,
    billing: config.billing !== null,
    rateLimited: Object.values(config.rateLimits).some((n) => n > 0),
    upstreamCheckEvery: config.upstream.checkEvery,
    revocationCacheMs,
    collectEmail: config.collectEmail,
  };
}

const UNITS: readonly [ms: number, unit: string][] = [
  [86_400_000, "day"],
  [3_600_000, "hour"],
  [60_000, "minute"],
  [1000, "second"],
];

/** A duration in the largest whole unit: `30 days`, `1 hour`, `90 minutes`. */
export function duration(ms: number): string {
  const [size, unit] = UNITS.find(([size]) => ms >= size && ms % size === 0) ??
    UNITS.find(([size]) => ms >= size) ?? UNITS[UNITS.length - 1]!;
  const n = Math.max(1, Math.round(ms / size));
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/**
 * How long, at most, the GPT keeps access after a person removes this app at
 * their provider: the provider is asked at the first renewal of access (one
 * per access-token lifetime) once `checkEvery` has passed since it last was.
 */
export function accessEndsWithin(checkEvery: number): string {
  const access = LIFETIME.access * 1000;
  return duration(Math.max(1, Math.ceil(checkEvery / access)) * access);
}

/** What a person does to erase their data, as the policy says it. */
const ERASE = "until you ask the GPT to delete your data";

/**
 * What the service stores about a person, for `/privacy`. Each item names the
 * KV keys it describes (`keys`: the first element of the key); a test signs
 * in, plays, refreshes and signs out, then checks that every key in KV is
 * described here, so the policy cannot fall behind the code.
 *
 * `realProviders` says whether a provider other than the development one is
 * enabled: only those can hand us a refresh token.
 */
export function storedItems(
  realProviders: boolean,
  figures: PrivacyFigures,
): StoredItem[] {
  const cap = figures.dailyScoredRounds;
  return [
    {
      what:
        "Your user id: the provider's name and its stable identifier for your account (for example google:1098…)",
      why: "To know it is you on every call, and to keep your score",
      kept:
        "With the items below that carry it; deleting your data erases them all, except the sign-out record",
      keys: [],
    },
    {
      what:
        "Your sign-in session: which app you signed in to and when its access was last renewed; which one-time sign-in codes were used (codes carry no user id)",
      why:
        "To renew access without asking you again, to sign you out, and to refuse a code used twice",
      kept: `${
        duration(LIFETIME.refresh * 1000)
      } after the last renewal; codes ${duration(LIFETIME.code * 1000)}`,
      keys: ["family", "code"],
    },
    {
      what:
        "A sign-out record: your user id and when you last signed out everywhere or erased your data",
      why:
        "So that tokens and sign-in codes issued before it stay refused on every server, even after an erasure",
      kept: `${
        duration(LIFETIME.refresh * 1000)
      } after the last sign-out or erasure (the longest any token issued before it could otherwise live)`,
      keys: ["user_revoked"],
    },
    ...(realProviders
      ? [{
        what:
          "Your provider's refresh token, when it gives one (Google and most OpenID providers do; GitHub usually does not), sealed with AES-256-GCM so it is unreadable at rest",
        why: `Only to check, at most every ${
          duration(figures.upstreamCheckEvery)
        }, that you have not removed this app at the provider`,
        kept:
          `Until you remove this app at the provider, signing in there fails, or you ask the GPT to delete your data`,
        keys: ["upstream"],
      }]
      : []),
    {
      what:
        "Your score, nickname (or an anonymous handle) and leaderboard row, and your nickname's look-alike form (lower case, look-alike letters replaced) with your user id",
      why:
        "The game and the leaderboard; the look-alike form keeps anyone else from taking a nickname that looks like yours",
      kept:
        "Until you ask the GPT to delete your data; the look-alike form until you change your nickname",
      keys: ["score", "player", "leaderboard", "nickname"],
    },
    ...(cap > 0
      ? [{
        what:
          "How many rounds you scored each UTC day (your user id, the date and a count)",
        why: `The daily cap: at most ${cap} scored ${
          cap === 1 ? "round" : "rounds"
        } a day`,
        kept: `${duration(DAILY_COUNT_KEPT_MS)}, or ${ERASE}`,
        keys: ["scored_today"],
      }]
      : []),
    ...(figures.freeRoundsPerDay > 0
      ? [{
        what:
          "How many rounds you started each UTC day on the free plan (your user id, the date and a count)",
        why: `The free plan: at most ${figures.freeRoundsPerDay} ${
          figures.freeRoundsPerDay === 1 ? "round" : "rounds"
        } a day`,
        kept: `${duration(DAILY_COUNT_KEPT_MS)}, or ${ERASE}`,
        keys: ["started_today"],
      }]
      : []),
    ...(figures.billing
      ? [{
        what:
          "Your plan (free or pro), and if you paid: never your card or bank details (you give those to Stripe, on Stripe's pages), only the ids Stripe gave your customer record and subscription, its status, and when it last changed; the customer id with your user id, to know whose a payment is",
        why:
          "To lift the daily limit for those who pay, and to send you to Stripe's page to manage or cancel it",
        kept:
          `${ERASE}. Stripe keeps what you gave it when paying (name, email, card details, invoices, the subscription) under its own privacy policy and the law on accounts; deleting your data here does not cancel a subscription, so cancel it first through the manage link (ask the GPT for your plan). Once your data is deleted, only Stripe's customer id stays, without your user id, so that Stripe's later messages about it are ignored`,
        keys: ["plan", "stripe_customer"],
      }, {
        what: "The ids of payment events Stripe sent us, with no user id",
        why: "To apply each payment event once, however often it arrives",
        kept: duration(EVENT_KEPT_MS),
        keys: ["stripe_event"],
      }, {
        what:
          "A note that a link to pay or to manage your subscription was used: the link's random id and a time, with no user id",
        why:
          "So that each link opens the payment page once, and a copy of it is no use to anyone else",
        kept: "At most 30 minutes, the life of the link",
        keys: ["billing_link"],
      }]
      : []),
    {
      what:
        "How many players have each score, counted by score band, and the highest score shown, with no user id",
      why: "To tell you your rank without reading the whole leaderboard",
      kept:
        "As long as the service runs; your count goes when you delete your data",
      keys: ["rank", "rank_high"],
    },
    {
      what:
        `When you first signed in and when you were last active, and which provider you signed in with${
          figures.collectEmail
            ? "; and your email address, only when your provider says it is verified (Google and OpenID providers in your sign-in token, GitHub your primary verified address)"
            : ""
        }`,
      why:
        `So the people who run this service know their players (a members list only they see)${
          figures.collectEmail ? ", and can reach them by email" : ""
        }; activity is noted when you sign in and at most once an hour while you play`,
      kept: `${ERASE[0]!.toUpperCase()}${ERASE.slice(1)}`,
      keys: ["member"],
    },
    {
      what:
        "How many players were new and how many were active on each UTC day, as two numbers a day with no user id",
      why: "A chart of the last 30 days for the people who run this service",
      kept:
        "As long as the service runs; deleting your data does not change past days' counts",
      keys: ["member_day"],
    },
    {
      what:
        "Rounds you play: the word, how many clues and wrong guesses so far (not the guesses themselves)",
      why: "So the server, not the GPT, decides whether a guess is right",
      kept: duration(LIFETIME.round * 1000),
      keys: ["round"],
    },
    ...(figures.rateLimited
      ? [{
        what: "Request counters per user, client and network address",
        why: "Rate limits against abuse",
        kept: duration(RATE_WINDOWS_KEPT * RATE_WINDOW_SECONDS * 1000),
        keys: ["rate"],
      }]
      : []),
    {
      what:
        "Apps that connect themselves (ChatGPT apps, Claude, other MCP clients): the name, return addresses and sign-in method an app registers, and only a hash of its secret, sealed inside the client id the app itself keeps; an app that publishes its details at its own web address instead is read from there",
      why:
        "To show you the app's name on the consent page (as the app declares it: we do not verify it) and to send you back only to the app's own addresses",
      kept: `No record of its own: the client id carries it for ${
        duration(LIFETIME.client * 1000)
      } (your sign-in session names the app by that id); published details stay in one server's memory for at most ${
        duration(CACHE_BOUNDS.maxSeconds * 1000)
      }`,
      keys: [],
    },
    {
      what:
        "Cookies in your browser, only while you sign in or play: a sign-in in progress (sealed, for this service only), and on the game page (/play) your session, which keeps you signed in there; for the people who run the service, their session on the members page (sealed, one hour)",
      why:
        "To finish the sign-in you started, and to keep you signed in to /play across reloads; no tracking, nothing shared with other sites",
      kept: `A sign-in: ${duration(LIFETIME.login * 1000)}; /play: ${
        duration(LIFETIME.refresh * 1000)
      } from your last visit, or until you sign out there`,
      keys: [],
    },
    {
      what:
        "A note that your sign-in was ended (your user id, which sign-ins, and when), whenever you sign out, erase your data or your sign-in provider revokes access",
      why:
        "So that every server of this service stops accepting your tokens within seconds, without checking each request against the database",
      kept: duration(LOG_KEEP_MS),
      keys: [
        "revocation_log",
        "revocation_log_head",
        "revocation_log_since",
      ],
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

/** What the service never stores, as the policy lists it (email not collected). */
export const NEVER_STORED = [
  "Your password: you type it only at your sign-in provider.",
  "Your email address, name or picture: we never store them. Google and OpenID sign-in are not asked for them; GitHub sends its public profile, from which only the numeric account id is kept.",
  "Your ChatGPT conversations: the GPT sends only the category, your guesses and your nickname.",
  "Any token we issue: tokens are sealed and carry their own expiry; only revocation records are kept.",
  "An app's client secret: it is handed to the app once, and only its hash is kept, inside the app's own client id.",
];

/**
 * What the service never stores, with `COLLECT_EMAIL` as configured: when
 * email is collected, the email line says what is and is not kept.
 */
export function neverStored(collectEmail: boolean): string[] {
  if (!collectEmail) return NEVER_STORED;
  return NEVER_STORED.map((line) =>
    line.startsWith("Your email address")
      ? "Your name or picture: we never store them, and your email address only as described above (verified addresses only). GitHub sends its public profile, from which only the numeric account id is kept."
      : line
  );
}
