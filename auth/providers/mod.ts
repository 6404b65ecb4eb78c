/**
 * The enabled upstream providers, in the order the sign-in page lists them.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import { devProvider } from "./dev.ts";
import type { UpstreamProvider } from "./types.ts";

export type {
  ProviderResult,
  ProviderStart,
  UpstreamProvider,
} from "./types.ts";

/** Builds the providers that configuration enables. */
export function buildProviders(
  config: Config,
): ReadonlyMap<string, UpstreamProvider> {
  const providers: UpstreamProvider[] = [];
  if (config.devLogin) providers.push(devProvider(config.publicUrl));
  return new Map(providers.map((p) => [p.id, p]));
}
