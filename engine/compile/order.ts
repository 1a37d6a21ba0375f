/** Phase 3: a topological order by Kahn's algorithm; what is left over is on or behind a cycle, reported per cycle. */
import type { CompileState } from "./state.js";

export function orderNodes(s: CompileState): void {
  const { errors, nodeById, incoming, deps, dependents, order } = s;
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
}

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
