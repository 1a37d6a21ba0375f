/** Starting, reading, canceling and retrying runs: what the API, CLI and triggers call. */
import type { Sql } from "../db/index.js";
import type { NodeRegistry } from "../nodes/registry.js";
import type { CompileError, GraphDocument, NodeRunView, RunError, RunView } from "../schemas/index.js";
import { compile } from "./compile.js";
import { remember, loadPlan } from "./plan-cache.js";
import { finishItem, resetFrom, startRun } from "./scheduler.js";
import { createRun, haltRun, lockRun, settleRun, type ItemOutcome } from "./transitions.js";
import { iso } from "../lib/time.js";
import { scopeWorkspace, systemScope, type Scope } from "../lib/scope.js";

export class RunInputError extends Error {
  constructor(
    message: string,
    readonly errors: CompileError[],
  ) {
    super(message);
  }
}

export interface StartRunOptions {
  document: unknown;
  graphId?: string | null;
  versionId?: string | null;
  budgetUsd?: number | null;
  /** Per-node config overrides for this run (manual inputs, trigger payloads). */
  overrides?: Record<string, Record<string, unknown>>;
  trigger?: Record<string, unknown> | null;
  /**
   * The workspace the run belongs to (whose secrets, default budget and daily cap apply). Omitted:
   * the saved graph's workspace, else the default workspace.
   */
  workspaceId?: string | null;
}

/** Compile the snapshot and start it. Throws RunInputError (with every compile error) when it cannot run. */
export async function startRunFromDocument(sql: Sql, registry: NodeRegistry, o: StartRunOptions): Promise<{ runId: string; document: GraphDocument }> {
  const doc = applyOverrides(o.document, o.overrides);
  const result = compile(doc, registry);
  if (!result.ok) throw new RunInputError(`the graph has ${result.errors.length} error(s)`, result.errors);
  const { plan, document } = result;
  const budget = o.budgetUsd ?? document.settings?.budgetUsd ?? null;
  const runId = await sql.begin(async (tx) => {
    const id = await createRun(tx, {
      graphId: o.graphId ?? null,
      versionId: o.versionId ?? null,
      workspaceId: o.workspaceId ?? null,
      name: document.name,
      document,
      plan,
      budgetUsd: budget,
      concurrency: document.settings?.concurrency ?? 0,
      trigger: o.trigger ?? null,
    });
    await startRun(tx, id, plan);
    return id;
  });
  remember(runId, plan);
  return { runId, document };
}

function applyOverrides(doc: unknown, overrides?: Record<string, Record<string, unknown>>): unknown {
  if (!overrides || !doc || typeof doc !== "object") return doc;
  const d = doc as { nodes?: { id: string; config?: Record<string, unknown> }[] };
  const unknownIds = Object.keys(overrides).filter((id) => !d.nodes?.some((n) => n.id === id));
  if (unknownIds.length) {
    throw new RunInputError(`overrides name unknown node(s): ${unknownIds.join(", ")}`, unknownIds.map((id) => ({ code: "UNKNOWN_NODE", message: `no node "${id}" to override`, nodeId: id })));
  }
  return { ...d, nodes: d.nodes?.map((n) => (overrides[n.id] ? { ...n, config: { ...n.config, ...overrides[n.id] } } : n)) };
}

/** Cancel a run: false when it already finished, or when it is not in the scope's workspace (nothing changes). */
export async function cancelRun(sql: Sql, runId: string, scope: Scope): Promise<boolean> {
  if (!(await runInScope(sql, runId, scope))) return false;
  return sql.begin(async (tx) => {
    await lockRun(tx, runId);
    return haltRun(tx, runId, "canceled", { code: "CANCELED", message: "canceled by request" });
  });
}

/**
 * Run a node again (all its items) and everything downstream of it, within the same run. False,
 * and nothing reset, for a run not in the scope's workspace.
 */
export async function retryNode(sql: Sql, runId: string, nodeId: string, scope: Scope, patch?: Record<string, unknown>): Promise<boolean> {
  if (!(await runInScope(sql, runId, scope))) return false;
  const plan = await loadPlan(sql, runId);
  if (!plan.nodes[nodeId]) throw new RunInputError(`run has no node "${nodeId}"`, [{ code: "UNKNOWN_NODE", message: `no node "${nodeId}"`, nodeId }]);
  await sql.begin((tx) => resetFrom(tx, plan, runId, [nodeId], patch ? { [nodeId]: patch } : {}));
  return true;
}

/** Whether the run exists in the scope's workspace (any workspace for a system scope). */
async function runInScope(sql: Sql, runId: string, scope: Scope): Promise<boolean> {
  const ws = scopeWorkspace(scope);
  const [row] = await sql`select 1 from runs where id = ${runId} and (${ws}::uuid is null or workspace_id = ${ws}::uuid)`;
  return Boolean(row);
}

/**
 * End a `waiting` item (a human review decision, a deadline's default action). Runs the same
 * transition as a finished job: output stored, dependents released, in one transaction.
 */
