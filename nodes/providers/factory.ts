import type { ProviderFactory } from "./index.js";
import { createLocalProvider } from "./local/index.js";
import { createReplicateProvider } from "./replicate/index.js";

/** The providers a worker offers: local always; replicate reads its token from ctx.secrets when asked. */
export const defaultProviders: ProviderFactory = {
  local: createLocalProvider,
  replicate: (ctx) => createReplicateProvider(ctx),
};
