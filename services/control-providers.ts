/**
 * The publication ledger and metric store offered to nodes through ctx.provider(): nodes never
 * touch the database, so the worker hands them these stores the way it hands out generation
 * providers. Add to the worker's providers: `{ ...defaultProviders, ...controlProviders(sql) }`.
 */
import type { Sql } from "../db/index.js";
import type { ProviderFactory } from "../nodes/providers/index.js";
import { createMetricsStore } from "./metrics-store.js";
import { createPublicationLedger, publicUrlFromEnv, type LedgerOptions } from "./publications.js";

export function controlProviders(sql: Sql, o: { publicUrl?: LedgerOptions["publicUrl"] } = {}): ProviderFactory {
  const ledger = createPublicationLedger(sql, { publicUrl: o.publicUrl ?? publicUrlFromEnv() });
  const metrics = createMetricsStore(sql);
  return { publications: () => ledger, metrics: () => metrics };
}
