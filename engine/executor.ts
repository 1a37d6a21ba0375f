/**
 * The graphile-worker task that executes one node item: claim it (cache, budget), run the node,
 * then record the outcome and release dependents in one transaction. Every state change is a
 * named transition (engine/transitions.ts); what follows an ended item is engine/scheduler.ts's.
 */
import { rm } from "node:fs/promises";
import type { Task } from "graphile-worker";
import type { Sql, Tx } from "../db/index.js";
import { toJsonb } from "../db/index.js";
import type { NodeRegistry } from "../nodes/registry.js";
import type { ProviderFactory } from "../nodes/providers/index.js";
import {
  declaredSecretReader,
  declaredSecrets,
  DEFAULT_NODE_TIMEOUT_MS,
  isSuspension,
  PermanentNodeError,
  type LogLevel,
  type MediaStorage,
  type NodeContext,
  type NodeDefinition,
  type NodeOutputs,
  type SecretReader,
} from "../nodes/contract.js";
import type { CostItem, RunError } from "../schemas/index.js";
import type { AbortRegistry } from "./aborts.js";
import type { Plan, PlanNode } from "./compile.js";
import { nowIso, publish } from "./events.js";
import { filesForRun } from "./files.js";
import { parseInputs, type PortValueIssue } from "../nodes/inputs.js";
import { outboundRequest } from "../lib/net/index.js";
import type { NodeJobPayload } from "./jobs.js";
import { loadPlan } from "./plan-cache.js";
import { finishItem, finishOnlyItem } from "./scheduler.js";
import {
  checkpointItem,
  haltOnLimit,
  lockRun,
  reportProgress,
  requeueItem,
  settleRun,
  startCachedItem,
  startItem,
  suspendItem,
  type ItemOutcome,
  type RunRow,
  type Started,
} from "./transitions.js";
import { trackingSecrets } from "./secrets.js";
import { checkDailyCap } from "./spend-limits.js";
import type { ProviderLimits } from "./limits.js";

export type { ProviderFactory };

export interface ExecutorDeps {
  sql: Sql;
  registry: NodeRegistry;
  storage: MediaStorage;
  providers: ProviderFactory;
  /** Secrets for a run (workspace secrets, then the environment). */
  secretsFor: (runId: string) => SecretReader | Promise<SecretReader>;
  aborts: AbortRegistry;
  limits: ProviderLimits;
}

interface Claim {
  run: RunRow;
  plan: Plan;
  node: PlanNode;
  def: NodeDefinition;
  config: Record<string, unknown>;
  chain: Record<string, unknown>[];
  stage: number;
  attempt: number;
  /** What the node checkpointed in an earlier attempt (ctx.resumeState). */
  resumeState: Record<string, unknown> | null;
  inputs: Record<string, unknown>;
  cacheKey: string | null;
}

const PROGRESS_EVERY_MS = 250;

export function createNodeTask(deps: ExecutorDeps): Task {
  return async (rawPayload) => {
    const payload = rawPayload as NodeJobPayload;
    const plan = await loadPlan(deps.sql, payload.runId);
    const claim = await claimItem(deps, plan, payload);
    if (!claim) return;
    await execute(deps, claim, payload);
  };
}

interface ItemRow {
  status: string;
  stage: number;
  inputs: Record<string, unknown> | null;
  patch: Record<string, unknown> | null;
  runStatus: string;
  budgetUsd: number | null;
  concurrency: number | null;
  workspaceId: string | null;
  /** Computed when the item was created (node type + version + config + inputs). */
  cacheKey: string | null;
  cachedOutput: Record<string, unknown> | null;
}

/**
 * Decide whether the item runs now: already done, canceled, served from cache, over budget, or
 * claimed. The common case (unpaid, not cached) is one read and one guarded update, with no
 * transaction and no run lock: this is the hot path of every step.
 */
