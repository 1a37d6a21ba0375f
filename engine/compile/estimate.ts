/** Phase 5: the plan's cost (sum over items) and time (critical path) estimate. */
import type { Estimate } from "../../schemas/index.js";
import type { Plan } from "./plan.js";
import type { CompileState } from "./state.js";

export function estimatePlan(s: CompileState): Plan {
  const { planNodes, deps, order } = s;
  const perNode: Estimate["perNode"] = {};
  let usd = 0;
  const finish = new Map<string, number>(); // critical path in seconds
  for (const id of order) {
    const n = planNodes.get(id)!;
    const nodeUsd = n.estimate.usd * n.estimate.items;
    perNode[id] = { usd: round6(nodeUsd), seconds: n.estimate.seconds * n.estimate.items, items: n.estimate.items };
    usd += nodeUsd;
    const start = Math.max(0, ...n.deps.map((d) => finish.get(d) ?? 0));
    finish.set(id, start + n.estimate.seconds * n.estimate.items);
  }
  return {
    order,
    nodes: Object.fromEntries(planNodes),
    dependencyCounts: Object.fromEntries(order.map((id) => [id, deps.get(id)!.size])),
    estimate: { usd: round6(usd), seconds: Math.max(0, ...finish.values()), perNode },
  };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
