/**
 * Every persisted state change of a run, its nodes and their items: the only module that writes
 * runs, run_nodes and node_runs (engine/transitions.test.ts enforces it). Each export is one
 * transition — the row change and its event, in the caller's transaction — so what a client sees
 * always matches what was committed. Deciding *when* a transition happens (readiness, fan-out,
 * retries) is the scheduler's and the executor's job; they call these and never write status.
 *
 * Lock order (to stay deadlock-free): the `runs` row first, then node_runs, then run_nodes.
 * Several transitions return the statement's promise without awaiting it, so callers can pipeline
 * them with other statements of the same transaction (one round trip).
 */
import type postgres from "postgres";
import type { Queryable, Sql, Tx } from "../db/index.js";
import { toJsonb } from "../db/index.js";
import type { CostItem, NodeRunStatus, RunError, RunStatus } from "../schemas/index.js";
import type { Plan } from "./compile.js";
import { notifyNodeRow, nowIso, publish } from "./events.js";
import { enqueueNodeJobs, jobKeySql, queueNameOf, removeNodeJobs } from "./jobs.js";

/** A condition (SQL fragment) a guarded transition adds to its WHERE clause. */
export type Fragment = postgres.PendingQuery<postgres.Row[]>;

export const TERMINAL = ["cached", "succeeded", "failed", "skipped", "canceled"];

export type ItemOutcome =
  | { status: "succeeded" | "cached"; output: Record<string, unknown> }
  | { status: "failed"; error: RunError }
  | { status: "skipped" | "canceled"; error?: RunError };

export interface ItemCost {
  costUsd: number;
  costBreakdown: CostItem[];
}

export interface RunRow {
  id: string;
  status: RunStatus;
  concurrency: number | null;
  /** Part of every cache key: a cached output never crosses workspaces (it would skip the upload check). */
  workspaceId: string | null;
}

export interface ItemKey {
  runId: string;
  nodeId: string;
  item: string;
}

// ---- runs -------------------------------------------------------------------------------------

/** Lock the run row (every transition starts here, see lock order above). */
export async function lockRun(tx: Tx, runId: string): Promise<RunRow & { budgetUsd: number | null; costUsd: number }> {
  const [run] = await tx<(RunRow & { budgetUsd: number | null; costUsd: number })[]>`
    select id, status, budget_usd as "budgetUsd", cost_usd as "costUsd",
           nullif(concurrency, 0) as concurrency, workspace_id as "workspaceId"
    from runs where id = ${runId} for update`;
  if (!run) throw new Error(`run ${runId} does not exist`);
  return run;
}

export interface NewRun {
  graphId: string | null;
  versionId: string | null;
  workspaceId: string | null;
  name: string;
  document: unknown;
  plan: Plan;
  budgetUsd: number | null;
  concurrency: number;
  trigger: Record<string, unknown> | null;
}

/** Insert a run as `running`. No budget given: the workspace's default run budget (if it has one). */
export async function createRun(tx: Tx, o: NewRun): Promise<string> {
  const [run] = await tx<{ id: string }[]>`
    with ws as (
      select coalesce(${o.workspaceId}::uuid, (select workspace_id from graphs where id = ${o.graphId}::uuid), genjed_default_workspace()) as id
    )
    insert into runs (graph_id, version_id, workspace_id, name, document, plan, status, budget_usd, estimate_usd, concurrency, trigger, started_at)
    select ${o.graphId}, ${o.versionId}, ws.id, ${o.name}, ${toJsonb(o.document)}::jsonb, ${toJsonb(o.plan)}::jsonb, 'running',
           coalesce(${o.budgetUsd}::float8, (select default_run_budget_usd from workspaces where id = ws.id)), ${o.plan.estimate.usd},
           ${o.concurrency}, ${toJsonb(o.trigger)}::jsonb, now()
    from ws
    returning id`;
  return run.id;
}

/** Add spent money to the run's total; `guard` makes it conditional (see finishOnlyItem). */
export function addRunCost(tx: Tx, runId: string, usd: number, guard?: Fragment): Promise<unknown> | null {
  if (!(usd > 0)) return null;
  return guard ? tx`update runs set cost_usd = cost_usd + ${usd} where id = ${runId} and ${guard}` : tx`update runs set cost_usd = cost_usd + ${usd} where id = ${runId}`;
}

