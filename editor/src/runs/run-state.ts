/**
 * The run shown on the canvas: the RunView from the API kept current by the run's event stream,
 * and per-node aggregates (a fanned-out node has one node-run per item; the canvas shows one
 * status, progress, attempts, elapsed and cost for the node).
 */
import type { NodeRunStatus, NodeRunView, RunEvent, RunView } from "../../../schemas/index.js";
import type { LogLine } from "../api/types.js";

export interface NodeAggregate {
  status: NodeRunStatus;
  progress: number;
  attempts: number;
  costUsd: number;
  items: number;
  itemsDone: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  errors: { item: string; message: string; code: string }[];
  /** Outputs of the node's items in item order (one entry for an unmapped node). */
  outputs: unknown[];
  provider: string | null;
}

export interface RunState {
  run: RunView | null;
  byNode: Record<string, NodeAggregate>;
  logs: LogLine[];
  /** Event stream state: live while the run is active. */
  stream: "idle" | "connecting" | "live" | "reconnecting" | "closed";
}

export const emptyRunState: RunState = { run: null, byNode: {}, logs: [], stream: "idle" };

const DONE: NodeRunStatus[] = ["succeeded", "cached", "failed", "skipped", "canceled"];

/** Which status a node with several items shows: the one that needs attention first. */
const PRIORITY: NodeRunStatus[] = ["failed", "running", "waiting", "queued", "pending", "canceled", "skipped", "succeeded", "cached"];

export function aggregateNode(items: NodeRunView[]): NodeAggregate {
  const statuses = new Set(items.map((i) => i.status));
  let status: NodeRunStatus = "pending";
  for (const s of PRIORITY) {
    if (statuses.has(s)) {
      status = s;
      break;
    }
  }
  // A node whose items all finished, some cached and some computed, counts as succeeded.
  if (status === "succeeded" || status === "cached") status = statuses.has("succeeded") ? "succeeded" : "cached";
  // Items of a mapped node that are still pending while others run: the node is running.
  if (status === "pending" && items.some((i) => DONE.includes(i.status))) status = "running";
  const sorted = [...items].sort((a, b) => compareItems(a.item, b.item));
  const started = items.map((i) => i.startedAt ?? i.queuedAt).filter((x): x is string => !!x).sort();
  const finished = items.map((i) => i.finishedAt).filter((x): x is string => !!x).sort();
  const allDone = items.length > 0 && items.every((i) => DONE.includes(i.status));
  return {
    status,
    progress: items.length ? items.reduce((s, i) => s + (DONE.includes(i.status) ? 1 : clamp01(i.progress)), 0) / items.length : 0,
    attempts: items.reduce((m, i) => Math.max(m, i.attempts), 0),
    costUsd: items.reduce((s, i) => s + (i.costUsd || 0), 0),
    items: items.length,
    itemsDone: items.filter((i) => DONE.includes(i.status)).length,
    startedAt: started[0] ?? null,
    finishedAt: allDone ? (finished[finished.length - 1] ?? null) : null,
    durationMs: items.some((i) => i.durationMs !== null) ? items.reduce((s, i) => s + (i.durationMs ?? 0), 0) : null,
    errors: sorted.filter((i) => i.error).map((i) => ({ item: i.item, message: i.error!.message, code: i.error!.code })),
    outputs: sorted.filter((i) => i.output !== null && i.output !== undefined).map((i) => i.output),
    provider: sorted.find((i) => i.provider)?.provider ?? null,
  };
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** "2.10" after "2.9": fan-out item paths compare numerically per level. */
export function compareItems(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

function aggregateAll(run: RunView, prev: Record<string, NodeAggregate> = {}, only?: Set<string>): Record<string, NodeAggregate> {
  const groups = new Map<string, NodeRunView[]>();
  for (const n of run.nodes) groups.set(n.nodeId, [...(groups.get(n.nodeId) ?? []), n]);
  const out: Record<string, NodeAggregate> = {};
  for (const [id, items] of groups) out[id] = only && !only.has(id) && prev[id] ? prev[id] : aggregateNode(items);
  return out;
}

export function withRun(state: RunState, run: RunView): RunState {
  return { ...state, run, byNode: aggregateAll(run) };
}

/** Apply one event from GET /api/runs/:id/events. Unknown or foreign events leave the state as it is. */
export function applyEvent(state: RunState, event: RunEvent): RunState {
  const run = state.run;
  if (!run || event.runId !== run.id) return state;
  switch (event.kind) {
    case "run":
      return {
        ...state,
        run: { ...run, status: event.status, costUsd: event.costUsd, finishedAt: isFinal(event.status) ? (run.finishedAt ?? event.at) : null },
      };
    case "node": {
      const idx = run.nodes.findIndex((n) => n.nodeId === event.nodeId && n.item === event.item);
      const prev = idx >= 0 ? run.nodes[idx] : blankNodeRun(event.nodeId, event.item);
      const next: NodeRunView = {
        ...prev,
        status: event.status,
        progress: event.progress,
        attempts: event.attempts,
        costUsd: event.costUsd,
        durationMs: event.durationMs,
        queuedAt: prev.queuedAt ?? (event.status === "queued" ? event.at : null),
        startedAt: event.status === "running" && !prev.startedAt ? event.at : prev.startedAt,
        finishedAt: DONE.includes(event.status) ? (prev.finishedAt ?? event.at) : event.status === "pending" ? null : prev.finishedAt,
        ...(event.status === "pending" ? { output: null, error: null, startedAt: null, queuedAt: null } : {}),
      };
      let nodes: NodeRunView[];
      if (event.status === "pending" && event.item === "") {
        // A reset (retry / re-run from a node): the node's items are recreated from scratch.
        nodes = [...run.nodes.filter((n) => n.nodeId !== event.nodeId), next];
      } else {
        nodes = idx >= 0 ? run.nodes.map((n, i) => (i === idx ? next : n)) : [...run.nodes, next];
      }
      const updated = { ...run, nodes };
      return { ...state, run: updated, byNode: aggregateAll(updated, state.byNode, new Set([event.nodeId])) };
    }
    case "log":
      return { ...state, logs: [...state.logs.slice(-1999), { nodeId: event.nodeId, item: event.item, level: event.level, message: event.message, at: event.at }] };
    default:
      return state;
  }
}

export const isFinal = (s: string) => s === "succeeded" || s === "failed" || s === "canceled";

function blankNodeRun(nodeId: string, item: string): NodeRunView {
  return {
    nodeId,
    item,
    status: "pending",
    attempts: 0,
    progress: 0,
    costUsd: 0,
    costBreakdown: [],
    durationMs: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    provider: null,
    output: null,
    error: null,
  };
}