async function claimItem(deps: ExecutorDeps, plan: Plan, p: NodeJobPayload): Promise<Claim | null> {
  const { sql } = deps;
  const [row] = await sql<ItemRow[]>`
    select nr.status, nr.stage, nr.inputs, nr.cache_key as "cacheKey", ce.output as "cachedOutput",
           rn.config_patch as patch, r.status as "runStatus", r.budget_usd as "budgetUsd",
           nullif(r.concurrency, 0) as concurrency, r.workspace_id as "workspaceId"
    from node_runs nr
    join run_nodes rn on rn.run_id = nr.run_id and rn.node_id = nr.node_id
    join runs r on r.id = nr.run_id
    left join cache_entries ce on ce.key = nr.cache_key
    where nr.run_id = ${p.runId} and nr.node_id = ${p.nodeId} and nr.item = ${p.item}`;
  // Gone (reset) or already ended or paused: a re-delivered job has nothing to do.
  if (!row || (row.status !== "queued" && row.status !== "running")) return null;
  const finishNow = (outcome: ItemOutcome, before?: (tx: Tx) => Promise<unknown>) =>
    sql.begin(async (tx) => {
      const run = await lockRun(tx, p.runId);
      await before?.(tx);
      await finishItem(tx, run, plan, p, outcome);
    });
  if (row.runStatus === "canceled" || row.runStatus === "failed") {
    await finishNow({ status: "canceled" });
    return null;
  }
  const node = plan.nodes[p.nodeId];
  const def = deps.registry.get(node.type);
  if (!def) {
    await finishNow({ status: "failed", error: { code: "UNKNOWN_NODE_TYPE", message: `this worker does not know node type "${node.type}"` } });
    return null;
  }
  const config = { ...node.config, ...(row.patch ?? {}) };
  const chain = (def.fallbacks ? def.fallbacks(config) : [config]) as Record<string, unknown>[];
  const stage = Math.min(row.stage, chain.length - 1);
  const stageConfig = chain[stage];

  const cacheKey = row.cacheKey;
  if (cacheKey && row.cachedOutput) {
    await finishNow({ status: "cached", output: row.cachedOutput }, (tx) => startCachedItem(tx, p, cacheKey));
    return null;
  }

  // Every input against its port's schema, once, before anything is spent on the item: a wrong
  // value is a wiring or upstream mistake that no retry or fallback fixes.
  const parsed = parseInputs(def.inputs, row.inputs ?? {});
  if (!parsed.ok) {
    await finishNow({ status: "failed", error: portValueError(p, node.type, parsed.issues) });
    return null;
  }
  const inputs = parsed.inputs;

  const paid = def.paid ? def.paid(stageConfig) : false;
  const reserve = paid ? def.estimate(stageConfig).usd : 0;
  const provider = def.providerOf?.(stageConfig) ?? null;
  let attempt: Started | null;
  let runRow: RunRow;
  if (paid || row.runStatus !== "running") {
    // Budget and daily-cap checks (and waking a waiting run) need the run lock: spent + reserved + this must fit.
    const r = await sql.begin(async (tx) => {
      const run = await lockRun(tx, p.runId);
      if (run.status === "canceled" || run.status === "failed") {
        await finishItem(tx, run, plan, p, { status: "canceled" });
        return { run, attempt: null };
      }
      if (paid && run.budgetUsd !== null) {
        const [{ reserved }] = await tx<{ reserved: number }[]>`
          select coalesce(sum(reserved_usd), 0)::float8 as reserved from node_runs where run_id = ${p.runId} and status = 'running'`;
        if (run.costUsd + reserved + reserve > run.budgetUsd + 1e-9) {
          await haltOnLimit(tx, p, budgetError(p, { budgetUsd: run.budgetUsd, spentUsd: run.costUsd, reservedUsd: reserved, estimateUsd: reserve }));
          return { run, attempt: null };
        }
      }
      const overCap = paid ? await checkDailyCap(tx, p.runId, reserve, p.nodeId) : null;
      if (overCap) {
        await haltOnLimit(tx, p, overCap);
        return { run, attempt: null };
      }
      const attempt = await startItem(tx, p, { reserve, provider });
      if (attempt !== null && run.status !== "running") await settleRun(tx, p.runId);
      return { run, attempt };
    });
    attempt = r.attempt;
    runRow = r.run;
  } else {
    attempt = await startItem(sql, p, { reserve, provider });
    runRow = { id: p.runId, status: "running", concurrency: row.concurrency, workspaceId: row.workspaceId };
  }
  if (attempt === null) return null;
  return { run: runRow, plan, node, def, config, chain, stage, attempt: attempt.attempts, resumeState: attempt.resumeState, inputs, cacheKey };
}

