/**
 * `compile(document)`: a graph document to an execution plan, or every error found at once. The
 * phases live in engine/compile/, one file each, sharing a CompileState: node checks, edge checks,
 * ordering (cycles), fan-out depths, estimate.
 */
import { GraphDocumentSchema, issueField, type CompileError, type GraphDocument, type PortSpec } from "../schemas/index.js";
import type { NodeRegistry } from "../nodes/registry.js";
import { checkEdges } from "./compile/edges.js";
import { estimatePlan } from "./compile/estimate.js";
import { planFanOut } from "./compile/fanout.js";
import { checkNodes } from "./compile/nodes.js";
import { orderNodes } from "./compile/order.js";
import type { Plan } from "./compile/plan.js";
import type { CompileState } from "./compile/state.js";

export type { Plan, PlanEdgeRef, PlanInput, PlanNode } from "./compile/plan.js";

export type CompileResult = { ok: true; plan: Plan; document: GraphDocument } | { ok: false; errors: CompileError[] };

/** Turn a graph document into an execution plan, or every error found (never just the first). */
export function compile(input: unknown, registry: NodeRegistry): CompileResult {
  const parsed = GraphDocumentSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        code: "INVALID_DOCUMENT" as const,
        message: `${issueField(i.path) || "document"}: ${i.message}`,
        field: issueField(i.path),
      })),
    };
  }
  const doc = parsed.data;
  const s: CompileState = {
    doc,
    registry,
    errors: [],
    nodeById: new Map(),
    portsOf: new Map(),
    planNodes: new Map(),
    incoming: new Map(),
    deps: new Map(),
    dependents: new Map(),
    order: [],
  };
  checkNodes(s);
  checkEdges(s);
  orderNodes(s);
  if (s.errors.length > 0) return { ok: false, errors: s.errors };
  planFanOut(s);
  if (s.errors.length > 0) return { ok: false, errors: s.errors };
  return { ok: true, plan: estimatePlan(s), document: doc };
}

export type { PortSpec };
