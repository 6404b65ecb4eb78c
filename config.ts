/**
 * Configuration: every environment variable of DESIGN.md §7, parsed once into
 * a typed object. A bad or missing value throws a {@linkcode ConfigError}
 * whose message is one line naming the variable and the fix.
 *
 * @module
 */
import { type KeySpec, KID_PATTERN } from "./auth/seal.ts";
import { canonicalIp, type IpRange, parseAllowlist } from "./lib/ip.ts";
import { MIN_SECRET_BITS, secretBits } from "./auth/strength.ts";
import type { ClientConfig } from "./auth/clients.ts";
import type {
  OidcCredentials,
  ProviderCredentials,
} from "./auth/providers/mod.ts";
import type { UpstreamPolicy } from "./auth/upstream_tokens.ts";
import {
  COLOR_PATTERN,
  type LogoType,
  MAX_LOGO_BYTES,
  sniffImage,
} from "./lib/brand.ts";

/** How people reach the operator: an email address or an https page. */
export interface Contact {
  href: string;
  label: string;
}

/** The client id of the development playground's built-in public client. */
export const PLAYGROUND_CLIENT_ID = "playground";

/**
 * The client id of `/play`, the game in the browser: a built-in public
 * client (PKCE) whose one redirect is `${publicUrl}/play/callback`.
 */
export const PLAY_CLIENT_ID = "play";

/** The default display name (`BRAND_NAME`). */
export const DEFAULT_BRAND_NAME = "Words with Chat";

/** A logo: its type (from its magic bytes) and its bytes. */
export interface Logo {
  type: LogoType;
  bytes: Uint8Array<ArrayBuffer>;
}

/** The operator's brand on every page and on the chat's board. */
export interface Brand {
  /** The display name (`BRAND_NAME`). */
  name: string;
  /** The primary colour, `#rrggbb` in lower case (`BRAND_COLOR`); `null`: ours. */
  color: string | null;
  /** The logo (`BRAND_LOGO`); `null`: none. */
  logo: Logo | null;
}
/**
 * The client id of `/admin`, the operators' members view: a built-in public
 * client (PKCE) whose one redirect is `${publicUrl}/admin/callback`, present
 * only when `ADMIN_USERS` names someone.
 */
export const ADMIN_CLIENT_ID = "admin";

/** The parsed configuration. */
export interface Config {
  port: number;
  /** The address to listen on (`LISTEN_HOST`), default every interface. */
  hostname: string;
  /** External origin without a trailing slash, e.g. `https://words.example.com`. */
  publicUrl: string;
  sealKeys: readonly KeySpec[];
  /** The GPT client. */
  client: ClientConfig;
  /**
   * Every client: the GPT, and with `DEV_LOGIN=1` the built-in public client
   * of `/playground` (id `playground`, PKCE required, returns to
   * `${publicUrl}/playground`), and always the game's own page `/play` (id
   * `play`, PKCE required, returns to `${publicUrl}/play/callback`).
   */
  clients: readonly ClientConfig[];
  /** The operator's contact for the privacy policy (`OPERATOR_CONTACT`). */
  contact: Contact | null;
  google: ProviderCredentials | null;
  github: ProviderCredentials | null;
  oidc: OidcCredentials | null;
  devLogin: boolean;
  /** `undefined` means Deno's default location (the attached database on Deploy). */
  kvPath: string | undefined;
  /** Whether we run on Deno Deploy (it sets `DENO_DEPLOYMENT_ID`). */
  onDeploy: boolean;
  /** Requests per minute; 0 turns a limit off. */
  rateLimits: RateLimits;
  /** Rounds one player can score per UTC day (`DAILY_SCORED_ROUNDS`); 0 = no cap. */
  dailyScoredRounds: number;
  /**
   * Verified access tokens one instance keeps (`TOKEN_CACHE_SIZE`), least
   * recently used first out; about 1 KB each.
   */
  tokenCacheSize: number;
  /**
   * Rounds a free player may start per UTC day (`FREE_ROUNDS_PER_DAY`);
   * 0 = unlimited. Default 20 with billing configured, else 0.
   */
  freeRoundsPerDay: number;
  /** Stripe Checkout and webhooks (`STRIPE_*`); `null`: no billing. */
  billing: BillingConfig | null;
  /** Ranges allowed to call `/api/*` and the token endpoints; `null` = anyone. */
  ipAllowlist: readonly IpRange[] | null;
  /** A header set by a trusted proxy that carries the client address, or `null`. */
  trustProxyHeader: string | null;
  /** How upstream sign-ins are followed (ms). */
  upstream: UpstreamPolicy;
  /** The display name, colour and logo (`BRAND_*`). */
  brand: Brand;
  /** User ids allowed into `/admin` (`ADMIN_USERS`); empty: `/admin` is off. */
  adminUsers: readonly string[];
  /** Ask providers for the person's verified email (`COLLECT_EMAIL=1`). */
  collectEmail: boolean;
}

