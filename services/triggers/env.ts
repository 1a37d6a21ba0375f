/** What trigger code is given, and the trigger row as both drizzle and raw SQL read it. */
import type { Database, Queryable } from "../../db/index.js";
import type { triggers } from "../../db/schema-triggers.js";
import type { NodeRegistry } from "../../nodes/registry.js";
import type { MediaStorage } from "../../nodes/contract.js";

export interface TriggerEnv {
  database: Database;
  registry: NodeRegistry;
  /** The clock. Tests pass a fake one; nothing in triggers reads Date.now() directly. */
  now: () => Date;
  log?: (message: string) => void;
  /** Media storage, for reading condition feeds given as uploads of the trigger's workspace. */
  media?: Pick<MediaStorage, "read">;
  /**
   * The secrets key that seals webhook signing secrets (server/auth/secret-key.ts). Without it,
   * webhook triggers cannot be created, rotated or delivered to (the API answers 503).
   */
  secretKey?: Buffer | null;
  /**
   * Called in the fire's transaction when a fire has started its run (the server writes the
   * `run.start` audit entry). Also called for a run found started after a crash lost the fire's
   * update, since that rolled this call back too.
   */
  onRunStarted?: (q: Queryable, started: TriggerRunStarted) => Promise<void>;
}

export interface TriggerRunStarted {
  runId: string;
  /** The run's workspace (its graph's). */
  workspaceId: string | null;
  triggerId: string;
  triggerKind: string;
  triggerName: string;
  fireId: string;
  graphId: string;
  versionId: string | null;
  scheduledFor: string | null;
  budgetUsd: number | null;
}

export type TriggerRow = typeof triggers.$inferSelect;

/** Columns of `triggers` under their drizzle names, for raw SQL (locking queries drizzle cannot express in a postgres.js transaction). */
const COLUMNS = `id, graph_id as "graphId", name, kind, enabled, version_id as "versionId", config, overlap, overrides, channel,
  budget_usd as "budgetUsd", secret as "plainSecret", secret_ciphertext as "secretCiphertext", secret_iv as "secretIv", secret_tag as "secretTag",
  secret_last4 as "secretLast4", next_fire_at as "nextFireAt", last_fired_at as "lastFiredAt", last_checked_at as "lastCheckedAt",
  last_error as "lastError", created_at as "createdAt", updated_at as "updatedAt"`;

/** Read one trigger inside a transaction, locked against other dispatchers but not against fire inserts (their FK check). */
export async function lockTrigger(q: Queryable, id: string): Promise<TriggerRow | null> {
  const [row] = await q.unsafe<TriggerRow[]>(`select ${COLUMNS} from triggers where id = $1 for no key update`, [id]);
  return row ?? null;
}

/** Due triggers of the given kinds, locked; rows another scheduler holds are skipped, not waited for. */
export async function lockDueTriggers(q: Queryable, kinds: string[], now: Date, limit: number): Promise<TriggerRow[]> {
  const rows = await q.unsafe<TriggerRow[]>(
    `select ${COLUMNS} from triggers where enabled and kind = any($1::text[]) and next_fire_at <= $2
     order by next_fire_at limit $3 for no key update skip locked`,
    [kinds, now.toISOString(), limit],
  );
  return rows;
}
