/**
 * The run state machine. Every function here runs inside the caller's transaction, so finishing a
 * node, storing its output and enqueueing the dependents that became ready commit together: a
 * crash never loses or duplicates a step.
 *
 * Lock order (to stay deadlock-free): the `runs` row first, then node_runs, then run_nodes.
 */
import type { Queryable, Tx } from "../db/index.js";
import { toJsonb } from "../db/index.js";
import type { CostItem, NodeRunStatus, RunError, RunStatus } from "../schemas/index.js";
import type { Plan } from "./compile.js";
import { notifyNodeRow, publish, nowIso } from "./events.js";
import { FanOutError, gatherOutputs, planItems } from "./fanout.js";
import { cacheKeyOf } from "./hash.js";
import { enqueueNodeJobs, jobKeySql, queueNameOf, removeNodeJobs } from "./jobs.js";

const TERMINAL = ["cached", "succeeded", "failed", "skipped", "canceled"];

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

/** Lock the run row (every transition starts here, see lock order above). */
export async function lockRun(tx: Tx, runId: string): Promise<RunRow & { budgetUsd: number | null; costUsd: number }> {
  const [run] = await tx<(RunRow & { budgetUsd: number | null; costUsd: number })[]>`
    select id, status, budget_usd as "budgetUsd", cost_usd as "costUsd",
           nullif(concurrency, 0) as concurrency, workspace_id as "workspaceId"
    from runs where id = ${runId} for update`;
  if (!run) throw new Error(`run ${runId} does not exist`);
  return run;
}

/**
 * Record that the run's workspace may read every blob an output names (media refs carry `hash`
 * and `thumbnail`), so /media can answer per workspace.
 */
export function recordMedia(tx: Tx, runId: string, output: unknown): Promise<unknown> | null {
  if (output === null || output === undefined || !JSON.stringify(output).includes('"hash"')) return null;
  return tx`
    insert into media_workspaces (hash, workspace_id)
    select distinct h.v #>> '{}', r.workspace_id
    from runs r,
      lateral (select jsonb_path_query(${toJsonb(output)}::jsonb, 'strict $.**.hash') as v
               union all select jsonb_path_query(${toJsonb(output)}::jsonb, 'strict $.**.thumbnail')) h
    where r.id = ${runId} and r.workspace_id is not null and jsonb_typeof(h.v) = 'string' and (h.v #>> '{}') ~ '^[a-f0-9]{64}$'
    on conflict do nothing`;
}

/** Create the run's node rows and start its root nodes. The run row must exist. */
export async function startRun(tx: Tx, runId: string, plan: Plan): Promise<void> {
  const rows = plan.order.map((id) => ({ run_id: runId, node_id: id, pending_deps: plan.dependencyCounts[id], status: "pending" }));
  for (let i = 0; i < rows.length; i += 1000) {
    await tx`insert into run_nodes ${tx(rows.slice(i, i + 1000), "run_id", "node_id", "pending_deps", "status")}`;
  }
  const run = await lockRun(tx, runId);
  await publish(tx, { kind: "run", runId, status: run.status, costUsd: 0, at: nowIso() });
  for (const id of plan.order) {
    if (plan.dependencyCounts[id] === 0) await expandNode(tx, run, plan, id);
  }
  if (plan.order.length === 0) await settleRun(tx, runId);
}

/** All upstream nodes are done: split the node into items and enqueue them (or skip it). */
/** Returns true when items were queued (the run has work in flight). */
type Upstream = { nodeId: string; status: string; output: Record<string, unknown> | null };

/**
 * `known`: the caller already holds every upstream output and this node's config patch (a node
 * whose only dependency just finished), so nothing needs reading back.
 */
