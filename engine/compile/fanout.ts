/** Phase 4: how deep each node maps over lists (fan-out) and how many items it will run, in order. */
import type { CompileState } from "./state.js";

export function planFanOut(s: CompileState): void {
  const { registry, errors, portsOf, planNodes, incoming, deps, dependents, order } = s;
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
}
