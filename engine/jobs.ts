import type { Queryable } from "../db/index.js";

export const NODE_TASK = "genjed.node";

export interface NodeJobPayload {
  runId: string;
  nodeId: string;
  item: string;
}

/** Stable per node item, so a queued job can be found (cancel) and never enqueued twice. */
export const jobKeyOf = (p: NodeJobPayload) => `node:${p.runId}:${p.nodeId}:${p.item}`;
/** jobKeyOf in SQL, over a node_runs row (or a CTE returning run_id, node_id, item). */
export const jobKeySql = (q: Queryable) => q`'node:' || run_id || ':' || node_id || ':' || item`;

/**
 * graphile-worker runs a named queue's jobs one at a time, so a run limited to N concurrent
 * items spreads its jobs over N queues. Unlimited runs use no queue (cheapest path).
 */
export function queueNameOf(runId: string, concurrency: number | null, slot: number): string | null {
  if (!concurrency) return null;
  return `run:${runId}:${slot % concurrency}`;
}

/** Enqueue node jobs inside the caller's transaction (graphile-worker's add_jobs SQL API). */
export async function enqueueNodeJobs(
  q: Queryable,
  jobs: (NodeJobPayload & { queueName: string | null; runAt?: Date | null })[],
): Promise<void> {
  if (jobs.length === 0) return;
  const specs = jobs.map((j) => ({
    payload: { runId: j.runId, nodeId: j.nodeId, item: j.item },
    queue_name: j.queueName,
    run_at: j.runAt ? j.runAt.toISOString() : null,
    job_key: jobKeyOf(j),
  }));
  await q`
    select graphile_worker.add_jobs(array(
      select (${NODE_TASK}, s.payload, s.queue_name, s.run_at, 5, s.job_key, null, null)::graphile_worker.job_spec
      from json_to_recordset(${JSON.stringify(specs)}::json) as s(payload json, queue_name text, run_at timestamptz, job_key text)
    ))`;
}

/** Remove jobs that are not running yet (locked ones finish and see the run's state). */
export async function removeNodeJobs(q: Queryable, keys: NodeJobPayload[]): Promise<void> {
  if (keys.length === 0) return;
  await q`select graphile_worker.remove_job(k) from unnest(${keys.map(jobKeyOf)}::text[]) as k`;
}
