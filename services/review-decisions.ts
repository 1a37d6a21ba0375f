/**
 * Deciding a review: the decision is validated against what the reviewer was shown, recorded in
 * review_decisions and applied in the same transaction as the engine's own transition
 * (finishItem for approve/select/reject, resetFrom for revise), under the run's lock.
 */
import type { Sql, Tx } from "../db/index.js";
import { scopeWorkspace, systemScope, type Scope } from "../lib/scope.js";
import { describeNode } from "../nodes/registry.js";
import type { NodeRegistry } from "../nodes/registry.js";
import { REVISION_NOTES_FIELD, RevisionNoteSchema, type RevisionNote } from "../nodes/shared/revision.js";
import { ReviewPayloadSchema, reviewOutputs, type DecisionRecord, type ReviewPayload } from "../nodes/review-human/payload.js";
import type { Plan } from "../engine/compile.js";
import { loadPlan } from "../engine/plan-cache.js";
import { getReview, inWorkspace, refuseIfDecided, REVIEW_ID, ReviewError, type DecisionInput, type ReviewView } from "./reviews.js";
import { finishItem, resetFrom } from "../engine/scheduler.js";
import { lockRun, settleRun } from "../engine/transitions.js";

/**
 * Record a decision and resume the run, in one transaction. Throws ReviewError (4xx) for a
 * decision that cannot apply: unknown review or item, already decided, run not waiting, revise
 * over the limit or with nowhere to go.
 */
export async function decideReview(
  sql: Sql,
  registry: NodeRegistry,
  id: string,
  input: DecisionInput & { automatic?: boolean },
  scope: Scope,
): Promise<{ review: ReviewView; runStatus: string }> {
  if (!REVIEW_ID.test(id)) throw new ReviewError(404, "NOT_FOUND", `review "${id}" does not exist`);
  const ws = scopeWorkspace(scope);
  if (ws && !(await inWorkspace(sql, id, ws))) throw new ReviewError(404, "NOT_FOUND", `review "${id}" does not exist`);
  await refuseIfDecided(sql, id);
  const [head] = await sql<{ runId: string }[]>`select run_id as "runId" from node_runs where id = ${id} and waiting->>'kind' = 'review'`;
  if (!head) throw new ReviewError(404, "NOT_FOUND", `review "${id}" does not exist`);
  const plan = await loadPlan(sql, head.runId);

  await sql.begin(async (tx) => {
    const run = await lockRun(tx, head.runId);
    const [row] = await tx<{ nodeId: string; item: string; status: string; waiting: unknown }[]>`
      select node_id as "nodeId", item, status, waiting from node_runs where id = ${id} for update`;
    // Re-checked under the locks: a concurrent decision (or a revise that reset this row) wins.
    if (!row) throw new ReviewError(409, "REVIEW_GONE", `review "${id}" is no longer waiting: its branch was reset`);
    await refuseIfDecided(tx, id);
    if (row.status !== "waiting") {
      const why = run.status === "canceled" || run.status === "failed" ? `the run is ${run.status}` : `the review's node-run is ${row.status}`;
      throw new ReviewError(409, "REVIEW_NOT_WAITING", `review "${id}" cannot be decided: ${why}`);
    }
    const payload = ReviewPayloadSchema.parse(row.waiting);
    const chosen = checkDecision(payload, input);
    const record: DecisionRecord = {
      decision: input.decision,
      reviewer: input.reviewer,
      notes: input.notes?.trim() || null,
      itemIds: chosen.map((c) => c.id),
      decidedAt: new Date().toISOString(),
      automatic: input.automatic ?? false,
    };
    let target: string | null = null;
    if (input.decision === "revise") {
      const earlier = await tx<{ n: number }[]>`
        select count(*)::int as n from review_decisions where run_id = ${head.runId} and node_id = ${row.nodeId} and item = ${row.item} and decision = 'revise'`;
      if (earlier[0].n >= payload.maxRevisions) {
        throw new ReviewError(
          409,
          "REVISION_LIMIT",
          `this review was already sent back for revision ${earlier[0].n} time(s), the most its node allows (maxRevisions ${payload.maxRevisions}); approve, select or reject it`,
          { used: earlier[0].n, max: payload.maxRevisions },
        );
      }
      target = revisionTargetOf(plan, registry, row.nodeId, payload.revisionTarget);
    }
    await tx`
      insert into review_decisions (review_id, run_id, node_id, item, decision, item_ids, notes, reviewer, automatic, revision_target, payload, decided_at)
      values (${id}, ${head.runId}, ${row.nodeId}, ${row.item}, ${record.decision}, ${JSON.stringify(record.itemIds)}::jsonb, ${record.notes}, ${record.reviewer},
              ${record.automatic}, ${target}, ${JSON.stringify(payload)}::jsonb, ${record.decidedAt})`;

    const key = { nodeId: row.nodeId, item: row.item };
    if (input.decision === "approve" || input.decision === "select") {
      await finishItem(tx, run, plan, key, { status: "succeeded", output: reviewOutputs(chosen, record) });
    } else if (input.decision === "reject") {
      await finishItem(tx, run, plan, key, { status: "skipped", error: { code: "REVIEW_REJECTED", message: `rejected by ${record.reviewer}: ${record.notes}` } });
    } else {
      const patch = await revisionPatch(tx, plan, head.runId, target!, { item: row.item, notes: record.notes!, reviewer: record.reviewer });
      await resetFrom(tx, plan, head.runId, [target!], { [target!]: patch });
    }
    await settleRun(tx, head.runId);
  });
  const [run] = await sql<{ status: string }[]>`select status from runs where id = ${head.runId}`;
  return { review: (await getReview(sql, id, scope))!, runStatus: run.status };
}



