/**
 * The publication ledger and metric store offered to nodes through ctx.provider(): nodes never
 * touch the database, so the worker hands them these stores the way it hands out generation
 * providers. Add to the worker's providers: `{ ...createDefaultProviders(), ...controlProviders(sql) }`.
 */
import type { Sql } from "../db/index.js";
import type { ProviderFactory } from "../nodes/providers/index.js";
import { endpointsFromEnv } from "../nodes/shared/publishers/types.js";
import { createMetricsStore } from "./metrics-store.js";
import { createPublicationLedger, publicUrlFromEnv, type LedgerOptions } from "./publications.js";

/**
 * `env` gives the platform base URLs (default: this process's environment, read when a node asks,
 * so a test may point them at its fakes after the worker started).
 */
export function controlProviders(sql: Sql, o: { publicUrl?: LedgerOptions["publicUrl"]; env?: NodeJS.ProcessEnv } = {}): ProviderFactory {
  const ledger = createPublicationLedger(sql, { publicUrl: o.publicUrl ?? publicUrlFromEnv() });
  const metrics = createMetricsStore(sql);
  return { publications: () => ledger, metrics: () => metrics, platforms: () => endpointsFromEnv(o.env ?? process.env) };
}
