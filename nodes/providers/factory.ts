import type { ProviderFactory } from "./index.js";
import { createLocalProvider } from "./local/index.js";
import { createReplicateProvider } from "./replicate/index.js";

export interface DefaultProvidersOptions {
  /** Replicate's API base (REPLICATE_BASE_URL, read by the composition root: nodes never read the environment). */
  replicateBaseUrl?: string;
}

/** The providers a worker offers: local always; replicate reads its token from ctx.secrets when asked. */
export function createDefaultProviders(o: DefaultProvidersOptions = {}): ProviderFactory {
  return {
    local: createLocalProvider,
    replicate: (ctx) => createReplicateProvider(ctx, { baseUrl: o.replicateBaseUrl }),
  };
}