/** Derive the run's status from its nodes, and publish it when it changes. */
export async function settleRun(tx: Tx, runId: string): Promise<void> {
  const [c] = await tx<{ open: number; failed: number; active: boolean; waiting: boolean; status: RunStatus; costUsd: number }[]>`
    select
      (select count(*)::int from run_nodes where run_id = ${runId} and status not in ${tx(TERMINAL)}) as open,
      (select count(*)::int from run_nodes where run_id = ${runId} and status = 'failed') as failed,
      exists (select 1 from node_runs where run_id = ${runId} and status in ('queued', 'running')) as active,
      exists (select 1 from node_runs where run_id = ${runId} and status = 'waiting') as waiting,
      r.status, r.cost_usd as "costUsd"
    from runs r where r.id = ${runId}`;
  if (c.status === "canceled" || c.status === "failed" || c.status === "succeeded") return;
  const next: RunStatus = c.open === 0 ? (c.failed > 0 ? "failed" : "succeeded") : !c.active && c.waiting ? "waiting" : "running";
  if (next === c.status) return;
  const error = next === "failed" ? { code: "NODE_FAILED", message: `${c.failed} node(s) failed` } : null;
  await tx`update runs set status = ${next}, error = ${toJsonb(error)}::jsonb,
           finished_at = case when ${next} in ('succeeded', 'failed') then now() else null end
           where id = ${runId}`;
  await publish(tx, { kind: "run", runId, status: next, costUsd: c.costUsd, at: nowIso() });
}

/**
 * Stop a run: queued work is removed and marked canceled, open nodes are closed, running items
 * are told through the run event (their workers abort them). Used by cancel and by budget halts.
 */
export async function haltRun(tx: Tx, runId: string, status: "canceled" | "failed", error: RunError | null): Promise<boolean> {
  const [run] = await tx<{ costUsd: number }[]>`
    update runs set status = ${status}, error = ${toJsonb(error)}::jsonb, finished_at = now()
    where id = ${runId} and status not in ('succeeded', 'failed', 'canceled')
    returning cost_usd as "costUsd"`;
  if (!run) return false;
  // One statement for every item that has not started, however many (a loop per node took seconds
  // for 10,000 nodes): each is canceled, its queued job removed (complete_jobs, one call for all; it
  // leaves a locked job to finish and see the run's state) and its event published. Running items
  // are not touched here: the run event below makes their workers abort them (engine/aborts.ts).
  await tx`
    with dropped as (
      update node_runs set status = 'canceled', finished_at = now(), reserved_usd = 0
      where run_id = ${runId} and status in ('pending', 'queued', 'waiting')
      returning run_id, node_id, item, status, progress, attempts, cost_usd, duration_ms
    )
    select (select count(*) from graphile_worker.complete_jobs(array(
              select j.id from graphile_worker.jobs j where j.key in (select ${jobKeySql(tx)} from dropped)))) as removed,
           (select count(*) from (select ${notifyNodeRow(tx)} from dropped) n) as published`;
  await tx`update run_nodes set status = 'canceled' where run_id = ${runId} and status not in ${tx(TERMINAL)}`;
  await publish(tx, { kind: "run", runId, status, costUsd: run.costUsd, at: nowIso() });
  return true;
}

/**
 * A spending limit (run budget, workspace daily cap) stops the run before this paid item starts.
 * Halt first (so the run's error is the limit, not "a node failed"), then mark this item as the one that hit it.
 */
export async function haltOnLimit(tx: Tx, p: ItemKey, error: RunError): Promise<void> {
  await haltRun(tx, p.runId, "failed", error);
  await tx`update node_runs set status = 'failed', error = ${toJsonb(error)}::jsonb where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item}`;
  await tx`update run_nodes set status = 'failed' where run_id = ${p.runId} and node_id = ${p.nodeId}`;
  await publishNode(tx, p.runId, p.nodeId, p.item);
}

/** A finished or failed run runs again (retry, review revision): back to `running`. */
export async function reopenRun(tx: Tx, run: RunRow & { costUsd: number }): Promise<void> {
  await tx`update runs set status = 'running', finished_at = null, error = null where id = ${run.id}`;
  run.status = "running";
  await publish(tx, { kind: "run", runId: run.id, status: "running", costUsd: run.costUsd, at: nowIso() });
}

// ---- run_nodes --------------------------------------------------------------------------------

/** Every node of a new run, `pending` with its dependency count. */
export async function createNodes(tx: Tx, runId: string, plan: Plan): Promise<void> {
  const rows = plan.order.map((id) => ({ run_id: runId, node_id: id, pending_deps: plan.dependencyCounts[id], status: "pending" }));
  for (let i = 0; i < rows.length; i += 1000) {
    await tx`insert into run_nodes ${tx(rows.slice(i, i + 1000), "run_id", "node_id", "pending_deps", "status")}`;
  }
}

