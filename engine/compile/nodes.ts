/** Phase 1: node and edge ids are unique, node types exist, configs parse; builds the plan entries. */
import { configIssue, issueField, PortSpecSchema, RetryPolicySchema } from "../../schemas/index.js";
import type { CompileState } from "./state.js";

export function checkNodes(s: CompileState): void {
  const { doc, registry, errors, nodeById, portsOf, planNodes } = s;
  for (const n of doc.nodes) {
    if (nodeById.has(n.id)) {
      errors.push({ code: "DUPLICATE_ID", message: `node id "${n.id}" is used more than once`, nodeId: n.id });
      continue;
    }
    nodeById.set(n.id, n);
  }
  const edgeIds = new Set<string>();
  for (const e of doc.edges) {
    if (edgeIds.has(e.id)) errors.push({ code: "DUPLICATE_ID", message: `edge id "${e.id}" is used more than once`, edgeId: e.id });
    edgeIds.add(e.id);
  }

  for (const n of nodeById.values()) {
    const def = registry.get(n.type);
    if (!def) {
      errors.push({ code: "UNKNOWN_NODE_TYPE", message: `node "${n.id}" has unknown type "${n.type}"`, nodeId: n.id });
      continue;
    }
    const inputs = new Map(def.inputs.map((p) => [p.name, PortSpecSchema.parse(p)]));
    const outputs = new Map(def.outputs.map((p) => [p.name, PortSpecSchema.parse({ required: false, ...p })]));
    portsOf.set(n.id, { inputs, outputs });
    const cfg = def.config.safeParse(n.config ?? {});
    if (!cfg.success) {
      for (const i of cfg.error.issues) {
        const field = issueField(i.path);
        errors.push({
          code: "INVALID_CONFIG",
          message: `node "${n.label ?? n.id}": ${field ? `${field}: ` : ""}${i.message}`,
          nodeId: n.id,
          field,
          issue: configIssue(i),
        });
      }
      continue;
    }
    const config = cfg.data as Record<string, unknown>;
    const est = def.estimate(config);
    planNodes.set(n.id, {
      id: n.id,
      type: n.type,
      version: def.version,
      label: n.label,
      config,
      deps: [],
      dependents: [],
      inputs: [...inputs.values()].map((p) => ({ port: p.name, list: p.list, edges: [] })),
      mapDepth: 0,
      outputDepth: {},
      paid: def.paid ? def.paid(config) : false,
      cacheable: def.cacheable ?? true,
      retry: RetryPolicySchema.parse(n.retry ?? {}),
      estimate: { usd: est.usd, seconds: est.seconds, items: 1 },
    });
  }
}
