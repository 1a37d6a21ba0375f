/**
 * Workspace spending limits the engine enforces: the daily cap (most a workspace may spend in any
 * 24 hours), checked before each paid node starts, next to the run budget check.
 */
import type { Queryable, Tx } from "../db/index.js";
import type { RunError } from "../schemas/index.js";

export interface WorkspaceSpend {
  /** Cost recorded in the last 24 hours by the workspace's node executions. */
  spentUsd: number;
  /** Estimates held by its paid items running right now (not yet recorded as cost). */
  reservedUsd: number;
}

/**
 * What counts against the cap: a node execution's cost is attributed to when it finished (or
 * started, while it still runs). Only runs still going or finished within the day are read.
 */
export async function workspaceSpend(q: Queryable, workspaceId: string): Promise<WorkspaceSpend> {
  const [s] = await q<WorkspaceSpend[]>`
    select coalesce(sum(nr.cost_usd) filter (where coalesce(nr.finished_at, nr.started_at, nr.queued_at) > now() - interval '24 hours'), 0)::float8 as "spentUsd",
           coalesce(sum(nr.reserved_usd) filter (where nr.status = 'running'), 0)::float8 as "reservedUsd"
    from runs r join node_runs nr on nr.run_id = r.id
    where r.workspace_id = ${workspaceId} and (r.finished_at is null or r.finished_at > now() - interval '24 hours')`;
  return s;
}

/**
 * Called by the executor in its locked budget path before a paid item starts (the caller holds the
 * run's lock). Locks the workspace row too, so paid items of different runs of one workspace are
 * checked one at a time and cannot together overshoot the cap. Returns the error to halt the run
 * with, or null when the item may start.
 */
export async function checkDailyCap(tx: Tx, runId: string, estimateUsd: number, nodeId: string): Promise<RunError | null> {
  const [w] = await tx<{ id: string; dailyCapUsd: number | null }[]>`
    select w.id, w.daily_cap_usd as "dailyCapUsd" from workspaces w
    where w.id = (select workspace_id from runs where id = ${runId}) for update of w`;
  if (!w || w.dailyCapUsd === null) return null;
  const { spentUsd, reservedUsd } = await workspaceSpend(tx, w.id);
  if (spentUsd + reservedUsd + estimateUsd <= w.dailyCapUsd + 1e-9) return null;
  return {
    code: "DAILY_CAP_EXCEEDED",
    message:
      `node "${nodeId}" would cost about $${estimateUsd.toFixed(4)}; the workspace spent $${spentUsd.toFixed(4)} in the last 24 hours` +
      `${reservedUsd > 0 ? ` and has $${reservedUsd.toFixed(4)} running` : ""} of its $${w.dailyCapUsd.toFixed(2)} daily cap`,
    details: { dailyCapUsd: w.dailyCapUsd, spentUsd, reservedUsd, estimateUsd },
  };
}
