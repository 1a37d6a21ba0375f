import type { RunEvent } from "../schemas/index.js";
import type { Queryable, Sql } from "../db/index.js";

/** One channel for all run events; payloads are small (NOTIFY caps them at 8 kB). */
export const EVENTS_CHANNEL = "genjed_run_events";

/** Publish inside the caller's transaction: listeners hear it only if the change commits. */
export async function publish(q: Queryable, event: RunEvent): Promise<void> {
  await q`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}

/**
 * SQL that publishes a `node` event built from a node_runs row (or a CTE returning one), for use in
 * the statement that changes it: `select ${notifyNodeRow(tx)} from updated`. The one place the
 * database-side shape of a node event is written (it matches RunEventSchema's node variant).
 */
export function notifyNodeRow(q: Queryable) {
  return q`pg_notify(${EVENTS_CHANNEL}, json_build_object(
    'kind', 'node', 'runId', run_id, 'nodeId', node_id, 'item', item, 'status', status, 'progress', progress,
    'attempts', attempts, 'costUsd', cost_usd, 'durationMs', duration_ms, 'at', now())::text)`;
}

export type RunEventListener = (event: RunEvent) => void;

/**
 * One LISTEN connection per process, fanned out to in-process subscribers (SSE streams,
 * the worker's cancel watcher, the CLI's progress display).
 */
export class RunEventHub {
  private readonly listeners = new Set<RunEventListener>();
  private unlisten?: () => Promise<void>;

  constructor(private readonly sql: Sql) {}

  async start(): Promise<void> {
    const sub = await this.sql.listen(EVENTS_CHANNEL, (payload) => {
      let event: RunEvent;
      try {
        event = JSON.parse(payload) as RunEvent;
      } catch {
        return;
      }
      for (const l of this.listeners) l(event);
    });
    this.unlisten = () => sub.unlisten();
  }

  subscribe(listener: RunEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    await this.unlisten?.().catch(() => {});
  }
}

export const nowIso = () => new Date().toISOString();
