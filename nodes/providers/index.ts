import type { NodeContext } from "../contract.js";
import type { Providers } from "./kinds.js";

export type { Providers, ProviderKind } from "./kinds.js";
export type { GenerationProvider } from "./types.js";

/** How a worker makes a provider for one node execution. */
export type ProviderFactory = { [K in keyof Providers]?: (ctx: NodeContext) => Providers[K] };