/** Stripe's settings: all of `STRIPE_*` set together. */
export interface BillingConfig {
  /** `STRIPE_SECRET_KEY`: `sk_…` or a restricted `rk_…` key. */
  secretKey: string;
  /** `STRIPE_PRICE_ID`: the price a Checkout Session sells. */
  priceId: string;
  /** `STRIPE_WEBHOOK_SECRET`: the endpoint's signing secret, `whsec_…`. */
  webhookSecret: string;
  /** `STRIPE_API_BASE`: Stripe's API origin, default `https://api.stripe.com`. */
  apiBase: URL;
}

/** Stripe's own API origin, the default `STRIPE_API_BASE`. */
export const STRIPE_API = "https://api.stripe.com";

/** Requests per minute for each limited endpoint; 0 means no limit. */
export interface RateLimits {
  /** `/oauth/token` and `/oauth/revoke`, per client and address. */
  token: number;
  /** `/oauth/authorize`, per address. */
  authorize: number;
  /** `/oauth/register` (dynamic client registration), per address. */
  register: number;
  /**
   * Client ID Metadata Document fetches that miss the cache, per address:
   * each makes an outbound request on behalf of an unauthenticated caller.
   */
  clientDocument: number;
  /** Starting rounds, clues, guesses and giving up, per user. */
  game: number;
  /** Reading the leaderboard, the score and the player, per user. */
  read: number;
}

/** A configuration problem; `message` is one line fit for a terminal. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /**
   * Every problem found, this one first: start-up reports them all at once,
   * so a deploy with several variables missing needs one fix, not several.
   */
  all: ConfigError[] = [this];
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

/** The environment as a plain record, so tests pass objects instead of `Deno.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Minimum length of every secret we are given. */
export const MIN_SECRET_CHARS = 32;
const KEYGEN =
  `run "deno task keygen" (without Deno installed: "npx -y deno@2.9.6 task keygen")`;

/** Why a secret is refused as guessable, or `null` (see auth/strength.ts). */
function predictable(secret: string): string | null {
  const bits = secretBits(secret);
  return bits >= MIN_SECRET_BITS
    ? null
    : `too predictable: about ${
      Math.floor(bits)
    } of the ${MIN_SECRET_BITS} bits needed (repeats and runs such as aaaa, abab, 1234, qwer count for little)`;
}

/**
 * Parses and checks the whole configuration.
 *
 * @example
 * ```ts
 * const config = loadConfig(Deno.env.toObject()); // throws ConfigError naming the variable
 * ```
 */
