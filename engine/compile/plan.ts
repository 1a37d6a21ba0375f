/** What `compile()` produces: the execution plan the scheduler and executor run from. */
import type { Estimate, RetryPolicy } from "../../schemas/index.js";

export interface PlanEdgeRef {
  edgeId: string;
  source: string;
  sourcePort: string;
  /** List nesting of the value arriving on this edge (0 = one value, 1 = a list, 2 = a list of lists...). */
  depth: number;
}

export interface PlanInput {
  port: string;
  list: boolean;
  edges: PlanEdgeRef[];
}

export interface PlanNode {
  id: string;
  type: string;
  version: number;
  label?: string;
  /** Config after zod parsing (defaults applied). */
  config: Record<string, unknown>;
  deps: string[];
  dependents: string[];
  inputs: PlanInput[];
  /** How many list levels the node is mapped over (0 = runs once). */
  mapDepth: number;
  /** Depth of each output port's gathered value. */
  outputDepth: Record<string, number>;
  paid: boolean;
  cacheable: boolean;
  retry: RetryPolicy;
  estimate: { usd: number; seconds: number; items: number };
}

export interface Plan {
  /** Topological order (a valid execution order). */
  order: string[];
  nodes: Record<string, PlanNode>;
  /** Number of distinct upstream nodes each node waits for. */
  dependencyCounts: Record<string, number>;
  estimate: Estimate;
}