const portValueError = (p: NodeJobPayload, type: string, issues: PortValueIssue[]): RunError => ({
  code: "PORT_VALUE_INVALID",
  message: `node "${p.nodeId}" (${type})${p.item ? ` item ${p.item}` : ""}: input ${issues.map((i) => i.message).join("; ")}`,
  details: {
    nodeId: p.nodeId,
    item: p.item,
    port: issues[0].port,
    path: issues[0].path.map((k) => (typeof k === "number" ? k : String(k))),
    issues: issues.map((i) => ({ port: i.port, path: i.path.map((k) => (typeof k === "number" ? k : String(k))), message: i.message })),
  },
});

const budgetError = (p: NodeJobPayload, d: { budgetUsd: number; spentUsd: number; reservedUsd: number; estimateUsd: number }): RunError => ({
  code: "BUDGET_EXCEEDED",
  message: `node "${p.nodeId}" would cost about $${d.estimateUsd.toFixed(4)}; spent $${d.spentUsd.toFixed(4)} + running $${d.reservedUsd.toFixed(4)} of a $${d.budgetUsd.toFixed(4)} budget`,
  details: d,
});

async function execute(deps: ExecutorDeps, claim: Claim, p: NodeJobPayload): Promise<void> {
  const { sql } = deps;
  const abort = deps.aborts.register(p.runId);
  const stageConfig = claim.chain[claim.stage] as Record<string, unknown>;
  // Only the names the node declared (for this stage's config): reading another is a bug in the node.
  const secrets = trackingSecrets(declaredSecretReader(claim.def.type, declaredSecrets(claim.def, stageConfig), await deps.secretsFor(p.runId)));
  // The node sees one signal: the run's cancellation or this attempt's timeout, whichever comes first.
  const attemptAbort = new AbortController();
  const onRunAbort = () => attemptAbort.abort(abort.signal.reason);
  if (abort.signal.aborted) onRunAbort();
  else abort.signal.addEventListener("abort", onRunAbort, { once: true });
  const costs: CostItem[] = [];
  const tempDirs: string[] = [];
  let pending = Promise.resolve(); // logs and progress, in order, off the hot path
  const later = (f: () => Promise<unknown>) => {
    pending = pending.then(f).then(
      () => {},
      () => {},
    );
  };
  let lastProgress = 0;
  // False once the attempt is over: a node still running past its timeout (it ignored ctx.signal)
  // must not log, bill or checkpoint into the next attempt of the same item.
  let live = true;
  /** The item's log, for the node (while its attempt is live) and the engine's own retry notes. */
  const writeLog = (message: string, level: LogLevel) => {
    const text = secrets.redact(String(message));
    later(async () => {
      await sql`insert into node_logs (run_id, node_id, item, level, message) values (${p.runId}, ${p.nodeId}, ${p.item}, ${level}, ${text})`;
      await publish(sql, { kind: "log", runId: p.runId, nodeId: p.nodeId, item: p.item, level, message: text.slice(0, 2000), at: nowIso() });
    });
  };
  let checkpoints = Promise.resolve();

  const ctx: NodeContext = {
    runId: p.runId,
    nodeId: p.nodeId,
    item: p.item,
    attempt: claim.attempt,
    idempotencyKey: `${p.runId}:${p.nodeId}:${p.item}`,
    signal: attemptAbort.signal,
    log(message, level = "info") {
      if (live) writeLog(message, level);
    },
    progress(fraction) {
      if (!live) return;
      const now = Date.now();
      if (now - lastProgress < PROGRESS_EVERY_MS && fraction < 1) return;
      lastProgress = now;
      const f = Math.max(0, Math.min(1, fraction));
      later(() => reportProgress(sql, p, f));
    },
    cost(usd, detail) {
      if (!live) return;
      if (Number.isFinite(usd) && usd > 0) costs.push({ usd, detail });
    },
    storage: {
      ...deps.storage,
      put: deps.storage.put.bind(deps.storage),
      path: deps.storage.path.bind(deps.storage),
      read: deps.storage.read.bind(deps.storage),
      tempDir: async () => {
        const d = await deps.storage.tempDir();
        tempDirs.push(d);
        return d;
      },
    },
    provider(kind) {
      const make = deps.providers[kind];
      if (!make) throw new PermanentNodeError(`provider "${String(kind)}" is not available on this worker`, "PROVIDER_UNAVAILABLE");
      return make(ctx);
    },
    secrets,
    files: filesForRun(sql, deps.storage, p.runId),
    fetch: outboundRequest,
    suspend: (payload) => ({ __suspend: true, payload }),
    resumeState: claim.resumeState,
    checkpoint(state) {
      if (!live) return Promise.reject(new Error(`attempt ${claim.attempt} of node "${p.nodeId}" has ended (timed out); its checkpoint is not kept`));
      ctx.resumeState = state;
      // Committed before it resolves, in call order: the id of remote work is on disk before the
      // node waits on it, so a worker that dies then leaves it to the next attempt.
      const write = checkpoints.then(() => saveCheckpoint(sql, p, secrets.redactDeep(state), costs));
      checkpoints = write.then(
        () => {},
        () => {},
      );
      return write.then(() => {});
    },
  };

  let result: NodeOutputs | ReturnType<NodeContext["suspend"]> | undefined;
  let failure: unknown;
  try {
    const release = await deps.limits.acquire(claim.def.providerOf?.(stageConfig) ?? null, attemptAbort.signal);
    try {
      result = await withTimeout(claim.def.run(claim.inputs, stageConfig, ctx), claim.def.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS, attemptAbort, () => timeoutError(p, claim));
    } finally {
      release();
    }
    if (!isSuspension(result)) checkOutputs(claim.node, claim.def, result);
  } catch (err) {
    failure = err;
  } finally {
    live = false;
    abort.signal.removeEventListener("abort", onRunAbort);
    abort.release();
    await Promise.all([pending, checkpoints]);
    await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true }).catch(() => {})));
  }
  const cost = { costUsd: costs.reduce((s, c) => s + c.usd, 0), costBreakdown: costs };

  // Hot path: an unmapped node that succeeded (see finishOnlyItem); anything else, or a run that
  // was canceled meanwhile, takes the general path below.
  if (failure === undefined && !isSuspension(result) && claim.node.mapDepth === 0 && p.item === "") {
    const output = secrets.redactDeep(result as NodeOutputs);
    const done = await sql.begin((tx) => finishOnlyItem(tx, p.runId, claim.plan, p.nodeId, { status: "succeeded", output }, cost, () => cacheWrite(tx, claim, output, cost)));
    if (done) {
      await pending;
      return;
    }
  }

  await sql.begin(async (tx) => {
    const run = await lockRun(tx, p.runId);
    const key = { nodeId: p.nodeId, item: p.item };
    if (run.status === "canceled" || (run.status === "failed" && abort.signal.aborted)) {
      await finishItem(tx, run, claim.plan, key, { status: "canceled" }, cost);
      return;
    }
    if (failure === undefined && isSuspension(result)) {
      await suspendItem(tx, p, secrets.redactDeep(result.payload), cost);
      await settleRun(tx, p.runId);
      return;
    }
    if (failure === undefined) {
      // A secret the node read never lands in its stored output (or the cache, or what downstream nodes get).
      const output = secrets.redactDeep(result as NodeOutputs);
      await Promise.all([...cacheWrite(tx, claim, output, cost), finishItem(tx, run, claim.plan, key, { status: "succeeded", output }, cost)]);
      return;
    }
    const error = describeError(failure, secrets.redact);
    const permanent = failure instanceof PermanentNodeError;
    const retry = claim.node.retry;
    if (!permanent && claim.attempt < retry.maxAttempts) {
      const delay = retry.backoffMs * 2 ** (claim.attempt - 1);
      await requeue(tx, claim, p, { error, cost, runAt: new Date(Date.now() + delay), stage: claim.stage, resetAttempts: false });
      writeLog(`attempt ${claim.attempt} failed (${error.message}); retrying in ${delay} ms`, "warn");
    } else if (claim.stage + 1 < claim.chain.length) {
      // A permanent error ends this stage's retries but not the chain: another provider may not
      // share the problem (a missing Replicate token, a model that refuses the input).
      const next = claim.chain[claim.stage + 1] as Record<string, unknown>;
      await requeue(tx, claim, p, { error, cost, runAt: null, stage: claim.stage + 1, resetAttempts: true });
      writeLog(`giving up on ${describeStage(claim.def, stageConfig, claim.stage)} after ${claim.attempt} attempt(s); falling back to ${describeStage(claim.def, next, claim.stage + 1)}`, "warn");
    } else {
      await finishItem(tx, run, claim.plan, key, { status: "failed", error }, cost);
    }
  });
  await pending;
}