export function loadConfig(env: Env): Config {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const problems: ConfigError[] = [];
  /** Parses one value; a problem is kept for the report and `fallback` used. */
  const check = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err);
      return fallback;
    }
  };
  const port = check(() => parsePort(get("PORT")), 8000);
  const hostname = get("LISTEN_HOST") ?? "0.0.0.0";
  if (
    hostname !== "localhost" && canonicalIp(hostname) === null
  ) {
    problems.push(
      new ConfigError(
        "LISTEN_HOST",
        `"${
          hostname.slice(0, 40)
        }" must be an IP address to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`,
      ),
    );
  }
  const onDeploy = Boolean(get("DENO_DEPLOYMENT_ID") ?? get("DENO_DEPLOY"));
  const devLogin = check(() => parseFlag("DEV_LOGIN", get("DEV_LOGIN")), false);
  if (devLogin && onDeploy) {
    problems.push(
      new ConfigError(
        "DEV_LOGIN",
        "the development sign-in lets anyone sign in as anyone and is refused on Deno Deploy — remove DEV_LOGIN",
      ),
    );
  }
  const publicUrl = check(
    () => parsePublicUrl(get("PUBLIC_URL"), port, onDeploy),
    `http://localhost:${port}`,
  );
  const client = check(() => parseClient(get, (err) => problems.push(err)), {
    id: "",
    name: "",
    secret: "",
    redirectUris: null,
  });
  if (devLogin && client.id === PLAYGROUND_CLIENT_ID) {
    problems.push(
      new ConfigError(
        "OAUTH_CLIENT_ID",
        `"${PLAYGROUND_CLIENT_ID}" is the development playground's own client; choose another`,
      ),
    );
  }
  if (client.id === PLAY_CLIENT_ID) {
    problems.push(
      new ConfigError(
        "OAUTH_CLIENT_ID",
        `"${PLAY_CLIENT_ID}" is the client of the game's own page (/play); choose another`,
      ),
    );
  }
  const brand: Brand = {
    name: check(() => parseBrandName(get("BRAND_NAME")), DEFAULT_BRAND_NAME),
    color: check(() => parseBrandColor(get("BRAND_COLOR")), null),
    logo: check(() => parseBrandLogo(get("BRAND_LOGO")), null),
  };
  if (client.id === ADMIN_CLIENT_ID) {
    problems.push(
      new ConfigError(
        "OAUTH_CLIENT_ID",
        `"${ADMIN_CLIENT_ID}" is the client of the members view (/admin); choose another`,
      ),
    );
  }
  const adminUsers = check(() => parseAdminUsers(get("ADMIN_USERS")), []);
  const play: ClientConfig = {
    id: PLAY_CLIENT_ID,
    name: brand.name,
    secret: null,
    redirectUris: [`${publicUrl}/play/callback`],
  };
  const clients = devLogin
    ? [client, play, {
      id: PLAYGROUND_CLIENT_ID,
      name: "the playground",
      secret: null,
      redirectUris: [`${publicUrl}/playground`],
    }]
    : [client, play];
  const billing = check(() => parseBilling(get), null);
  const freeRoundsPerDay = check(
    () => parseFreeRounds(get, billing !== null),
    0,
  );
  if (adminUsers.length > 0) {
    clients.push({
      id: ADMIN_CLIENT_ID,
      name: "the members view",
      secret: null,
      redirectUris: [`${publicUrl}/admin/callback`],
    });
  }
  const config: Config = {
    port,
    hostname,
    publicUrl,
    sealKeys: check(() => parseSealKeys(get("SEAL_KEYS")), []),
    client,
    clients,
    contact: check(() => parseContact(get("OPERATOR_CONTACT")), null),
    google: check(() => parseProvider(get, "GOOGLE"), null),
    github: check(() => parseProvider(get, "GITHUB"), null),
    oidc: check(() => parseOidc(get), null),
    devLogin,
    kvPath: get("KV_PATH"),
    onDeploy,
    rateLimits: {
      token: check(() => parseLimit(get, "TOKEN_RATE_LIMIT", 60), 0),
      authorize: check(() => parseLimit(get, "AUTHORIZE_RATE_LIMIT", 30), 0),
      register: check(() => parseLimit(get, "REGISTER_RATE_LIMIT", 10), 0),
      clientDocument: check(
        () => parseLimit(get, "CLIENT_DOCUMENT_RATE_LIMIT", 10),
        0,
      ),
      game: check(() => parseLimit(get, "GAME_RATE_LIMIT", 120), 0),
      read: check(() => parseLimit(get, "READ_RATE_LIMIT", 600), 0),
    },
    dailyScoredRounds: check(
      () =>
        parseLimit(get, "DAILY_SCORED_ROUNDS", 50, "scored rounds per UTC day"),
      0,
    ),
    freeRoundsPerDay,
    billing,
    tokenCacheSize: check(
      () => parseLimit(get, "TOKEN_CACHE_SIZE", 10_000, "tokens"),
      10_000,
    ),
    ipAllowlist: check(() => parseIpAllowlist(get("IP_ALLOWLIST")), null),
    trustProxyHeader: check(
      () => parseHeaderName(get("TRUST_PROXY_HEADER")),
      null,
    ),
    upstream: {
      checkEvery: check(
        () => parseDuration(get, "UPSTREAM_CHECK_MINUTES", 15, 60_000),
        0,
      ),
      grace: check(
        () => parseDuration(get, "UPSTREAM_GRACE_HOURS", 24, 3_600_000),
        0,
      ),
      timeout: check(
        () => parseDuration(get, "UPSTREAM_TIMEOUT_SECONDS", 10, 1000),
        0,
      ),
    },
    brand,
    adminUsers,
    collectEmail: check(
      () => parseFlag("COLLECT_EMAIL", get("COLLECT_EMAIL")),
      false,
    ),
  };
  if (problems.length > 0) {
    const [first] = problems as [ConfigError];
    first.all = problems;
    throw first;
  }
  return config;
}

