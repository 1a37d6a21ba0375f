/**
 * Auto-layout: left-to-right layers (dagre), the way pipelines read. Only the given nodes move;
 * sizes come from what React Flow measured, so tall nodes do not overlap.
 */
import dagre from "@dagrejs/dagre";

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  position: { x: number; y: number };
}

export function layoutGraph(nodes: LayoutNode[], edges: { source: string; target: string }[]): Record<string, { x: number; y: number }> {
  if (nodes.length === 0) return {};
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 90, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  // Keep the laid-out block where the nodes were (top-left of their bounding box), so the view does not jump.
  const minX = Math.min(...nodes.map((n) => n.position.x));
  const minY = Math.min(...nodes.map((n) => n.position.y));
  const laid = nodes.map((n) => {
    const p = g.node(n.id) as { x: number; y: number };
    return { id: n.id, x: p.x - n.width / 2, y: p.y - n.height / 2 };
  });
  const lx = Math.min(...laid.map((p) => p.x));
  const ly = Math.min(...laid.map((p) => p.y));
  const out: Record<string, { x: number; y: number }> = {};
  for (const p of laid) out[p.id] = { x: Math.round(p.x - lx + minX), y: Math.round(p.y - ly + minY) };
  return out;
}