/** A node's items were created: it is `running` with `done` of `total` items already ended (skipped). */
export function openNode(tx: Tx, runId: string, nodeId: string, total: number, done: number): Promise<unknown> {
  return tx`update run_nodes set status = 'running', items_total = ${total}, items_done = ${done}
            where run_id = ${runId} and node_id = ${nodeId}`;
}

/**
 * Close a node that did not run (skipped/canceled/failed before any item ran): its ended items
 * are inserted (and published) as they are.
 */
export async function closeNodeUnrun(
  tx: Tx,
  runId: string,
  nodeId: string,
  status: NodeRunStatus,
  items: { item: string; status: NodeRunStatus; error?: RunError }[],
): Promise<void> {
  for (const it of items) {
    await tx`insert into node_runs (run_id, node_id, item, status, error, finished_at)
             values (${runId}, ${nodeId}, ${it.item}, ${it.status}, ${toJsonb(it.error ?? null)}::jsonb, now())
             on conflict (run_id, node_id, item) do nothing`;
    await publishNode(tx, runId, nodeId, it.item, it.status);
  }
  await tx`update run_nodes set status = ${status}, items_total = ${items.length}, items_done = ${items.length}
           where run_id = ${runId} and node_id = ${nodeId}`;
}

/** One more of the node's items ended. Returns the node's counters (none when it has no row). */
export async function countItemDone(tx: Tx, runId: string, nodeId: string): Promise<{ status: string; itemsDone: number; itemsTotal: number } | undefined> {
  const [node] = await tx<{ status: string; itemsDone: number; itemsTotal: number }[]>`
    update run_nodes set items_done = items_done + 1
    where run_id = ${runId} and node_id = ${nodeId}
    returning status, items_done as "itemsDone", items_total as "itemsTotal"`;
  return node;
}

/**
 * Every item ended: the node takes its status and gathered output. `countItem` also counts its
 * last item off (the single-item hot path); `guard` makes the write conditional.
 */
export function finishNode(
  tx: Tx,
  runId: string,
  nodeId: string,
  status: NodeRunStatus,
  output: unknown,
  o: { countItem?: boolean; guard?: Fragment } = {},
): Promise<unknown> {
  const count = o.countItem ? tx`items_done = items_done + 1,` : tx``;
  const guard = o.guard ? tx`and ${o.guard}` : tx``;
  return tx`update run_nodes set ${count} status = ${status}, output = ${toJsonb(output)}::jsonb
            where run_id = ${runId} and node_id = ${nodeId} ${guard}`;
}

/** One dependency of each of `dependents` is done; returns their remaining counts (0 = ready). */
export function countOffDependency(tx: Tx, runId: string, dependents: string[], guard?: Fragment) {
  const g = guard ? tx`and ${guard}` : tx``;
  return tx<{ nodeId: string; pendingDeps: number; patch: Record<string, unknown> | null }[]>`
    update run_nodes set pending_deps = pending_deps - 1
    where run_id = ${runId} and node_id in ${tx(dependents)} and status = 'pending' ${g}
    returning node_id as "nodeId", pending_deps as "pendingDeps", config_patch as patch`;
}

/** Forget the nodes' items and their queued jobs (a node about to run again). */
export async function dropItems(tx: Tx, runId: string, nodeIds: string[]): Promise<void> {
  const removed = await tx<{ nodeId: string; item: string }[]>`
    delete from node_runs where run_id = ${runId} and node_id in ${tx(nodeIds)} returning node_id as "nodeId", item`;
  await removeNodeJobs(tx, removed.map((r) => ({ runId, ...r })));
}

/** A node goes back to `pending` with `pendingDeps` open dependencies; `patch` merges into its config. */
export async function resetNode(tx: Tx, runId: string, nodeId: string, pendingDeps: number, patch: Record<string, unknown> | null): Promise<void> {
  await tx`update run_nodes set status = 'pending', output = null, items_total = null, items_done = 0,
           pending_deps = ${pendingDeps}, config_patch = coalesce(${toJsonb(patch)}::jsonb, config_patch)
           where run_id = ${runId} and node_id = ${nodeId}`;
  await publishNode(tx, runId, nodeId, "", "pending");
}

// ---- node_runs --------------------------------------------------------------------------------

export interface NewItem {
  item: string;
  status: "queued" | "skipped";
  inputs: Record<string, unknown> | null;
  cache_key: string | null;
}

