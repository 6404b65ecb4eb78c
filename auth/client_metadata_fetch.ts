/**
 * Fetching Client ID Metadata Documents through {@linkcode safeFetch}, with
 * a per-instance cache: keyed by the URL, kept as long as the document's
 * `Cache-Control` says within {@linkcode CACHE_BOUNDS}, bounded in entries
 * (the least recently used goes first), and shared by concurrent callers so
 * that a burst of sign-ins costs the client's host one request. Failures are
 * kept for a short while too ({@linkcode FAILURE_SECONDS}), so a URL that
 * times out cannot be used to make us wait on it again and again.
 *
 * @module
 */
import {
  safeFetch,
  type SafeFetchOptions,
  type SafeFetchRefusal,
} from "../lib/safe_fetch.ts";
import {
  CACHE_BOUNDS,
  type CacheBounds,
  cacheSeconds,
  type ClientIdUrlProblem,
  type ClientMetadata,
  type MetadataProblem,
  parseClientIdUrl,
  validateClientMetadata,
} from "./client_metadata.ts";

/** The outcome of looking a client id URL up. */
export type ClientMetadataResult =
  | { kind: "valid"; metadata: ClientMetadata }
  | { kind: "bad_client_id"; problem: ClientIdUrlProblem }
  | { kind: "fetch_refused"; refusal: SafeFetchRefusal }
  | { kind: "invalid_document"; problem: MetadataProblem }
  | { kind: "busy" };

/** What {@linkcode ClientMetadataStore} needs. */
export interface ClientMetadataDeps {
  /** `pinnedFetch()` in the service (see lib/safe_fetch.ts). */
  fetch: SafeFetchOptions["fetch"];
  resolve: SafeFetchOptions["resolve"];
  /** Milliseconds since the epoch. */
  now: () => number;
  /**
   * Development mode: documents on loopback https may be fetched, and on
   * any port. Otherwise only public addresses, on port 443.
   */
  dev: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  maxEntries?: number;
  /** Fetches in flight at once; a lookup beyond it is `busy`. */
  maxInFlight?: number;
  /**
   * Fetches in flight at once started by one requester (an address or
   * IPv6 /64), and to one host: one party with a host that stalls cannot
   * hold every slot.
   */
  maxInFlightEach?: number;
  bounds?: CacheBounds;
}

/** How long a failed lookup is remembered. */
export const FAILURE_SECONDS = 10;
/** Default deadline for one document fetch. */
export const FETCH_TIMEOUT_MS = 5_000;
/** Default body cap: the draft suggests 5 KB. */
export const MAX_DOCUMENT_BYTES = 5_120;
/** Default number of documents kept per instance. */
export const MAX_ENTRIES = 1_000;
/** Default number of document fetches in flight per instance. */
export const MAX_IN_FLIGHT = 16;
/** Default number in flight per requester, and per document host. */
export const MAX_IN_FLIGHT_EACH = 2;

interface Entry {
  result: ClientMetadataResult;
  expires: number;
}

/**
 * Looks client id URLs up, fetching each at most once per cache lifetime.
 *
 * @example
 * ```ts
 * const store = new ClientMetadataStore({ fetch: pinnedFetch(), resolve: resolveWithDns, now: Date.now, dev: false });
 * const found = await store.get("https://app.example/oauth/client.json");
 * if (found.kind === "valid") found.metadata.redirectUris;
 * ```
 */
export class ClientMetadataStore {
  readonly #deps: ClientMetadataDeps;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<ClientMetadataResult>>();
  /** Fetches in flight per requester and per host (`req:…`, `host:…`). */
  readonly #holding = new Map<string, number>();

  constructor(deps: ClientMetadataDeps) {
    this.#deps = deps;
  }