function parseBrandName(value: string | undefined): string {
  if (value === undefined) return DEFAULT_BRAND_NAME;
  // deno-lint-ignore no-control-regex
  if (value.length > 40 || /[\u0000-\u001f\u007f<>]/.test(value)) {
    throw new ConfigError(
      "BRAND_NAME",
      `"${
        value.slice(0, 40)
      }" must be a display name of at most 40 characters, without < > or control characters`,
    );
  }
  return value;
}

function parseBrandColor(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!COLOR_PATTERN.test(value)) {
    throw new ConfigError(
      "BRAND_COLOR",
      `"${value.slice(0, 20)}" must be a colour written #rrggbb, e.g. #0b6bcb`,
    );
  }
  return value.toLowerCase();
}

const LOGO_TYPES = "PNG, SVG, WebP or JPEG";

/**
 * `BRAND_LOGO` as a `data:image/…;base64,` URL. main.ts turns a file path
 * into one before configuration is parsed (see `withLogoFile`), so both
 * forms are checked here, by the same rules.
 */
export function parseBrandLogo(value: string | undefined): Logo | null {
  if (value === undefined) return null;
  const match = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]*)$/i
    .exec(value);
  if (!match) {
    throw new ConfigError(
      "BRAND_LOGO",
      `must be a path to a ${LOGO_TYPES} file shipped with the service, or a data:image/…;base64, URL`,
    );
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Uint8Array.fromBase64(match[2]!.replace(/\s+/g, ""));
  } catch {
    throw new ConfigError("BRAND_LOGO", "the data URL's base64 is malformed");
  }
  if (bytes.length === 0 || bytes.length > MAX_LOGO_BYTES) {
    throw new ConfigError(
      "BRAND_LOGO",
      `the logo is ${bytes.length} bytes; it must be 1 to ${MAX_LOGO_BYTES} bytes (${
        MAX_LOGO_BYTES / 1024
      } KiB): shrink or simplify it`,
    );
  }
  const type = sniffImage(bytes);
  if (type === null) {
    throw new ConfigError(
      "BRAND_LOGO",
      `the logo is not a ${LOGO_TYPES} image (checked by its first bytes)`,
    );
  }
  if (match[1]!.toLowerCase() !== type) {
    throw new ConfigError(
      "BRAND_LOGO",
      `the data URL says ${
        match[1]
      } but the image is ${type}; write data:${type};base64,…`,
    );
  }
  return { type, bytes };
}

/**
 * `ADMIN_USERS`: comma-separated user ids as the service writes them,
 * `<provider>:<subject>` (`google:1098…`, `github:583…`, `dev:ada`).
 */
function parseAdminUsers(value: string | undefined): string[] {
  if (value === undefined) return [];
  const ids = value.split(",").map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (!/^[A-Za-z0-9.-]{1,64}:[\x21-\x7e]{1,255}$/.test(id)) {
      throw new ConfigError(
        "ADMIN_USERS",
        `"${
          id.slice(0, 40)
        }" is not a user id; use <provider>:<id> as /api/me shows it, e.g. google:1098… or github:583…, separated by commas`,
      );
    }
  }
  return [...new Set(ids)];
}