/** Validate a decision against what the reviewer was shown; returns the candidates that flow on. */
function checkDecision(p: ReviewPayload, input: DecisionInput): ReviewPayload["items"] {
  if (!p.allowedDecisions.includes(input.decision)) {
    throw new ReviewError(400, "DECISION_NOT_ALLOWED", `"${input.decision}" is not allowed for this review (allowed: ${p.allowedDecisions.join(", ")})`);
  }
  const notes = input.notes?.trim();
  switch (input.decision) {
    case "approve":
      if (input.itemIds?.length) throw new ReviewError(400, "INVALID_DECISION", `approve keeps every item; to keep some, decide "select" with itemIds`);
      return p.items;
    case "reject":
    case "revise":
      if (!notes) throw new ReviewError(400, "NOTES_REQUIRED", input.decision === "reject" ? "a reject needs a reason in notes" : "a revise needs notes saying what to change");
      if (input.itemIds?.length) throw new ReviewError(400, "INVALID_DECISION", `${input.decision} applies to the whole review; itemIds are only for "select"`);
      return [];
    case "select": {
      const ids = input.itemIds ?? [];
      if (ids.length === 0) throw new ReviewError(400, "ITEMS_REQUIRED", "select needs itemIds: the items to keep");
      const known = new Set(p.items.map((c) => c.id));
      const unknown = ids.filter((i) => !known.has(i));
      if (unknown.length) {
        throw new ReviewError(400, "UNKNOWN_ITEM", `unknown item id(s) ${unknown.map((u) => `"${u}"`).join(", ")}; this review has ${[...known].join(", ")}`, {
          unknown,
          known: [...known],
        });
      }
      if (new Set(ids).size !== ids.length) throw new ReviewError(400, "DUPLICATE_ITEM", "itemIds lists an item more than once");
      if (ids.length < p.minSelect) throw new ReviewError(400, "TOO_FEW_ITEMS", `keep at least ${p.minSelect} item(s); ${ids.length} selected`);
      // In the order the reviewer saw them, not the order they were clicked.
      return p.items.filter((c) => ids.includes(c.id));
    }
  }
}

