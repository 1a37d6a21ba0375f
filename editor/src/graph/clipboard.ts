/**
 * Copy/paste and duplicate of a selection: the nodes with the edges between them, given fresh ids
 * and offset so the copy is visible. The clipboard payload is plain JSON (works across tabs and
 * graphs through the system clipboard).
 */
import type { GraphEdge, GraphNode } from "../../../schemas/graph.js";

export const CLIPBOARD_KIND = "genjed/selection@1";

export interface ClipboardPayload {
  kind: typeof CLIPBOARD_KIND;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function copySelection(nodes: GraphNode[], edges: GraphEdge[], selected: Set<string>): ClipboardPayload {
  return {
    kind: CLIPBOARD_KIND,
    nodes: nodes.filter((n) => selected.has(n.id)).map((n) => structuredClone(n)),
    edges: edges.filter((e) => selected.has(e.source) && selected.has(e.target)).map((e) => ({ ...e })),
  };
}

export function parseClipboard(text: string): ClipboardPayload | null {
  try {
    const v = JSON.parse(text) as ClipboardPayload;
    if (v?.kind === CLIPBOARD_KIND && Array.isArray(v.nodes) && Array.isArray(v.edges)) return v;
  } catch {
    // not ours
  }
  return null;
}

/** Fresh ids for pasted nodes (edges rewired to them), moved by `offset`. */
export function instantiate(
  payload: ClipboardPayload,
  existingIds: Set<string>,
  offset: { x: number; y: number },
  newId: (base: string, taken: Set<string>) => string,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const taken = new Set(existingIds);
  const map = new Map<string, string>();
  const nodes = payload.nodes.map((n) => {
    const id = newId(n.type, taken);
    taken.add(id);
    map.set(n.id, id);
    return { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edges = payload.edges
    .filter((e) => map.has(e.source) && map.has(e.target))
    .map((e) => ({ ...e, id: newEdgeId(), source: map.get(e.source)!, target: map.get(e.target)! }));
  return { nodes, edges };
}

/** A readable, unique node id: "image_generate_3". */
export function newNodeId(type: string, taken: Set<string>): string {
  const base = type.replace(/[^a-zA-Z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "node";
  for (let i = 1; ; i++) {
    const id = `${base}_${i}`;
    if (!taken.has(id)) return id;
  }
}

export function newEdgeId(): string {
  return `e_${Math.random().toString(36).slice(2, 10)}${Date.now().toString(36).slice(-4)}`;
}