function parseContact(value: string | undefined): Contact | null {
  if (value === undefined) return null;
  if (/^[^\s@<>"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$/.test(value)) {
    return { href: `mailto:${value}`, label: value };
  }
  const url = URL.parse(value);
  if (url?.protocol === "https:" && value.length <= 300) {
    return { href: url.href, label: url.href };
  }
  throw new ConfigError(
    "OPERATOR_CONTACT",
    `"${
      value.slice(0, 40)
    }" must be an email address or an https URL (shown on /privacy)`,
  );
}

function parseDuration(
  get: Get,
  name: string,
  fallback: number,
  unitMs: number,
): number {
  const value = get(name);
  if (value === undefined) return fallback * unitMs;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 1e6) {
    throw new ConfigError(
      name,
      `"${value.slice(0, 20)}" must be a positive number`,
    );
  }
  return Math.round(n * unitMs);
}

function parseLimit(
  get: Get,
  name: string,
  fallback: number,
  unit = "requests per minute",
): number {
  const value = get(name);
  if (value === undefined) return fallback;
  if (!/^\d{1,7}$/.test(value)) {
    throw new ConfigError(
      name,
      `"${value}" must be a whole number of ${unit} (0 turns the limit off)`,
    );
  }
  return Number(value);
}

const STRIPE_VARIABLES = [
  "STRIPE_SECRET_KEY",
  "STRIPE_PRICE_ID",
  "STRIPE_WEBHOOK_SECRET",
] as const;

/** The `STRIPE_*` variables: all three set (and the API base valid), or none. */
function parseBilling(get: Get): BillingConfig | null {
  const [secretKey, priceId, webhookSecret] = STRIPE_VARIABLES.map(get);
  const base = get("STRIPE_API_BASE");
  const set = STRIPE_VARIABLES.filter((name) => get(name) !== undefined);
  if (set.length === 0) {
    if (base !== undefined) {
      throw new ConfigError(
        "STRIPE_API_BASE",
        "set but STRIPE_SECRET_KEY, STRIPE_PRICE_ID and STRIPE_WEBHOOK_SECRET are not; set them to turn billing on, or unset it",
      );
    }
    return null;
  }
  const missing = STRIPE_VARIABLES.find((name) => get(name) === undefined);
  if (missing) {
    throw new ConfigError(
      missing,
      `not set but ${set.join(" and ")} ${
        set.length > 1 ? "are" : "is"
      }; billing needs STRIPE_SECRET_KEY, STRIPE_PRICE_ID and STRIPE_WEBHOOK_SECRET together, or none of them`,
    );
  }
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/.test(secretKey!)) {
    throw new ConfigError(
      "STRIPE_SECRET_KEY",
      "must be a Stripe secret key (sk_live_… or sk_test_…, or a restricted rk_… key) from the dashboard's API keys page",
    );
  }
  if (!/^price_[A-Za-z0-9]{4,}$/.test(priceId!)) {
    throw new ConfigError(
      "STRIPE_PRICE_ID",
      `"${
        priceId!.slice(0, 40)
      }" must be a price id (price_…) from the product's page in the Stripe dashboard`,
    );
  }
  if (!/^whsec_[A-Za-z0-9+/=_-]{8,}$/.test(webhookSecret!)) {
    throw new ConfigError(
      "STRIPE_WEBHOOK_SECRET",
      "must be the webhook endpoint's signing secret (whsec_…), shown on the endpoint's page in the Stripe dashboard",
    );
  }
  return {
    secretKey: secretKey!,
    priceId: priceId!,
    webhookSecret: webhookSecret!,
    apiBase: parseStripeApiBase(base),
  };
}