/**
 * Store the node's checkpoint together with the costs it recorded so far (taken out of `costs`),
 * in one transaction: state that says "paid for" is never on disk without its cost, so an attempt
 * that resumes from it neither loses the cost (the worker died) nor records it again. Run first,
 * then item: the lock order of every finish. An item that is no longer running keeps its costs
 * for the finish path.
 */
async function saveCheckpoint(sql: Sql, p: NodeJobPayload, state: Record<string, unknown>, costs: CostItem[]): Promise<void> {
  const flushed = costs.splice(0);
  try {
    const saved = await sql.begin((tx) => checkpointItem(tx, p, state, flushed));
    if (!saved) costs.unshift(...flushed);
  } catch (err) {
    costs.unshift(...flushed);
    throw err;
  }
}

function cacheWrite(tx: Tx, claim: Claim, output: NodeOutputs, cost: { costUsd: number }): Promise<unknown>[] {
  if (!claim.cacheKey) return [];
  return [
    tx`insert into cache_entries (key, node_type, output, cost_usd) values (${claim.cacheKey}, ${claim.node.type}, ${toJsonb(output)}::jsonb, ${cost.costUsd})
       on conflict (key) do nothing`,
  ];
}

/** A failed attempt goes back to the queue, on the run's queue (its concurrency). */
function requeue(
  tx: Tx,
  claim: Claim,
  p: NodeJobPayload,
  o: { error: RunError; cost: { costUsd: number; costBreakdown: CostItem[] }; runAt: Date | null; stage: number; resetAttempts: boolean },
): Promise<void> {
  return requeueItem(tx, p, { ...o, concurrency: claim.run.concurrency });
}

