import type { MetricsStore } from "../shared/metrics-store.js";
import type { PublicationLedger } from "../shared/publishers/ledger.js";
import type { PlatformEndpoints } from "../shared/publishers/endpoints.js";
import type { GenerationProvider } from "./types.js";

// The provider kinds alone, with no import of the node contract: nodes/contract.ts names them in
// ctx.provider(kind), and nodes/providers/index.ts's ProviderFactory needs the contract's
// NodeContext, so the kinds live here to keep the two from importing each other.

/**
 * The providers a node can ask for with ctx.provider(kind). Each generating node has a `local`
 * provider (offline, deterministic, $0) and a `replicate` one behind the same interface.
 */
export interface Providers {
  local: GenerationProvider;
  replicate: GenerationProvider;
  /**
   * Stores for nodes with durable side effects, which may not touch the database themselves: the
   * publication ledger (publish.channel's idempotency) and the metric time series (analytics.collect).
   * The runtime provides them on PostgreSQL (services/control-providers.ts).
   */
  publications: PublicationLedger;
  metrics: MetricsStore;
  /**
   * The platform API base URLs (operator settings, e.g. local fakes in tests) for publish.channel
   * and analytics.collect: the composition root reads them from the environment, nodes never do.
   */
  platforms: PlatformEndpoints;
}
export type ProviderKind = keyof Providers;
