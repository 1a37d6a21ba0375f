import type { z } from "zod";
import {
  configIssue,
  GraphDocumentSchema,
  issueField,
  PortSpecSchema,
  RetryPolicySchema,
  portAccepts,
  type CompileError,
  type Estimate,
  type GraphDocument,
  type PortSpec,
  type RetryPolicy,
} from "../schemas/index.js";
import type { NodeRegistry } from "../nodes/registry.js";

type Port = z.infer<typeof PortSpecSchema>;

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

export type CompileResult = { ok: true; plan: Plan; document: GraphDocument } | { ok: false; errors: CompileError[] };

const pathOf = issueField;

/** Turn a graph document into an execution plan, or every error found (never just the first). */
export function compile(input: unknown, registry: NodeRegistry): CompileResult {
  const parsed = GraphDocumentSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        code: "INVALID_DOCUMENT" as const,
        message: `${pathOf(i.path) || "document"}: ${i.message}`,
        field: pathOf(i.path),
      })),
    };
  }
  const doc = parsed.data;
  const errors: CompileError[] = [];

  // --- nodes: ids, types, configs
  const nodeById = new Map<string, GraphDocument["nodes"][number]>();
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

  const planNodes = new Map<string, PlanNode>();
  const portsOf = new Map<string, { inputs: Map<string, Port>; outputs: Map<string, Port> }>();
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

  // --- edges: endpoints, ports, types, fan-in
  const incoming = new Map<string, GraphDocument["edges"]>(); // key node:port
  for (const e of doc.edges) {
    let bad = false;
    for (const [end, id] of [["source", e.source], ["target", e.target]] as const) {
      if (!nodeById.has(id)) {
        errors.push({ code: "UNKNOWN_NODE", message: `edge "${e.id}" ${end} node "${id}" does not exist`, edgeId: e.id, nodeId: id });
        bad = true;
      }
    }
    if (bad) continue;
    const src = portsOf.get(e.source);
    const dst = portsOf.get(e.target);
    if (!src || !dst) continue; // node already reported (unknown type / bad config)
    const out = src.outputs.get(e.sourcePort);
    const inp = dst.inputs.get(e.targetPort);
    if (!out) {
      errors.push({ code: "UNKNOWN_PORT", message: `node "${e.source}" has no output port "${e.sourcePort}"`, edgeId: e.id, nodeId: e.source, port: e.sourcePort });
    }
    if (!inp) {
      errors.push({ code: "UNKNOWN_PORT", message: `node "${e.target}" has no input port "${e.targetPort}"`, edgeId: e.id, nodeId: e.target, port: e.targetPort });
    }
    if (!out || !inp) continue;
    if (!portAccepts(inp.type, out.type)) {
      errors.push({
        code: "PORT_TYPE_MISMATCH",
        message: `cannot connect ${e.source}.${e.sourcePort} (${out.type}) to ${e.target}.${e.targetPort} (${inp.type})`,
        edgeId: e.id,
        nodeId: e.target,
        port: e.targetPort,
      });
      continue;
    }
    const key = `${e.target}\u0000${e.targetPort}`;
    const list = incoming.get(key) ?? [];
    list.push(e);
    incoming.set(key, list);
  }
  for (const [key, es] of incoming) {
    const [target, port] = key.split("\u0000");
    const inp = portsOf.get(target)!.inputs.get(port)!;
    if (!inp.list && es.length > 1) {
      errors.push({
        code: "MULTIPLE_EDGES_INTO_SINGLE_PORT",
        message: `input "${port}" of node "${target}" takes one connection but has ${es.length} (${es.map((e) => e.id).join(", ")})`,
        nodeId: target,
        port,
        edgeId: es[1].id,
      });
    }
  }
  for (const [id, ports] of portsOf) {
    for (const p of ports.inputs.values()) {
      if (p.required && !incoming.has(`${id}\u0000${p.name}`)) {
        errors.push({ code: "MISSING_INPUT", message: `node "${id}" needs its "${p.name}" input (${p.type}) connected`, nodeId: id, port: p.name });
      }
    }
  }

  // --- order: Kahn's algorithm over node-level dependencies; leftovers are on or behind a cycle
  const deps = new Map<string, Set<string>>();
  const dependents = new Map<string, Set<string>>();
  for (const id of nodeById.keys()) {
    deps.set(id, new Set());
    dependents.set(id, new Set());
  }
  for (const es of incoming.values()) {
    for (const e of es) {
      deps.get(e.target)!.add(e.source);
      dependents.get(e.source)!.add(e.target);
    }
  }
  const remaining = new Map([...deps].map(([id, s]) => [id, s.size]));
  const queue = [...remaining].filter(([, n]) => n === 0).map(([id]) => id);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    order.push(id);
    for (const d of dependents.get(id)!) {
      const left = remaining.get(d)! - 1;
      remaining.set(d, left);
      if (left === 0) queue.push(d);
    }
  }
  if (order.length < nodeById.size) {
    for (const cycle of findCycles(new Set([...remaining].filter(([, n]) => n > 0).map(([id]) => id)), dependents)) {
      errors.push({
        code: "CYCLE",
        message: `nodes ${cycle.map((c) => `"${c}"`).join(" -> ")} form a cycle`,
        nodeId: cycle[0],
        nodes: cycle,
      });
    }
  }

  if (errors.length > 0) return { ok: false, errors };

  // --- fan-out depths and estimates, in order
  const outLeaves = new Map<string, number>(); // node:port -> total leaves
  for (const id of order) {
    const node = planNodes.get(id)!;
    const ports = portsOf.get(id)!;
    const def = registry.get(node.type)!;
    let mapDepth = 0;
    let items = 1;
    for (const input of node.inputs) {
      const es = incoming.get(`${id}\u0000${input.port}`) ?? [];
      const portDepth = input.list ? 1 : 0;
      for (const e of es) {
        const src = planNodes.get(e.source)!;
        const depth = src.outputDepth[e.sourcePort];
        input.edges.push({ edgeId: e.id, source: e.source, sourcePort: e.sourcePort, depth });
        const extra = depth - portDepth;
        if (extra > 0) {
          if (es.length > 1) {
            errors.push({
              code: "INCOMPATIBLE_FAN_IN",
              message: `input "${input.port}" of node "${id}" joins several connections, so it cannot also map over a list from "${e.source}"`,
              nodeId: id,
              port: input.port,
              edgeId: e.id,
            });
          }
          mapDepth = Math.max(mapDepth, extra);
          const leaves = outLeaves.get(`${e.source}\u0000${e.sourcePort}`) ?? 1;
          const srcPortIsList = ports && portsOf.get(e.source)!.outputs.get(e.sourcePort)!.list;
          items = Math.max(items, portDepth === 0 ? leaves : srcPortIsList ? src.estimate.items : leaves);
        }
      }
    }
    node.mapDepth = mapDepth;
    node.estimate.items = items;
    const hint = def.listSizeHint?.(node.config) ?? 1;
    for (const p of ports.outputs.values()) {
      node.outputDepth[p.name] = mapDepth + (p.list ? 1 : 0);
      outLeaves.set(`${id}\u0000${p.name}`, items * (p.list ? hint : 1));
    }
    node.deps = [...deps.get(id)!];
    node.dependents = [...dependents.get(id)!];
  }
  if (errors.length > 0) return { ok: false, errors };

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
  const plan: Plan = {
    order,
    nodes: Object.fromEntries(planNodes),
    dependencyCounts: Object.fromEntries(order.map((id) => [id, deps.get(id)!.size])),
    estimate: { usd: round6(usd), seconds: Math.max(0, ...finish.values()), perNode },
  };
  return { ok: true, plan, document: doc };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** Strongly connected components (Tarjan, iterative) among the nodes left over by Kahn's algorithm. */
function findCycles(nodes: Set<string>, edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const start of nodes) {
    if (idx.has(start)) continue;
    const work: { id: string; it: Iterator<string> }[] = [];
    const visit = (id: string) => {
      idx.set(id, index);
      low.set(id, index++);
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: [...edges.get(id)!].filter((n) => nodes.has(n))[Symbol.iterator]() });
    };
    visit(start);
    while (work.length) {
      const top = work[work.length - 1];
      const next = top.it.next();
      if (!next.done) {
        const w = next.value;
        if (!idx.has(w)) visit(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) === idx.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        const selfLoop = edges.get(top.id)!.has(top.id);
        if (comp.length > 1 || selfLoop) out.push(comp.reverse());
      }
    }
  }
  return out;
}

export type { PortSpec };