/** Insert a node's items and publish each one's event in the same statement (one per 500 items, for pipelining). */
export function createItems(tx: Tx, runId: string, nodeId: string, items: NewItem[]): Promise<unknown>[] {
  const inserts: Promise<unknown>[] = [];
  for (let i = 0; i < items.length; i += 500) {
    inserts.push(tx`
      with ins as (
        insert into node_runs (run_id, node_id, item, status, inputs, cache_key, queued_at, finished_at)
        select ${runId}, ${nodeId}, r.item, r.status, r.inputs, r.cache_key, now(), case when r.status = 'skipped' then now() end
        from jsonb_to_recordset(${JSON.stringify(items.slice(i, i + 500))}::jsonb) as r(item text, status text, inputs jsonb, cache_key text)
        returning *
      )
      select ${notifyNodeRow(tx)} from ins`);
  }
  return inserts;
}

export interface Started {
  attempts: number;
  resumeState: Record<string, unknown> | null;
}

/**
 * queued -> running in one guarded statement that also publishes the event. Returns the attempt
 * number (and the node's checkpoint), or null when the item was meanwhile canceled/finished (the
 * guard matched nothing). An item found `running` was left by a dead worker: that attempt is
 * logged as lost (its end unknown), and this attempt gets its own start time.
 */
export async function startItem(q: Queryable, p: ItemKey, o: { reserve: number; provider: string | null }): Promise<Started | null> {
  const [r] = await q<Started[]>`
    with claimed as (
      update node_runs set status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()),
        attempt_log = case when status = 'running' and attempt_started_at is not null
          then attempt_log || jsonb_build_array(jsonb_build_object('attempt', attempts, 'stage', stage, 'startedAt', to_jsonb(attempt_started_at), 'endedAt', null, 'outcome', 'lost'))
          else attempt_log end,
        attempt_started_at = now(),
        reserved_usd = ${o.reserve}, provider = ${o.provider}, error = null
      where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item} and status in ('queued', 'running')
        and (select status from runs where id = ${p.runId}) in ('running', 'waiting')
      returning *
    )
    select attempts, resume_state as "resumeState", ${notifyNodeRow(q)}
    from claimed`;
  return r ? { attempts: r.attempts, resumeState: r.resumeState } : null;
}

/** A cache hit counts as the item's start (its end follows in the same transaction). */
export async function startCachedItem(tx: Tx, p: ItemKey, cacheKey: string): Promise<void> {
  await tx`update cache_entries set hits = hits + 1 where key = ${cacheKey}`;
  await tx`update node_runs set started_at = coalesce(started_at, now())
           where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item}`;
}

/** The running item's progress (0..1), published; ignored once the item is no longer running. */
export async function reportProgress(sql: Sql, p: ItemKey, fraction: number): Promise<void> {
  await sql`update node_runs set progress = ${fraction} where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item} and status = 'running'`;
  await publishNode(sql as unknown as Tx, p.runId, p.nodeId, p.item, "running");
}

/**
 * Store the running item's checkpoint with the costs recorded since the last one (run total too).
 * Returns false when the item is no longer running (the caller keeps the costs for the finish).
 */
export async function checkpointItem(tx: Tx, p: ItemKey, state: Record<string, unknown>, costs: CostItem[]): Promise<boolean> {
  const usd = costs.reduce((s, c) => s + c.usd, 0);
  if (usd > 0) await lockRun(tx, p.runId);
  const rows = await tx`update node_runs set resume_state = ${toJsonb(state)}::jsonb,
      cost_usd = cost_usd + ${usd}, cost_breakdown = cost_breakdown || ${JSON.stringify(costs)}::jsonb
    where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item} and status = 'running' returning 1`;
  if (rows.length > 0) await addRunCost(tx, p.runId, usd);
  return rows.length > 0;
}

/** The node asked to wait (a review, a deadline): running -> waiting, its cost booked. */
export async function suspendItem(tx: Tx, p: ItemKey, waiting: unknown, cost: ItemCost): Promise<void> {
  await tx`update node_runs set status = 'waiting', waiting = ${toJsonb(waiting)}::jsonb, reserved_usd = 0,
           cost_usd = cost_usd + ${cost.costUsd}, cost_breakdown = cost_breakdown || ${JSON.stringify(cost.costBreakdown)}::jsonb
           where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item} and status = 'running'`;
  await addRunCost(tx, p.runId, cost.costUsd);
  await publishNode(tx, p.runId, p.nodeId, p.item, "waiting");
}

