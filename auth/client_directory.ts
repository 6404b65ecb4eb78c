/**
 * Who a `client_id` names. Three kinds of client, looked up in this order:
 *
 * - the configured ones (the GPT, the development playground);
 * - clients registered at `POST /oauth/register`, whose sealed `wwc_cl.` id
 *   carries their metadata (registration.ts);
 * - clients whose id is the https URL of a Client ID Metadata Document,
 *   fetched through {@linkcode ClientMetadataStore}.
 *
 * A document is fetched only at the authorization endpoint, where its
 * redirect URIs and name are needed. At the token and revocation endpoints a
 * document client is a public client known by its URL and nothing more: the
 * code or refresh token it presents was issued to exactly that id, for a
 * redirect checked against the document, so fetching again would add an
 * outbound request to every token call and prove nothing.
 *
 * @module
 */
import type { ClientConfig } from "./clients.ts";
import { findClient } from "./clients.ts";
import type {
  ClientMetadataResult,
  ClientMetadataStore,
} from "./client_metadata_fetch.ts";
import type { ClientMetadata } from "./client_metadata.ts";
import { parseClientIdUrl } from "./client_metadata.ts";
import { withRegistered } from "./registration.ts";
import type { Tokens } from "./tokens.ts";

/** A document lookup that gave no client, and why. */
export type DocumentRefusal = Exclude<ClientMetadataResult, { kind: "valid" }>;

/** The outcome of looking a `client_id` up at the authorization endpoint. */
export type ClientLookup =
  | {
    kind: "clients";
    /** The configured clients, plus the one `client_id` names when dynamic. */
    clients: readonly ClientConfig[];
  }
  | { kind: "document_refused"; refusal: DocumentRefusal };

/** The client a valid document describes: public, never trusted by name. */
export function documentClient(metadata: ClientMetadata): ClientConfig {
  return {
    id: metadata.clientId,
    name: metadata.clientName,
    secret: null,
    redirectUris: metadata.redirectUris,
    registered: true,
    authMethod: "none",
    publishedBy: new URL(metadata.clientId).host,
  };
}

/** Whether `id` is written as a client id URL (whether or not a usable one). */
function looksLikeDocumentUrl(id: string): boolean {
  return /^https:\/\//i.test(id);
}

/**
 * The directory of clients.
 *
 * @example
 * ```ts
 * const directory = new ClientDirectory(config.clients, tokens, documents);
 * const found = await directory.forAuthorization(id, () => countFetch());
 * ```
 */
export class ClientDirectory {
  readonly #configured: readonly ClientConfig[];
  readonly #tokens: Tokens;
  readonly #documents: ClientMetadataStore;

  constructor(
    configured: readonly ClientConfig[],
    tokens: Tokens,
    documents: ClientMetadataStore,
  ) {
    this.#configured = configured;
    this.#tokens = tokens;
    this.#documents = documents;
  }

  /**
   * The clients an authorization request for `id` may name. A document not
   * in the cache is fetched, after `beforeFetch` (which throws to refuse,
   * e.g. a rate limit on fetches per address) has let it; `requester`
   * (the address or /64) is held to its share of the fetches in flight.
   */
  async forAuthorization(
    id: string | undefined,
    beforeFetch: () => Promise<void>,
    requester = "",
  ): Promise<ClientLookup> {
    if (id === undefined || findClient(this.#configured, id)) {
      return { kind: "clients", clients: this.#configured };
    }
    if (!looksLikeDocumentUrl(id)) {
      return {
        kind: "clients",
        clients: await withRegistered(this.#tokens, this.#configured, id),
      };
    }
    if (!this.#documents.answersWithoutFetch(id)) await beforeFetch();
    const result = await this.#documents.get(id, requester);
    if (result.kind !== "valid") {
      return { kind: "document_refused", refusal: result };
    }
    return {
      kind: "clients",
      clients: [...this.#configured, documentClient(result.metadata)],
    };
  }

  /**
   * The clients a token or revocation request for `id` may authenticate as:
   * a document client is public and known by its well-formed URL alone
   * (see the module's documentation).
   */
  async forTokenEndpoint(
    id: string | undefined,
  ): Promise<readonly ClientConfig[]> {
    if (id === undefined || findClient(this.#configured, id)) {
      return this.#configured;
    }
    const parsed = parseClientIdUrl(id);
    if (parsed.kind === "url") {
      return [...this.#configured, {
        id,
        name: parsed.url.host,
        secret: null,
        redirectUris: [],
        registered: true,
        authMethod: "none",
        publishedBy: parsed.url.host,
      }];
    }
    return await withRegistered(this.#tokens, this.#configured, id);
  }
}