function checkOutputs(node: PlanNode, def: NodeDefinition, result: unknown): void {
  if (!result || typeof result !== "object") throw new Error(`node "${node.id}" returned no outputs`);
  for (const port of def.outputs) {
    if ((result as Record<string, unknown>)[port.name] === undefined) {
      throw new Error(`node "${node.id}" (${node.type}) returned no value for output "${port.name}"`);
    }
  }
}

function describeError(err: unknown, redact: (s: string) => string): RunError {
  if (err instanceof PermanentNodeError) return { code: err.code, message: redact(err.message), details: err.details };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === "string" ? code : "NODE_ERROR", message: redact(err.message) };
  }
  return { code: "NODE_ERROR", message: redact(String(err)) };
}

/** A fallback stage in a log line: the provider its config selects (the node says which), and its place in the chain. */
const describeStage = (def: NodeDefinition, c: Record<string, unknown>, stage: number) => `${def.providerOf?.(c) ?? "configuration"} (stage ${stage + 1})`;

/** A retryable failure: the attempt ran past its node's timeoutMs (the next attempt may be quicker). */
class NodeTimeoutError extends Error {
  readonly code = "NODE_TIMEOUT";
  constructor(message: string) {
    super(message);
    this.name = "NodeTimeoutError";
  }
}

const timeoutError = (p: NodeJobPayload, claim: Claim) =>
  new NodeTimeoutError(
    `node "${p.nodeId}" (${claim.def.type})${p.item ? ` item ${p.item}` : ""} ran past its ${formatMs(claim.def.timeoutMs ?? DEFAULT_NODE_TIMEOUT_MS)} timeout (attempt ${claim.attempt})`,
  );

const formatMs = (ms: number) => (ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * The node's promise, or a timeout error once `ms` pass: then the attempt's signal is aborted so a
 * well-behaved node stops its work (ffmpeg, HTTP), and the attempt fails without waiting for it.
 */
function withTimeout<T>(work: Promise<T>, ms: number, attempt: AbortController, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = error();
      attempt.abort(e);
      reject(e);
    }, ms);
  });
  work.catch(() => {}); // a node that rejects after the timeout won must not be an unhandled rejection
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}
