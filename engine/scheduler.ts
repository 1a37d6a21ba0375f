/**
 * When each transition happens: a run starts its root nodes, a node whose dependencies are done is
 * split into items (fan-out) and queued, an ended item may close its node, a closed node releases
 * its dependents, and a retry resets a subgraph. Every function here runs inside the caller's
 * transaction, so finishing a node, storing its output and enqueueing the dependents that became
 * ready commit together: a crash never loses or duplicates a step. The writes themselves (status,
 * counters, timestamps, events) are engine/transitions.ts's.
 */
import type { Tx } from "../db/index.js";
import { toJsonb } from "../db/index.js";
import type { NodeRunStatus, RunError } from "../schemas/index.js";
import type { Plan } from "./compile.js";
import { publish, nowIso } from "./events.js";
import { FanOutError, gatherOutputs, planItems } from "./fanout.js";
import { cacheKeyOf } from "./hash.js";
import { enqueueNodeJobs, queueNameOf } from "./jobs.js";
import {
  addRunCost,
  closeNodeUnrun,
  countItemDone,
  countOffDependency,
  createItems,
  createNodes,
  dropItems,
  endItem,
  finishNode,
  lockRun,
  openNode,
  reopenRun,
  resetNode,
  settleRun,
  TERMINAL,
  type ItemCost,
  type ItemOutcome,
  type NewItem,
  type RunRow,
} from "./transitions.js";

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
  await createNodes(tx, runId, plan);
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
  const items_ = items.map((it): NewItem => ({
    item: it.item,
    status: it.skipped ? "skipped" : "queued",
    inputs: it.skipped ? null : it.inputs,
    cache_key: !it.skipped && node.cacheable ? cacheKeyOf(run.workspaceId, node.type, node.version, config, it.inputs) : null,
  }));
  // Insert the items and publish each one's event in the same statement; the node's row and the
  // jobs go in the same round trip (pipelined).
  const inserts = createItems(tx, run.id, nodeId, items_);
  const skipped = items.filter((i) => i.skipped).length;
  const queued = items.filter((i) => !i.skipped);
  await Promise.all([
    ...inserts,
    openNode(tx, run.id, nodeId, items.length, skipped),
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
  await closeNodeUnrun(tx, run.id, nodeId, status, items);
  await releaseDependents(tx, run, plan, nodeId);
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
  if (!(await endItem(tx, { runId: run.id, ...key }, outcome, cost))) return false;
  const [node] = await Promise.all([countItemDone(tx, run.id, key.nodeId), addRunCost(tx, run.id, cost.costUsd), recordMedia(tx, run.id, output)]);
  // A node closed by cancel/halt has nothing left to release.
  if (node && !TERMINAL.includes(node.status) && node.itemsDone >= node.itemsTotal) {
    // An unmapped node's only item is this one: no need to read it back.
    const only = plan.nodes[key.nodeId].mapDepth === 0 && node.itemsTotal === 1 ? { item: key.item, status: outcome.status, output } : undefined;
    await finalizeNode(tx, run, plan, key.nodeId, only);
  }
  return true;
}

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
    endItem(tx, { runId, nodeId, item: "" }, outcome, cost, { onlyWhileLive: true }),
    finishNode(tx, runId, nodeId, outcome.status, gathered, { countItem: true, guard: mine }),
    node.dependents.length ? countOffDependency(tx, runId, node.dependents, mine) : Promise.resolve([]),
    addRunCost(tx, runId, cost.costUsd, mine),
    recordMedia(tx, runId, outcome.output),
    ...alongside(),
  ]);
  if (!finished) return false;
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

/** Every item has ended: gather outputs, decide the node's status and release its dependents. */
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
  await releaseDependents(tx, run, plan, nodeId, finishNode(tx, run.id, nodeId, status, output));
}

/**
 * Count the node off in each dependent, expanding those that became ready. `alongside` is a
 * statement of the caller's that may run in the same round trip (pipelined).
 */
async function releaseDependents(tx: Tx, run: RunRow, plan: Plan, nodeId: string, alongside?: Promise<unknown>): Promise<void> {
  const dependents = plan.nodes[nodeId].dependents;
  let queuedWork = false;
  if (dependents.length > 0) {
    const [ready] = await Promise.all([countOffDependency(tx, run.id, dependents), alongside]);
    for (const r of ready) {
      if (r.pendingDeps === 0 && (await expandNode(tx, run, plan, r.nodeId))) queuedWork = true;
    }
  } else {
    await alongside;
  }
  // With new work queued the run can be neither finished nor only waiting: nothing to settle.
  if (!queuedWork) await settleRun(tx, run.id);
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
  await dropItems(tx, runId, ids);
  const statuses = await tx<{ nodeId: string; status: string }[]>`
    select node_id as "nodeId", status from run_nodes where run_id = ${runId}`;
  const done = new Set(statuses.filter((s) => TERMINAL.includes(s.status) && !reset.has(s.nodeId)).map((s) => s.nodeId));
  for (const id of ids) {
    const pending = plan.nodes[id].deps.filter((d) => reset.has(d) || !done.has(d)).length;
    const patch = patches[id] ?? null;
    await resetNode(tx, runId, id, pending, patch);
  }
  await reopenRun(tx, run);
  for (const id of ids) {
    const [r] = await tx<{ pendingDeps: number }[]>`select pending_deps as "pendingDeps" from run_nodes where run_id = ${runId} and node_id = ${id}`;
    if (r.pendingDeps === 0) await expandNode(tx, run, plan, id);
  }
}