const acceptsRevisions = new Map<string, boolean>();
function takesRevisionNotes(registry: NodeRegistry, type: string): boolean {
  const cached = acceptsRevisions.get(type);
  if (cached !== undefined) return cached;
  const def = registry.get(type);
  const props = def ? ((describeNode(def).configSchema as { properties?: Record<string, unknown> }).properties ?? {}) : {};
  const yes = REVISION_NOTES_FIELD in props;
  acceptsRevisions.set(type, yes);
  return yes;
}

/** The configured target (checked), or the nearest upstream node whose config takes revision notes. */
export function revisionTargetOf(plan: Plan, registry: NodeRegistry, reviewNodeId: string, configured: string | null): string {
  const upstream: string[] = [];
  const seen = new Set<string>();
  const queue = [...plan.nodes[reviewNodeId].deps];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    upstream.push(id);
    queue.push(...plan.nodes[id].deps);
  }
  if (configured) {
    if (!plan.nodes[configured]) throw new ReviewError(409, "NO_REVISION_TARGET", `revisionTarget "${configured}" is not a node of this run`);
    if (!seen.has(configured)) throw new ReviewError(409, "NO_REVISION_TARGET", `revisionTarget "${configured}" is not upstream of review node "${reviewNodeId}"`);
    if (!takesRevisionNotes(registry, plan.nodes[configured].type)) {
      throw new ReviewError(409, "NO_REVISION_TARGET", `revisionTarget "${configured}" (${plan.nodes[configured].type}) does not take revision notes`);
    }
    return configured;
  }
  const found = upstream.find((id) => takesRevisionNotes(registry, plan.nodes[id].type));
  if (!found) {
    throw new ReviewError(409, "NO_REVISION_TARGET", `no node upstream of "${reviewNodeId}" takes revision notes (generation nodes such as image.generate and prompt.parse do); approve, select or reject instead`);
  }
  return found;
}

/** The target's config patch with this note added to the notes it already has (notes accumulate over rounds). */
async function revisionPatch(tx: Tx, plan: Plan, runId: string, target: string, note: RevisionNote): Promise<Record<string, unknown>> {
  const [row] = await tx<{ patch: Record<string, unknown> | null }[]>`select config_patch as patch from run_nodes where run_id = ${runId} and node_id = ${target}`;
  const patch = row?.patch ?? {};
  const current = patch[REVISION_NOTES_FIELD] ?? plan.nodes[target].config[REVISION_NOTES_FIELD] ?? [];
  const notes = RevisionNoteSchema.array().parse(current);
  return { ...patch, [REVISION_NOTES_FIELD]: [...notes, note] };
}

/** Reviews whose deadline has passed: their default action is applied by the deadline service. */
export async function overdueReviews(sql: Sql, now = new Date()): Promise<{ id: string; defaultAction: "approve" | "reject"; deadline: string }[]> {
  const rows = await sql<{ id: number; action: "approve" | "reject"; deadline: string }[]>`
    select id, waiting->>'defaultAction' as action, waiting->>'deadline' as deadline from node_runs
    where status = 'waiting' and waiting->>'kind' = 'review' and waiting->>'deadline' is not null
      and (waiting->>'deadline')::timestamptz <= ${now.toISOString()}::timestamptz
    order by id limit 200`;
  return rows.map((r) => ({ id: String(r.id), defaultAction: r.action, deadline: r.deadline }));
}

/** Apply each overdue review's default action; returns how many were decided. */
export async function applyOverdueDefaults(sql: Sql, registry: NodeRegistry, now = new Date()): Promise<number> {
  let n = 0;
  for (const r of await overdueReviews(sql, now)) {
    try {
      await decideReview(sql, registry, r.id, {
        decision: r.defaultAction,
        reviewer: "system:deadline",
        notes: r.defaultAction === "reject" ? `no decision before the deadline ${r.deadline}: rejected by default` : `no decision before the deadline ${r.deadline}: approved by default`,
        automatic: true,
      }, systemScope("review deadline: default action"));
      n++;
    } catch (err) {
      // Someone decided (or the run was canceled) between the query and now: nothing to do.
      if (!(err instanceof ReviewError)) throw err;
    }
  }
  return n;
}
