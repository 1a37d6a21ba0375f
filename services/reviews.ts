/**
 * The human review queue: reviews are the `waiting` node-runs that review.human suspended with a
 * review payload; a decision is recorded (who, when, why) in review_decisions and resolves the
 * item in the SAME transaction as the engine's own transition (finishItem / resetFrom), so a
 * decision is never recorded without taking effect, or the other way round.
 *
 * Decisions themselves: services/review-decisions.ts.
 *
 * A review's id is its node_runs row id. A revise resets the row (it is re-created when the branch
 * comes back to review, with a new id), so every round of a review has its own id and decision.
 */
import type { Sql, Tx } from "../db/index.js";
import { ReviewPayloadSchema, type Decision, type DecisionRecord, type ReviewPayload } from "../nodes/review-human/payload.js";
import { scopeWorkspace, type Scope } from "../lib/scope.js";
import { iso } from "../lib/time.js";

export class ReviewError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface DecisionInput {
  decision: Decision;
  itemIds?: string[];
  notes?: string;
  reviewer: string;
}

export interface DecisionView extends DecisionRecord {
  id: string;
  reviewId: string;
  revisionTarget: string | null;
}

export interface ReviewView {
  id: string;
  status: "pending" | "decided" | "closed";
  runId: string;
  runName: string;
  runStatus: string;
  graphId: string | null;
  graphName: string | null;
  nodeId: string;
  item: string;
  createdAt: string | null;
  title: string;
  instructions: string;
  deadline: string | null;
  defaultAction: string;
  items: ReviewPayload["items"];
  /** The worst QA result among the items, with every flag (for the queue's badges). */
  qa: { score: number; flags: { check: string; name: string; severity: string; message: string; itemId: string }[] } | null;
  product: Record<string, unknown> | null;
  allowedDecisions: Decision[];
  minSelect: number;
  revisions: { used: number; max: number };
  decision: DecisionView | null;
  /** Earlier rounds of this review (revise decisions) and this one's decision, oldest first. */
  history: DecisionView[];
  payload: ReviewPayload;
}

export const REVIEW_ID = /^\d{1,18}$/;

interface ReviewRow {
  id: number;
  runId: string;
  nodeId: string;
  item: string;
  status: string;
  waiting: unknown;
  startedAt: string | null;
  runName: string;
  runStatus: string;
  graphId: string | null;
  graphName: string | null;
}

export interface DecisionRow {
  id: string;
  reviewId: number;
  runId: string;
  nodeId: string;
  item: string;
  decision: Decision;
  itemIds: string[];
  notes: string | null;
  reviewer: string;
  automatic: boolean;
  revisionTarget: string | null;
  payload: unknown;
  decidedAt: string;
}

export const decisionView = (d: DecisionRow): DecisionView => ({
  id: d.id,
  reviewId: String(d.reviewId),
  decision: d.decision,
  reviewer: d.reviewer,
  notes: d.notes,
  itemIds: d.itemIds,
  decidedAt: iso(d.decidedAt)!,
  automatic: d.automatic,
  revisionTarget: d.revisionTarget,
});

export const selectDecisions = (sql: Sql | Tx) => sql`
  select id, review_id as "reviewId", run_id as "runId", node_id as "nodeId", item, decision, item_ids as "itemIds", notes, reviewer,
         automatic, revision_target as "revisionTarget", payload, decided_at as "decidedAt"
  from review_decisions`;

async function historyOf(sql: Sql | Tx, runId: string, nodeId: string, item: string): Promise<DecisionRow[]> {
  return sql<DecisionRow[]>`${selectDecisions(sql)} where run_id = ${runId} and node_id = ${nodeId} and item = ${item} order by decided_at, id`;
}

function toView(row: Omit<ReviewRow, "status" | "waiting"> & { payload: ReviewPayload }, status: ReviewView["status"], history: DecisionRow[], decision: DecisionRow | null): ReviewView {
  const p = row.payload;
  const flags = p.items.flatMap((c) => (c.qa?.flags ?? []).map((f) => ({ check: f.id, name: f.id, severity: f.severity, message: f.message, itemId: c.id })));
  const scores = p.items.map((c) => c.qa?.score).filter((s): s is number => typeof s === "number");
  return {
    id: String(row.id),
    status,
    runId: row.runId,
    runName: row.runName,
    runStatus: row.runStatus,
    graphId: row.graphId,
    graphName: row.graphName,
    nodeId: row.nodeId,
    item: row.item,
    createdAt: iso(row.startedAt),
    title: p.title,
    instructions: p.instructions,
    deadline: p.deadline,
    defaultAction: p.defaultAction,
    items: p.items,
    qa: scores.length ? { score: Math.min(...scores), flags } : null,
    product: (p.items.find((c) => c.product)?.product as Record<string, unknown> | undefined) ?? null,
    allowedDecisions: p.allowedDecisions,
    minSelect: p.minSelect,
    revisions: { used: history.filter((h) => h.decision === "revise").length, max: p.maxRevisions },
    decision: decision ? decisionView(decision) : null,
    history: history.map(decisionView),
    payload: p,
  };
}

