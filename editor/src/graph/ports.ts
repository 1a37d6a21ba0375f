/**
 * Port types in the editor: their colours (handles, edges, palette chips) and the rules a new
 * connection must pass before it is drawn. The compiler checks the same rules again on the server.
 */
import { portAccepts, type NodeTypeInfo, type PortType } from "../../../schemas/index.js";
import type { GraphEdge } from "../../../schemas/graph.js";

export const PORT_COLORS: Record<PortType, string> = {
  text: "#9aa4b2",
  json: "#c9a227",
  product: "#f08c3a",
  brand: "#e0669b",
  image: "#4fb0ff",
  video: "#a77bff",
  audio: "#3ccf91",
  media: "#61d4d8",
  review: "#f2c94c",
  publication: "#ff7a66",
  metrics: "#8bd450",
};

export const portColor = (t: string | undefined) => PORT_COLORS[t as PortType] ?? "#8a8f98";

export type Catalog = Map<string, NodeTypeInfo>;

export interface PortRef {
  node: string;
  port: string;
}

export type ConnectionCheck =
  | { ok: true; /** edges this connection replaces (a single-valued input keeps one connection) */ replaces: string[] }
  | { ok: false; reason: string };

export interface GraphShape {
  nodes: { id: string; type: string; label?: string }[];
  edges: GraphEdge[];
}

function nodeName(n: { id: string; type: string; label?: string }, catalog: Catalog) {
  return n.label || catalog.get(n.type)?.title || n.id;
}

/** Whether `target` is reachable from `source` along edges (a new source->target edge would close a cycle). */
function reaches(edges: GraphEdge[], from: string, to: string): boolean {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(out.get(id) ?? []));
  }
  return false;
}

/** Check a connection from an output port to an input port; the reason is shown to the person. */
export function checkConnection(graph: GraphShape, catalog: Catalog, from: PortRef, to: PortRef): ConnectionCheck {
  const src = graph.nodes.find((n) => n.id === from.node);
  const dst = graph.nodes.find((n) => n.id === to.node);
  if (!src || !dst) return { ok: false, reason: "That node no longer exists." };
  if (src.id === dst.id) return { ok: false, reason: "A node cannot feed itself." };
  const srcType = catalog.get(src.type);
  const dstType = catalog.get(dst.type);
  if (!srcType) return { ok: false, reason: `Unknown node type "${src.type}".` };
  if (!dstType) return { ok: false, reason: `Unknown node type "${dst.type}".` };
  const out = srcType.outputs.find((p) => p.name === from.port);
  const inp = dstType.inputs.find((p) => p.name === to.port);
  if (!out) return { ok: false, reason: `${nodeName(src, catalog)} has no output "${from.port}".` };
  if (!inp) return { ok: false, reason: `${nodeName(dst, catalog)} has no input "${to.port}".` };
  if (!portAccepts(inp.type, out.type)) {
    return {
      ok: false,
      reason: `${nodeName(dst, catalog)} › ${inp.label ?? inp.name} expects ${inp.type}${inp.type === "media" ? " (image, video or audio)" : ""}, but ${nodeName(src, catalog)} › ${out.label ?? out.name} gives ${out.type}.`,
    };
  }
  const existing = graph.edges.filter((e) => e.target === dst.id && e.targetPort === inp.name);
  if (existing.some((e) => e.source === src.id && e.sourcePort === out.name)) return { ok: false, reason: "These ports are already connected." };
  if (reaches(graph.edges, dst.id, src.id)) return { ok: false, reason: `That would make a loop: ${nodeName(dst, catalog)} already feeds ${nodeName(src, catalog)}.` };
  // A list input gathers several connections; a single input takes one (the new one replaces it, as in ComfyUI).
  return { ok: true, replaces: inp.list ? [] : existing.map((e) => e.id) };
}