export async function resolveWaitingItem(sql: Sql, runId: string, nodeId: string, item: string, outcome: ItemOutcome): Promise<boolean> {
  const plan = await loadPlan(sql, runId);
  return sql.begin(async (tx) => {
    const run = await lockRun(tx, runId);
    const [row] = await tx`select 1 from node_runs where run_id = ${runId} and node_id = ${nodeId} and item = ${item} and status = 'waiting' for update`;
    if (!row) return false;
    const done = await finishItem(tx, run, plan, { nodeId, item }, outcome);
    await settleRun(tx, runId);
    return done;
  });
}

/** A run with its node executions; null for a run of another workspace than the scope's. */
export async function getRun(sql: Sql, runId: string, scope: Scope): Promise<RunView | null> {
  const ws = scopeWorkspace(scope);
  const [run] = await sql`
    select id, graph_id, version_id, name, status, cost_usd, estimate_usd, budget_usd, error, created_at, started_at, finished_at
    from runs where id = ${runId} and (${ws}::uuid is null or workspace_id = ${ws}::uuid)`;
  if (!run) return null;
  const nodes = await sql`
    select node_id, item, status, attempts, progress, cost_usd, cost_breakdown, duration_ms, attempt_log, queued_at, started_at, finished_at, provider, output, error
    from node_runs where run_id = ${runId} order by id`;
  return {
    id: run.id,
    graphId: run.graph_id,
    versionId: run.version_id,
    name: run.name,
    status: run.status,
    costUsd: run.cost_usd,
    estimateUsd: run.estimate_usd,
    budgetUsd: run.budget_usd,
    createdAt: iso(run.created_at)!,
    startedAt: iso(run.started_at),
    finishedAt: iso(run.finished_at),
    error: run.error as RunError | null,
    nodes: nodes.map(
      (n): NodeRunView => ({
        nodeId: n.node_id,
        item: n.item,
        status: n.status,
        attempts: n.attempts,
        progress: n.progress,
        costUsd: n.cost_usd,
        costBreakdown: n.cost_breakdown,
        durationMs: n.duration_ms,
        attemptLog: n.attempt_log,
        queuedAt: iso(n.queued_at),
        startedAt: iso(n.started_at),
        finishedAt: iso(n.finished_at),
        provider: n.provider,
        output: n.output,
        error: n.error,
      }),
    ),
  };
}

export interface RunSummary {
  id: string;
  graphId: string | null;
  name: string;
  status: string;
  costUsd: number;
  estimateUsd: number;
  createdAt: string;
  finishedAt: string | null;
}

export async function listRuns(sql: Sql, scope: Scope, o: { graphId?: string; limit?: number; before?: string } = {}): Promise<RunSummary[]> {
  const ws = scopeWorkspace(scope);
  const rows = await sql`
    select id, graph_id, name, status, cost_usd, estimate_usd, created_at, finished_at from runs
    where (${o.graphId ?? null}::uuid is null or graph_id = ${o.graphId ?? null}::uuid)
      and (${ws}::uuid is null or workspace_id = ${ws}::uuid)
      and (${o.before ?? null}::timestamptz is null or created_at < ${o.before ?? null}::timestamptz)
    order by created_at desc limit ${Math.min(o.limit ?? 50, 500)}`;
  return rows.map((r) => ({
    id: r.id,
    graphId: r.graph_id,
    name: r.name,
    status: r.status,
    costUsd: r.cost_usd,
    estimateUsd: r.estimate_usd,
    createdAt: iso(r.created_at)!,
    finishedAt: iso(r.finished_at),
  }));
}

/** A run's log lines; none for a run of another workspace than the scope's. */
export async function getRunLogs(sql: Sql, runId: string, scope: Scope, o: { nodeId?: string; afterId?: number; limit?: number } = {}) {
  const ws = scopeWorkspace(scope);
  return sql<{ id: number; nodeId: string; item: string; level: string; message: string; at: string }[]>`
    select id, node_id as "nodeId", item, level, message, at from node_logs
    where run_id = ${runId}
      and (${ws}::uuid is null or exists (select 1 from runs where runs.id = node_logs.run_id and runs.workspace_id = ${ws}::uuid))
      and (${o.nodeId ?? null}::text is null or node_id = ${o.nodeId ?? null})
      and id > ${o.afterId ?? 0}
    order by id limit ${Math.min(o.limit ?? 500, 5000)}`;
}

/** Resolve when the run reaches a terminal (or waiting) status. Polls: for CLIs and tests, not hot paths. */
export async function waitForRun(sql: Sql, runId: string, o: { timeoutMs?: number; until?: string[] } = {}): Promise<RunView> {
  const until = o.until ?? ["succeeded", "failed", "canceled"];
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    const [r] = await sql<{ status: string }[]>`select status from runs where id = ${runId}`;
    if (r && until.includes(r.status)) return (await getRun(sql, runId, systemScope("waitForRun: the caller started or owns the run")))!;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${r?.status} after ${o.timeoutMs ?? 60_000} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
