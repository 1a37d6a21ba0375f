import type { GraphDocumentInput } from "../schemas/index.js";

type N = { id: string; type: string; config?: Record<string, unknown>; retry?: { maxAttempts?: number; backoffMs?: number } };
type E = [source: string, sourcePort: string, target: string, targetPort: string];

/** A graph document from a compact description, for tests and benchmarks. */
export function graph(nodes: N[], edges: E[] = [], settings?: GraphDocumentInput["settings"]): GraphDocumentInput {
  return {
    version: 1,
    name: "test graph",
    nodes: nodes.map((n, i) => ({ id: n.id, type: n.type, position: { x: i * 200, y: 0 }, config: n.config ?? {}, retry: n.retry })),
    edges: edges.map(([source, sourcePort, target, targetPort], i) => ({ id: `e${i}`, source, sourcePort, target, targetPort })),
    settings,
  };
}

/** A chain of `n` nodes: const -> step -> step ... (or -> pass -> pass, the no-op). */
export function chain(n: number, type: "test.step" | "test.pass" = "test.step"): GraphDocumentInput {
  const nodes: N[] = [{ id: "n0", type: "test.const", config: { value: 0 } }];
  const edges: E[] = [];
  for (let i = 1; i < n; i++) {
    nodes.push({ id: `n${i}`, type, config: type === "test.step" ? { add: 1 } : { salt: i } });
    edges.push([`n${i - 1}`, "out", `n${i}`, "in"]);
  }
  return graph(nodes, edges);
}
