import type { Queryable } from "../db/index.js";
import type { Plan } from "./compile.js";

/**
 * A run's plan never changes (runs execute an immutable snapshot), so each process keeps the
 * plans of recent runs in memory instead of reading a large jsonb column on every step.
 */
const MAX_PLANS = 64;
const plans = new Map<string, Plan>();

export async function loadPlan(q: Queryable, runId: string): Promise<Plan> {
  const hit = plans.get(runId);
  if (hit) {
    plans.delete(runId);
    plans.set(runId, hit);
    return hit;
  }
  const [row] = await q<{ plan: Plan }[]>`select plan from runs where id = ${runId}`;
  if (!row) throw new Error(`run ${runId} does not exist`);
  remember(runId, row.plan);
  return row.plan;
}

export function remember(runId: string, plan: Plan): void {
  plans.set(runId, plan);
  while (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value!);
}