export async function expandNode(
  tx: Tx,
  run: RunRow,
  plan: Plan,
  nodeId: string,
  known?: { upstream: Upstream[]; patch: Record<string, unknown> | null },
): Promise<boolean> {
  const node = plan.nodes[nodeId];
  let upstream: Upstream[];
  let patch: Record<string, unknown> | null;
  if (known) {
    ({ upstream, patch } = known);
  } else {
    // The upstream outputs, and this node's own config patch (for the cache key), in one read.
    const rows = await tx<(Upstream & { patch: Record<string, unknown> | null })[]>`
      select node_id as "nodeId", status, case when node_id = ${nodeId} then null else output end as output, config_patch as patch
      from run_nodes where run_id = ${run.id} and node_id in ${tx([...node.deps, nodeId])}`;
    upstream = rows.filter((r) => r.nodeId !== nodeId);
    patch = rows.find((r) => r.nodeId === nodeId)?.patch ?? null;
  }
  if (run.status === "canceled" || run.status === "failed") {
    await closeNode(tx, run, plan, nodeId, "canceled", []);
    return false;
  }
  const blocked = upstream.find((u) => u.status === "failed" || u.status === "skipped" || u.status === "canceled");
  if (blocked) {
    const why: RunError = { code: "UPSTREAM_NOT_COMPLETED", message: `skipped because "${blocked.nodeId}" ${blocked.status === "failed" ? "failed" : `was ${blocked.status}`}` };
    await closeNode(tx, run, plan, nodeId, "skipped", [{ item: "", status: "skipped", error: why }]);
    return false;
  }
  let items;
  try {
    items = planItems(node, Object.fromEntries(upstream.map((u) => [u.nodeId, u.output])));
  } catch (err) {
    if (!(err instanceof FanOutError)) throw err;
    const error: RunError = { code: "FAN_OUT_MISMATCH", message: err.message, details: { port: err.port } };
    await closeNode(tx, run, plan, nodeId, "failed", [{ item: "", status: "failed", error }]);
    return false;
  }
  // The cache key is known now (config + inputs), so claiming an item can look the cache up in the same read.
  const config = { ...node.config, ...(patch ?? {}) };
  const items_ = items.map((it) => ({
    item: it.item,
    status: it.skipped ? "skipped" : "queued",
    inputs: it.skipped ? null : it.inputs,
    cache_key: !it.skipped && node.cacheable ? cacheKeyOf(run.workspaceId, node.type, node.version, config, it.inputs) : null,
  }));
  // Insert the items and publish each one's event in the same statement; the node's row and the
  // jobs go in the same round trip (pipelined).
  const inserts: Promise<unknown>[] = [];
  for (let i = 0; i < items_.length; i += 500) {
    inserts.push(tx`
      with ins as (
        insert into node_runs (run_id, node_id, item, status, inputs, cache_key, queued_at, finished_at)
        select ${run.id}, ${nodeId}, r.item, r.status, r.inputs, r.cache_key, now(), case when r.status = 'skipped' then now() end
        from jsonb_to_recordset(${JSON.stringify(items_.slice(i, i + 500))}::jsonb) as r(item text, status text, inputs jsonb, cache_key text)
        returning *
      )
      select ${notifyNodeRow(tx)} from ins`);
  }
  const skipped = items.filter((i) => i.skipped).length;
  const queued = items.filter((i) => !i.skipped);
  await Promise.all([
    ...inserts,
    tx`update run_nodes set status = 'running', items_total = ${items.length}, items_done = ${skipped}
       where run_id = ${run.id} and node_id = ${nodeId}`,
    enqueueNodeJobs(
      tx,
      queued.map((it, slot) => ({ runId: run.id, nodeId, item: it.item, queueName: queueNameOf(run.id, run.concurrency, slot) })),
    ),
  ]);
  if (queued.length === 0) {
    await finalizeNode(tx, run, plan, nodeId);
    return false;
  }
  return true;
}