function parseStripeApiBase(value: string | undefined): URL {
  if (value === undefined) return new URL(STRIPE_API);
  const url = URL.parse(value);
  const ok = url &&
    (url.protocol === "https:" ||
      (url.protocol === "http:" && isLoopbackHost(url.hostname))) &&
    url.pathname === "/" && !url.search && !url.hash && !url.username &&
    !url.password;
  if (!ok) {
    throw new ConfigError(
      "STRIPE_API_BASE",
      `"${
        value.slice(0, 60)
      }" must be an https origin without a path (http only for 127.0.0.1, ::1 or localhost, e.g. the local fake); unset it for ${STRIPE_API}`,
    );
  }
  return url;
}

/** `FREE_ROUNDS_PER_DAY`: default 20 with billing, 0 (unlimited) without. */
function parseFreeRounds(get: Get, billing: boolean): number {
  const rounds = parseLimit(
    get,
    "FREE_ROUNDS_PER_DAY",
    billing ? 20 : 0,
    "rounds per UTC day",
  );
  if (rounds > 0 && !billing) {
    throw new ConfigError(
      "FREE_ROUNDS_PER_DAY",
      "is set but billing is not: a player over the quota could never lift it. Set STRIPE_SECRET_KEY, STRIPE_PRICE_ID and STRIPE_WEBHOOK_SECRET, or set 0",
    );
  }
  return rounds;
}

function parseIpAllowlist(value: string | undefined): IpRange[] | null {
  if (value === undefined) return null;
  const parsed = parseAllowlist(value);
  if (!parsed.ok) {
    throw new ConfigError(
      "IP_ALLOWLIST",
      `${
        parsed.bad.slice(0, 60)
      } is not an IP range; use CIDR ranges such as 23.102.140.112/28, or the JSON file OpenAI publishes (IP_ALLOWLIST_FILE)`,
    );
  }
  return parsed.ranges;
}

function parseHeaderName(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) {
    throw new ConfigError(
      "TRUST_PROXY_HEADER",
      `"${value.slice(0, 40)}" is not a header name, e.g. X-Forwarded-For`,
    );
  }
  return value.toLowerCase();
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 8000;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new ConfigError(
      "PORT",
      `"${value}" is not a port number (1–65535, or 0 for any free port)`,
    );
  }
  return port;
}

function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === "0") return false;
  if (value === "1") return true;
  throw new ConfigError(name, `"${value}" must be 1 (on) or 0 (off)`);
}

/** True for hosts where plain http is acceptable (local testing). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" ||
    hostname === "[::1]";
}

function parsePublicUrl(
  value: string | undefined,
  port: number,
  onDeploy: boolean,
): string {
  if (value === undefined) {
    if (onDeploy) {
      throw new ConfigError(
        "PUBLIC_URL",
        "not set; on Deno Deploy set it to the https address people reach, e.g. https://words.example.com (it is the OAuth issuer and the API's address)",
      );
    }
    return `http://localhost:${port}`;
  }
  const url = URL.parse(value);
  if (onDeploy && url?.protocol === "http:") {
    throw new ConfigError(
      "PUBLIC_URL",
      `"${value}" is http; on Deno Deploy it must be the https address people reach`,
    );
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new ConfigError(
      "PUBLIC_URL",
      `"${value}" is not an http(s) URL — use the external origin, e.g. https://words.example.com`,
    );
  }
  if (url.pathname !== "/" || url.search || url.hash || url.username) {
    throw new ConfigError(
      "PUBLIC_URL",
      `"${value}" must be an origin only (no path, query or credentials), e.g. ${url.origin}`,
    );
  }
  return url.origin;
}

/** Parses `kid1:secret1,kid2:secret2` (DESIGN.md §4). */
export function parseSealKeys(value: string | undefined): KeySpec[] {
  if (value === undefined) {
    throw new ConfigError(
      "SEAL_KEYS",
      `not set; it seals every token — ${KEYGEN} and set the line it prints`,
    );
  }
  const keys: KeySpec[] = [];
  for (const entry of value.split(",").map((s) => s.trim())) {
    const colon = entry.indexOf(":");
    if (colon < 0) {
      throw new ConfigError(
        "SEAL_KEYS",
        `an entry has no "kid:" before its secret; the form is kid1:secret1,kid2:secret2 — ${KEYGEN}`,
      );
    }
    const kid = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    if (!KID_PATTERN.test(kid)) {
      throw new ConfigError(
        "SEAL_KEYS",
        `key id "${kid.slice(0, 40)}" must be 1–32 letters, digits, "-" or "_"`,
      );
    }
    if (secret.length < MIN_SECRET_CHARS) {
      throw new ConfigError(
        "SEAL_KEYS",
        `"${kid}" is ${secret.length} characters; each secret needs at least ${MIN_SECRET_CHARS} — ${KEYGEN}`,
      );
    }
    const weak = predictable(secret);
    if (weak) {
      throw new ConfigError("SEAL_KEYS", `"${kid}" is ${weak} — ${KEYGEN}`);
    }
    if (keys.some((k) => k.kid === kid)) {
      throw new ConfigError(
        "SEAL_KEYS",
        `key id "${kid}" appears twice; give each key its own id`,
      );
    }
    keys.push({ kid, secret });
  }
  return keys;
}