/** A failed attempt goes back to the queue (a retry at `runAt`, or the next fallback `stage`). */
export async function requeueItem(
  tx: Tx,
  p: ItemKey,
  o: { error: RunError; cost: ItemCost; runAt: Date | null; stage: number; resetAttempts: boolean; concurrency: number | null },
): Promise<void> {
  await tx`update node_runs set status = 'queued', error = ${toJsonb(o.error)}::jsonb, stage = ${o.stage}, reserved_usd = 0,
           attempt_log = ${attemptEnded(tx, "failed")}, attempt_started_at = null,
           attempts = case when ${o.resetAttempts} then 0 else attempts end,
           cost_usd = cost_usd + ${o.cost.costUsd}, cost_breakdown = cost_breakdown || ${JSON.stringify(o.cost.costBreakdown)}::jsonb
           where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item}`;
  await addRunCost(tx, p.runId, o.cost.costUsd);
  await enqueueNodeJobs(tx, [{ ...p, queueName: queueNameOf(p.runId, o.concurrency, 0), runAt: o.runAt }]);
  await publishNode(tx, p.runId, p.nodeId, p.item, "queued");
}

/**
 * Record how one item ended (any non-terminal state -> `outcome`), publishing it. Returns false
 * when it had already ended (a re-delivered job): at-least-once job delivery becomes exactly-once
 * state changes. `onlyWhileLive` also requires the run to be running or waiting.
 */
export async function endItem(tx: Tx, p: ItemKey, outcome: ItemOutcome, cost: ItemCost, o: { onlyWhileLive?: boolean } = {}): Promise<boolean> {
  const live = o.onlyWhileLive ? tx`and (select status from runs where id = ${p.runId}) in ('running', 'waiting')` : tx``;
  const rows = await tx`
    with u as (
      update node_runs set ${itemEnded(tx, outcome, cost)}
      where run_id = ${p.runId} and node_id = ${p.nodeId} and item = ${p.item} and status not in ${tx(TERMINAL)} ${live}
      returning *
    )
    select duration_ms as "durationMs", ${notifyNodeRow(tx)} from u`;
  return rows.length > 0;
}

/** The SET list of a node_runs row whose item just ended: outcome, cost, timing, nothing reserved. */
function itemEnded(tx: Tx, outcome: ItemOutcome, cost: ItemCost) {
  const output = outcome.status === "succeeded" || outcome.status === "cached" ? outcome.output : null;
  const error = "error" in outcome ? (outcome.error ?? null) : null;
  return tx`
    status = ${outcome.status},
    output = ${toJsonb(output)}::jsonb,
    error = ${toJsonb(error)}::jsonb,
    cost_usd = cost_usd + ${cost.costUsd},
    cost_breakdown = cost_breakdown || ${JSON.stringify(cost.costBreakdown)}::jsonb,
    reserved_usd = 0,
    progress = case when ${outcome.status} in ('succeeded', 'cached') then 1 else progress end,
    finished_at = now(),
    duration_ms = (extract(epoch from now() - coalesce(attempt_started_at, started_at, queued_at, now())) * 1000)::bigint,
    attempt_log = ${attemptEnded(tx, outcome.status)},
    attempt_started_at = null`;
}

/**
 * attempt_log with the current attempt appended as ended now (`outcome`), if one is under way.
 * Each attempt keeps its own start, so a crash's dead time is never counted as work.
 */
function attemptEnded(q: Queryable, outcome: string) {
  return q`case when attempt_started_at is null then attempt_log
    else attempt_log || jsonb_build_array(jsonb_build_object('attempt', attempts, 'stage', stage, 'startedAt', to_jsonb(attempt_started_at), 'endedAt', to_jsonb(now()), 'outcome', ${outcome}::text)) end`;
}

/**
 * Publish the current state of node items (all of a node's items when `item` is null) in one
 * statement: the event is built from the row itself, so it always matches what was committed.
 * `status` overrides the row (for a node reset to pending, whose rows are gone).
 */
export async function publishNode(tx: Tx, runId: string, nodeId: string, item: string | null, status?: NodeRunStatus): Promise<void> {
  if (status === "pending") {
    await publish(tx, { kind: "node", runId, nodeId, item: item ?? "", status, progress: 0, attempts: 0, costUsd: 0, durationMs: null, at: nowIso() });
    return;
  }
  await tx`
    select ${notifyNodeRow(tx)}
    from node_runs
    where run_id = ${runId} and node_id = ${nodeId} and (${item}::text is null or item = ${item}::text)`;
}