  /**
   * The document at `clientId`, from the cache or fetched now for
   * `requester` (whom the per-requester cap counts; an address or /64).
   */
  get(clientId: string, requester = ""): Promise<ClientMetadataResult> {
    const parsed = this.#parse(clientId);
    if (parsed.kind === "invalid") {
      return Promise.resolve({
        kind: "bad_client_id",
        problem: parsed.problem,
      });
    }
    const cached = this.#entries.get(clientId);
    if (cached !== undefined) {
      this.#entries.delete(clientId);
      if (cached.expires > this.#deps.now()) {
        this.#entries.set(clientId, cached);
        return Promise.resolve(cached.result);
      }
    }
    const pending = this.#inFlight.get(clientId);
    if (pending !== undefined) return pending;
    const each = this.#deps.maxInFlightEach ?? MAX_IN_FLIGHT_EACH;
    const slots = [`req:${requester}`, `host:${parsed.url.host}`];
    if (
      this.#inFlight.size >= (this.#deps.maxInFlight ?? MAX_IN_FLIGHT) ||
      slots.some((slot) => (this.#holding.get(slot) ?? 0) >= each)
    ) {
      return Promise.resolve({ kind: "busy" });
    }
    for (const slot of slots) {
      this.#holding.set(slot, (this.#holding.get(slot) ?? 0) + 1);
    }
    const fetching = this.#fetch(parsed.url).finally(() => {
      this.#inFlight.delete(clientId);
      for (const slot of slots) {
        const left = (this.#holding.get(slot) ?? 1) - 1;
        if (left > 0) this.#holding.set(slot, left);
        else this.#holding.delete(slot);
      }
    });
    this.#inFlight.set(clientId, fetching);
    return fetching;
  }

  /**
   * Whether a lookup of `clientId` would be answered without a new fetch:
   * kept and fresh, being fetched, or not a client id URL at all. Callers
   * count the other lookups against a rate limit before making them.
   */
  answersWithoutFetch(clientId: string): boolean {
    if (this.#parse(clientId).kind === "invalid") return true;
    const cached = this.#entries.get(clientId);
    return (cached !== undefined && cached.expires > this.#deps.now()) ||
      this.#inFlight.has(clientId);
  }

  #parse(clientId: string): ReturnType<typeof parseClientIdUrl> {
    const parsed = parseClientIdUrl(clientId);
    // Outside development, only the https port: a client id must not turn
    // this server into a scanner of other ports on public hosts.
    if (parsed.kind === "url" && parsed.url.port !== "" && !this.#deps.dev) {
      return { kind: "invalid", problem: "port" };
    }
    return parsed;
  }

  /** Number of documents (and failures) kept, for tests and metrics. */
  get size(): number {
    return this.#entries.size;
  }

  async #fetch(url: URL): Promise<ClientMetadataResult> {
    const deps = this.#deps;
    const got = await safeFetch(url, {
      fetch: deps.fetch,
      resolve: deps.resolve,
      timeoutMs: deps.timeoutMs ?? FETCH_TIMEOUT_MS,
      maxBytes: deps.maxBytes ?? MAX_DOCUMENT_BYTES,
      allowLoopback: deps.dev,
    });
    let result: ClientMetadataResult;
    let seconds = FAILURE_SECONDS;
    if (got.kind !== "ok") {
      result = { kind: "fetch_refused", refusal: got };
    } else {
      const checked = await validateClientMetadata(url.href, got.response);
      result = checked.kind === "valid"
        ? checked
        : { kind: "invalid_document", problem: checked.problem };
      if (checked.kind === "valid") {
        seconds = cacheSeconds(
          got.response.headers.get("cache-control"),
          deps.bounds ?? CACHE_BOUNDS,
        );
      }
    }
    this.#remember(url.href, result, seconds);
    return result;
  }

  #remember(key: string, result: ClientMetadataResult, seconds: number) {
    this.#entries.delete(key);
    this.#entries.set(key, {
      result,
      expires: this.#deps.now() + seconds * 1000,
    });
    const max = this.#deps.maxEntries ?? MAX_ENTRIES;
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= max) break;
      this.#entries.delete(oldest);
    }
  }
}
