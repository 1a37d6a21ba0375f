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

/**
 * A spot for a new node near `at` that does not cover an existing node: `at` itself, else the
 * nearest free grid position around it, preferring below and to the right (where a pipeline grows).
 */
export function freeSpot(existing: { x: number; y: number; width: number; height: number }[], at: { x: number; y: number }, size = { width: 250, height: 140 }, gap = 24): { x: number; y: number } {
  const hits = (x: number, y: number) =>
    existing.some((r) => x < r.x + r.width + gap && x + size.width + gap > r.x && y < r.y + r.height + gap && y + size.height + gap > r.y);
  const stepX = Math.round((size.width + gap) / 2);
  const stepY = Math.round((size.height + gap) / 2);
  const candidates: { dx: number; dy: number; cost: number }[] = [];
  for (let dy = -8; dy <= 8; dy++) {
    for (let dx = -8; dx <= 8; dx++) {
      // Distance in node sizes, a little dearer up and to the left.
      const cost = Math.hypot(dx * stepX, dy * stepY) * (dx < 0 || dy < 0 ? 1.35 : 1);
      candidates.push({ dx, dy, cost });
    }
  }
  candidates.sort((a, b) => a.cost - b.cost);
  for (const c of candidates) {
    const x = at.x + c.dx * stepX;
    const y = at.y + c.dy * stepY;
    if (!hits(x, y)) return { x, y };
  }
  return at;
}