const reviewRows = (sql: Sql | Tx) => sql`
  select nr.id, nr.run_id as "runId", nr.node_id as "nodeId", nr.item, nr.status, nr.waiting, nr.started_at as "startedAt",
         r.name as "runName", r.status as "runStatus", r.graph_id as "graphId", g.name as "graphName"
  from node_runs nr join runs r on r.id = nr.run_id left join graphs g on g.id = r.graph_id`;

export type ReviewStatusFilter = "pending" | "decided" | "all";

/** Pending reviews (waiting node-runs, oldest first) and/or decided ones (newest first). */
export async function listReviews(sql: Sql, scope: Scope, o: { status?: ReviewStatusFilter; runId?: string; limit?: number } = {}): Promise<ReviewView[]> {
  const ws = scopeWorkspace(scope);
  const status = o.status ?? "pending";
  const limit = Math.min(Math.max(o.limit ?? 100, 1), 500);
  const out: ReviewView[] = [];
  if (status === "pending" || status === "all") {
    const rows = await sql<ReviewRow[]>`${reviewRows(sql)}
      where nr.status = 'waiting' and nr.waiting->>'kind' = 'review'
        and (${o.runId ?? null}::uuid is null or nr.run_id = ${o.runId ?? null}::uuid)
        and (${ws}::uuid is null or r.workspace_id = ${ws}::uuid)
      order by nr.id limit ${limit}`;
    for (const r of rows) {
      const payload = ReviewPayloadSchema.safeParse(r.waiting);
      if (!payload.success) continue;
      out.push(toView({ ...r, payload: payload.data }, "pending", await historyOf(sql, r.runId, r.nodeId, r.item), null));
    }
  }
  if (status === "decided" || status === "all") {
    const decided = await sql<(DecisionRow & { runName: string; runStatus: string; graphId: string | null; graphName: string | null; startedAt: string | null })[]>`
      select d.id, d.review_id as "reviewId", d.run_id as "runId", d.node_id as "nodeId", d.item, d.decision, d.item_ids as "itemIds", d.notes,
             d.reviewer, d.automatic, d.revision_target as "revisionTarget", d.payload, d.decided_at as "decidedAt",
             r.name as "runName", r.status as "runStatus", r.graph_id as "graphId", g.name as "graphName", nr.started_at as "startedAt"
      from review_decisions d join runs r on r.id = d.run_id left join graphs g on g.id = r.graph_id
      left join node_runs nr on nr.id = d.review_id
      where (${o.runId ?? null}::uuid is null or d.run_id = ${o.runId ?? null}::uuid)
        and (${ws}::uuid is null or r.workspace_id = ${ws}::uuid)
      order by d.decided_at desc, d.id limit ${limit}`;
    for (const d of decided) {
      const payload = ReviewPayloadSchema.parse(d.payload);
      out.push(toView({ ...d, id: d.reviewId, payload }, "decided", await historyOf(sql, d.runId, d.nodeId, d.item), d));
    }
  }
  return out;
}

/** A review of a run in another workspace than the scope's is not found. */
export async function getReview(sql: Sql, id: string, scope: Scope): Promise<ReviewView | null> {
  if (!REVIEW_ID.test(id)) return null;
  const ws = scopeWorkspace(scope);
  if (ws && !(await inWorkspace(sql, id, ws))) return null;
  const [decision] = await sql<DecisionRow[]>`${selectDecisions(sql)} where review_id = ${id}`;
  const [row] = await sql<ReviewRow[]>`${reviewRows(sql)} where nr.id = ${id}`;
  if (decision) {
    const [run] = await sql<{ runName: string; runStatus: string; graphId: string | null; graphName: string | null }[]>`
      select r.name as "runName", r.status as "runStatus", r.graph_id as "graphId", g.name as "graphName"
      from runs r left join graphs g on g.id = r.graph_id where r.id = ${decision.runId}`;
    return toView(
      { id: decision.reviewId, runId: decision.runId, nodeId: decision.nodeId, item: decision.item, startedAt: row?.startedAt ?? null, ...run, payload: ReviewPayloadSchema.parse(decision.payload) },
      "decided",
      await historyOf(sql, decision.runId, decision.nodeId, decision.item),
      decision,
    );
  }
  if (!row) return null;
  const payload = ReviewPayloadSchema.safeParse(row.waiting);
  if (!payload.success) return null;
  // Waiting: pending. Otherwise the run moved on without a decision (canceled while waiting).
  const status = row.status === "waiting" ? "pending" : "closed";
  return toView({ ...row, payload: payload.data }, status, await historyOf(sql, row.runId, row.nodeId, row.item), null);
}

/** Whether review `id` (waiting, or decided earlier) belongs to a run of this workspace. */
export async function inWorkspace(sql: Sql, id: string, workspaceId: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from runs r where r.workspace_id = ${workspaceId}
      and (r.id = (select run_id from node_runs where id = ${id}) or r.id = (select run_id from review_decisions where review_id = ${id}))`;
  return Boolean(row);
}

/** A decision already recorded for this review: refused with who decided it and when. */
export async function refuseIfDecided(q: Sql | Tx, id: string): Promise<void> {
  const [done] = await q<DecisionRow[]>`${selectDecisions(q)} where review_id = ${id}`;
  if (done) {
    throw new ReviewError(409, "ALREADY_DECIDED", `review "${id}" was already decided: ${done.decision} by ${done.reviewer} at ${iso(done.decidedAt)}`, {
      decision: decisionView(done),
    });
  }
}
