/**
 * Cancel benchmark (issue 10): cancelling a run of 10,000 independent nodes, every one of them
 * queued as a graphile-worker job (no worker runs, so nothing starts). Goal: under 2 s.
 */
import { performance } from "node:perf_hooks";
import type { Database } from "../db/index.js";
import { cancelRun, startRunFromDocument } from "../engine/runs.js";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { systemScope } from "../lib/scope.js";

export const CANCEL_NODES = 10_000;

/** A run with `n` independent nodes, all queued (jobs added, nothing running them). */
export async function queuedWideRun(database: Database, n: number): Promise<string> {
  const doc = graph(Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: "test.const", config: { value: i } })));
  const { runId } = await startRunFromDocument(database.sql, testRegistry(), { document: doc });
  return runId;
}

export async function benchCancel(database: Database): Promise<Record<string, number | string>> {
  const s0 = performance.now();
  const runId = await queuedWideRun(database, CANCEL_NODES);
  const startMs = performance.now() - s0;
  const [{ jobs }] = await database.sql<{ jobs: number }[]>`select count(*)::int as jobs from graphile_worker.jobs`;
  const t0 = performance.now();
  if (!(await cancelRun(database.sql, runId, systemScope("bench: cancels the run it started")))) throw new Error("cancel found the run finished");
  const cancelMs = performance.now() - t0;
  const [{ left }] = await database.sql<{ left: number }[]>`select count(*)::int as left from graphile_worker.jobs`;
  if (left !== 0) throw new Error(`${left} of ${jobs} jobs left after cancel`);
  return {
    "start 10,000 queued nodes: ms": Math.round(startMs),
    "cancel 10,000 queued nodes: ms (goal < 2000)": Math.round(cancelMs),
  };
}