type Get = (name: string) => string | undefined;

function parseClient(
  get: Get,
  report: (err: ConfigError) => void,
): ClientConfig {
  const id = get("OAUTH_CLIENT_ID") ?? "";
  if (id === "") {
    report(
      new ConfigError(
        "OAUTH_CLIENT_ID",
        `not set; choose the client ID you will paste into the GPT builder — ${KEYGEN} suggests one`,
      ),
    );
  } else if (!/^[\x21-\x7e]{1,128}$/.test(id) || id.includes(":")) {
    report(
      new ConfigError(
        "OAUTH_CLIENT_ID",
        "use 1–128 visible ASCII characters without spaces or colons",
      ),
    );
  }
  const secret = get("OAUTH_CLIENT_SECRET");
  if (secret === undefined) {
    throw new ConfigError(
      "OAUTH_CLIENT_SECRET",
      `not set; ${KEYGEN} to make one, then paste it into the GPT builder too`,
    );
  }
  if (secret.length < MIN_SECRET_CHARS) {
    throw new ConfigError(
      "OAUTH_CLIENT_SECRET",
      `is ${secret.length} characters; it needs at least ${MIN_SECRET_CHARS} — ${KEYGEN}`,
    );
  }
  const weak = predictable(secret);
  if (weak) {
    throw new ConfigError("OAUTH_CLIENT_SECRET", `is ${weak} — ${KEYGEN}`);
  }
  const previousSecret = get("OAUTH_CLIENT_SECRET_PREVIOUS") ?? null;
  if (previousSecret !== null && previousSecret.length < MIN_SECRET_CHARS) {
    throw new ConfigError(
      "OAUTH_CLIENT_SECRET_PREVIOUS",
      `is ${previousSecret.length} characters; it must be the old OAUTH_CLIENT_SECRET (at least ${MIN_SECRET_CHARS})`,
    );
  }
  const weakPrevious = previousSecret && predictable(previousSecret);
  if (weakPrevious) {
    throw new ConfigError(
      "OAUTH_CLIENT_SECRET_PREVIOUS",
      `is ${weakPrevious}; a guessable secret is not kept even while rotating: unset it and use only the new OAUTH_CLIENT_SECRET — ${KEYGEN}`,
    );
  }
  if (previousSecret === secret) {
    throw new ConfigError(
      "OAUTH_CLIENT_SECRET_PREVIOUS",
      "equals OAUTH_CLIENT_SECRET; set the new secret in OAUTH_CLIENT_SECRET and the old one here",
    );
  }
  const list = get("OAUTH_REDIRECT_URIS");
  let redirectUris: string[] | null = null;
  if (list !== undefined) {
    redirectUris = list.split(",").map((s) => s.trim()).filter(Boolean);
    for (const uri of redirectUris) {
      const url = URL.parse(uri);
      const ok = url && !url.hash &&
        (url.protocol === "https:" ||
          (url.protocol === "http:" && isLoopbackHost(url.hostname)));
      if (!ok) {
        throw new ConfigError(
          "OAUTH_REDIRECT_URIS",
          `"${uri}" must be an absolute https URL without a fragment (http only for localhost)`,
        );
      }
    }
  }
  const name = get("OAUTH_CLIENT_NAME") ?? "ChatGPT";
  if (name.length > 60 || /\p{Cc}/u.test(name)) {
    throw new ConfigError(
      "OAUTH_CLIENT_NAME",
      "use at most 60 characters without control characters",
    );
  }
  return { id, name, secret, previousSecret, redirectUris };
}