/** Close a node without running it (skipped/canceled/failed before any item ran). */
async function closeNode(
  tx: Tx,
  run: RunRow,
  plan: Plan,
  nodeId: string,
  status: NodeRunStatus,
  items: { item: string; status: NodeRunStatus; error?: RunError }[],
): Promise<void> {
  for (const it of items) {
    await tx`insert into node_runs (run_id, node_id, item, status, error, finished_at)
             values (${run.id}, ${nodeId}, ${it.item}, ${it.status}, ${toJsonb((it.error ?? null))}::jsonb, now())
             on conflict (run_id, node_id, item) do nothing`;
    await publishNode(tx, run.id, nodeId, it.item, it.status);
  }
  await tx`update run_nodes set status = ${status}, items_total = ${items.length}, items_done = ${items.length}
           where run_id = ${run.id} and node_id = ${nodeId}`;
  await releaseDependents(tx, run, plan, nodeId);
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
export function attemptEnded(q: Queryable, outcome: string) {
  return q`case when attempt_started_at is null then attempt_log
    else attempt_log || jsonb_build_array(jsonb_build_object('attempt', attempts, 'stage', stage, 'startedAt', to_jsonb(attempt_started_at), 'endedAt', to_jsonb(now()), 'outcome', ${outcome}::text)) end`;
}

/**
 * Record how one item ended. Returns false when it had already ended (a re-delivered job):
 * at-least-once job delivery becomes exactly-once state changes.
 */
export async function finishItem(
  tx: Tx,
  run: RunRow,
  plan: Plan,
  key: { nodeId: string; item: string },
  outcome: ItemOutcome,
  cost: ItemCost = { costUsd: 0, costBreakdown: [] },
): Promise<boolean> {
  const output = outcome.status === "succeeded" || outcome.status === "cached" ? outcome.output : null;
  const [row] = await tx<{ durationMs: number | null }[]>`
    with u as (
      update node_runs set ${itemEnded(tx, outcome, cost)}
      where run_id = ${run.id} and node_id = ${key.nodeId} and item = ${key.item} and status not in ${tx(TERMINAL)}
      returning *
    )
    select duration_ms as "durationMs", ${notifyNodeRow(tx)} from u`;
  if (!row) return false;
  const [[node]] = await Promise.all([
    tx<{ status: string; itemsDone: number; itemsTotal: number }[]>`
      update run_nodes set items_done = items_done + 1
      where run_id = ${run.id} and node_id = ${key.nodeId}
      returning status, items_done as "itemsDone", items_total as "itemsTotal"`,
    cost.costUsd > 0 ? tx`update runs set cost_usd = cost_usd + ${cost.costUsd} where id = ${run.id}` : null,
    recordMedia(tx, run.id, output),
  ]);
  // A node closed by cancel/halt has nothing left to release.
  if (node && !TERMINAL.includes(node.status) && node.itemsDone >= node.itemsTotal) {
    // An unmapped node's only item is this one: no need to read it back.
    const only = plan.nodes[key.nodeId].mapDepth === 0 && node.itemsTotal === 1 ? { item: key.item, status: outcome.status, output } : undefined;
    await finalizeNode(tx, run, plan, key.nodeId, only);
  }
  return true;
}

/** Every item has ended: gather outputs, decide the node's status and release its dependents. */
/**
 * The hot path for an unmapped node whose single item succeeded: lock the run, record the item,
 * close the node and count it off in its dependents, all pipelined in one round trip; then expand
 * the dependents that became ready without reading back what we already hold.
 *
 * Every statement after the lock is guarded by "this transaction finished the item" (finished_at =
 * now(), the transaction's timestamp), so a re-delivered job or a canceled run changes nothing and
 * false is returned: the caller then takes the general path.
 */
export async function finishOnlyItem(
  tx: Tx,
  runId: string,
  plan: Plan,
  nodeId: string,
  outcome: { status: "succeeded" | "cached"; output: Record<string, unknown> },
  cost: ItemCost,
  /** More statements for the same round trip, issued after the run lock (lock order). */
  alongside: () => Promise<unknown>[] = () => [],
): Promise<boolean> {
  const node = plan.nodes[nodeId];
  const gathered = gatherOutputs(node, [{ item: "", output: outcome.output, ok: true }]);
  const mine = tx`exists (select 1 from node_runs where run_id = ${runId} and node_id = ${nodeId} and item = '' and status = ${outcome.status} and finished_at = now())`;
  const [run, finished, , released] = await Promise.all([
    lockRun(tx, runId),
    tx<{ durationMs: number | null }[]>`
      with u as (
        update node_runs set ${itemEnded(tx, outcome, cost)}
        where run_id = ${runId} and node_id = ${nodeId} and item = '' and status not in ${tx(TERMINAL)}
          and (select status from runs where id = ${runId}) in ('running', 'waiting')
        returning *
      )
      select duration_ms as "durationMs", ${notifyNodeRow(tx)} from u`,
    tx`update run_nodes set items_done = items_done + 1, status = ${outcome.status}, output = ${toJsonb(gathered)}::jsonb
       where run_id = ${runId} and node_id = ${nodeId} and ${mine}`,
    node.dependents.length
      ? tx<{ nodeId: string; pendingDeps: number; patch: Record<string, unknown> | null }[]>`
          update run_nodes set pending_deps = pending_deps - 1
          where run_id = ${runId} and node_id in ${tx(node.dependents)} and status = 'pending' and ${mine}
          returning node_id as "nodeId", pending_deps as "pendingDeps", config_patch as patch`
      : Promise.resolve([]),
    cost.costUsd > 0 ? tx`update runs set cost_usd = cost_usd + ${cost.costUsd} where id = ${runId} and ${mine}` : null,
    recordMedia(tx, runId, outcome.output),
    ...alongside(),
  ]);
  if (finished.length === 0) return false;
  let queuedWork = false;
  for (const r of released) {
    if (r.pendingDeps !== 0) continue;
    const deps = plan.nodes[r.nodeId].deps;
    const known = deps.length === 1 && deps[0] === nodeId ? { upstream: [{ nodeId, status: outcome.status, output: gathered }], patch: r.patch } : undefined;
    if (await expandNode(tx, run, plan, r.nodeId, known)) queuedWork = true;
  }
  if (!queuedWork) await settleRun(tx, runId);
  return true;
}

type ItemState = { item: string; status: NodeRunStatus; output: Record<string, unknown> | null };

export async function finalizeNode(tx: Tx, run: RunRow, plan: Plan, nodeId: string, only?: ItemState): Promise<void> {
  const node = plan.nodes[nodeId];
  const items = only
    ? [only]
    : await tx<ItemState[]>`select item, status, output from node_runs where run_id = ${run.id} and node_id = ${nodeId} order by id`;
  const statuses = new Set(items.map((i) => i.status));
  const status: NodeRunStatus = statuses.has("failed")
    ? "failed"
    : statuses.has("canceled")
      ? "canceled"
      : items.length > 0 && items.every((i) => i.status === "skipped")
        ? "skipped"
        : items.length > 0 && items.every((i) => i.status === "cached")
          ? "cached"
          : "succeeded";
  const output = gatherOutputs(
    node,
    items.map((i) => ({ item: i.item, output: i.output, ok: i.status === "succeeded" || i.status === "cached" })),
  );
  await releaseDependents(tx, run, plan, nodeId, tx`update run_nodes set status = ${status}, output = ${toJsonb(output)}::jsonb where run_id = ${run.id} and node_id = ${nodeId}`);
}

/**
 * Count the node off in each dependent, expanding those that became ready. `alongside` is a
 * statement of the caller's that may run in the same round trip (pipelined).
 */
async function releaseDependents(tx: Tx, run: RunRow, plan: Plan, nodeId: string, alongside?: Promise<unknown>): Promise<void> {
  const dependents = plan.nodes[nodeId].dependents;
  let queuedWork = false;
  if (dependents.length > 0) {
    const [ready] = await Promise.all([
      tx<{ nodeId: string; pendingDeps: number }[]>`
        update run_nodes set pending_deps = pending_deps - 1
        where run_id = ${run.id} and node_id in ${tx(dependents)} and status = 'pending'
        returning node_id as "nodeId", pending_deps as "pendingDeps"`,
      alongside,
    ]);
    for (const r of ready) {
      if (r.pendingDeps === 0 && (await expandNode(tx, run, plan, r.nodeId))) queuedWork = true;
    }
  } else {
    await alongside;
  }
  // With new work queued the run can be neither finished nor only waiting: nothing to settle.
  if (!queuedWork) await settleRun(tx, run.id);
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
 * Run `roots` (and everything downstream of them) again within the same run: retry of a failed
 * node, or a review's "revise" sending notes back upstream. `patches` merge into node configs.
 */
export async function resetFrom(tx: Tx, plan: Plan, runId: string, roots: string[], patches: Record<string, Record<string, unknown>> = {}): Promise<void> {
  const run = await lockRun(tx, runId);
  const reset = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (reset.has(id)) continue;
    reset.add(id);
    stack.push(...plan.nodes[id].dependents);
  }
  const ids = [...reset];
  const removed = await tx<{ nodeId: string; item: string }[]>`
    delete from node_runs where run_id = ${runId} and node_id in ${tx(ids)} returning node_id as "nodeId", item`;
  await removeNodeJobs(tx, removed.map((r) => ({ runId, ...r })));
  const statuses = await tx<{ nodeId: string; status: string }[]>`
    select node_id as "nodeId", status from run_nodes where run_id = ${runId}`;
  const done = new Set(statuses.filter((s) => TERMINAL.includes(s.status) && !reset.has(s.nodeId)).map((s) => s.nodeId));
  for (const id of ids) {
    const pending = plan.nodes[id].deps.filter((d) => reset.has(d) || !done.has(d)).length;
    const patch = patches[id] ?? null;
    await tx`update run_nodes set status = 'pending', output = null, items_total = null, items_done = 0,
             pending_deps = ${pending}, config_patch = coalesce(${toJsonb(patch)}::jsonb, config_patch)
             where run_id = ${runId} and node_id = ${id}`;
    await publishNode(tx, runId, id, "", "pending");
  }
  await tx`update runs set status = 'running', finished_at = null, error = null where id = ${runId}`;
  run.status = "running";
  await publish(tx, { kind: "run", runId, status: "running", costUsd: run.costUsd, at: nowIso() });
  for (const id of ids) {
    const [r] = await tx<{ pendingDeps: number }[]>`select pending_deps as "pendingDeps" from run_nodes where run_id = ${runId} and node_id = ${id}`;
    if (r.pendingDeps === 0) await expandNode(tx, run, plan, id);
  }
}

/**
 * Publish the current state of node items (all of a node's items when `items` is omitted) in one
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