function parseProvider(
  get: Get,
  prefix: "GOOGLE" | "GITHUB",
): ProviderCredentials | null {
  const clientId = get(`${prefix}_CLIENT_ID`);
  const clientSecret = get(`${prefix}_CLIENT_SECRET`);
  if (clientId === undefined && clientSecret === undefined) return null;
  if (clientId === undefined) {
    throw new ConfigError(
      `${prefix}_CLIENT_ID`,
      `not set but ${prefix}_CLIENT_SECRET is; set both to enable this provider, or neither`,
    );
  }
  if (clientSecret === undefined) {
    throw new ConfigError(
      `${prefix}_CLIENT_SECRET`,
      `not set but ${prefix}_CLIENT_ID is; set both to enable this provider, or neither`,
    );
  }
  return { clientId, clientSecret };
}

function parseOidc(get: Get): OidcCredentials | null {
  const issuerValue = get("OIDC_ISSUER");
  const clientId = get("OIDC_CLIENT_ID");
  const clientSecret = get("OIDC_CLIENT_SECRET");
  const name = get("OIDC_NAME");
  if (issuerValue === undefined) {
    const stray = clientId !== undefined
      ? "OIDC_CLIENT_ID"
      : clientSecret !== undefined
      ? "OIDC_CLIENT_SECRET"
      : name !== undefined
      ? "OIDC_NAME"
      : undefined;
    if (stray) {
      throw new ConfigError(
        "OIDC_ISSUER",
        `not set but ${stray} is; set the issuer URL to enable OpenID Connect sign-in`,
      );
    }
    return null;
  }
  const issuer = URL.parse(issuerValue);
  if (
    !issuer ||
    !(issuer.protocol === "https:" ||
      (issuer.protocol === "http:" && isLoopbackHost(issuer.hostname))) ||
    issuer.search || issuer.hash
  ) {
    throw new ConfigError(
      "OIDC_ISSUER",
      `"${issuerValue}" must be an https URL (http only for 127.0.0.1, ::1 or localhost), without query or fragment`,
    );
  }
  if (clientId === undefined) {
    throw new ConfigError(
      "OIDC_CLIENT_ID",
      "not set; register this service with your issuer and set its client ID",
    );
  }
  if (clientSecret === undefined) {
    throw new ConfigError(
      "OIDC_CLIENT_SECRET",
      "not set; set the client secret your issuer gave you",
    );
  }
  // An IPv6 host is "[::1]": its brackets and colons cannot prefix a user id.
  const label = name ??
    (issuer.hostname.startsWith("[") ? "localhost" : issuer.hostname);
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(label)) {
    throw new ConfigError(
      "OIDC_NAME",
      `"${label}" must be 1–64 letters, digits, "." or "-" (it prefixes user ids)`,
    );
  }
  if (["dev", "google", "github"].includes(label.toLowerCase())) {
    throw new ConfigError(
      "OIDC_NAME",
      `"${label}" is taken by a built-in provider; user ids would collide — choose another name`,
    );
  }
  return { issuer, clientId, clientSecret, name: label };
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
  if (config.billing?.secretKey.includes("_test_")) {
    warnings.push(
      "STRIPE_SECRET_KEY is a test-mode key: nobody is charged. Set the live key (sk_live_…) and the live price and webhook secret to take payments.",
    );
  }
  if (config.billing && config.billing.apiBase.origin !== STRIPE_API) {
    warnings.push(
      `STRIPE_API_BASE is ${config.billing.apiBase.origin}, not Stripe: payments go nowhere. Unset it for ${STRIPE_API}.`,
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
 * The warnings to log at start-up: every production warning, except on a
 * local development setup (the development sign-in over http), which
 * expects them.
 */
export function startupWarnings(config: Config): string[] {
  return !config.devLogin || config.publicUrl.startsWith("https://")
    ? productionWarnings(config)
    : [];
}
