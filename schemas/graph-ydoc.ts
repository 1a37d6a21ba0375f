/**
 * The graph document as a Y.Doc, shared by the collaboration server and the editor.
 *
 * Shape (top-level types of the doc):
 * - `nodes`: Y.Map<id, Y.Map>  each node map holds id, type, position {x,y}, config (a Y.Map of
 *   field -> JSON value, so two people editing different fields of one node both win), label?,
 *   retry?, and `order` (a number that keeps the document's node order stable on every client;
 *   Y.Map iteration order is not guaranteed to agree between peers).
 * - `edges`: Y.Map<id, plain edge object + order>  an edge never changes, it is replaced.
 * - `meta`:  Y.Map with `name` and `settings`.
 *
 * This module imports only yjs (and types), so it can ship in the browser bundle. It is kept
 * out of schemas/index.ts on purpose: code that only needs zod schemas does not load yjs.
 */
import * as Y from "yjs";
import type { GraphDocument, GraphEdge, GraphNode } from "./graph.js";

export type NodeMap = Y.Map<unknown>;
export interface StoredEdge extends GraphEdge {
  order: number;
}

export interface GraphMaps {
  nodes: Y.Map<NodeMap>;
  edges: Y.Map<StoredEdge>;
  meta: Y.Map<unknown>;
}

export const DEFAULT_GRAPH_NAME = "Untitled graph";

export function graphMaps(doc: Y.Doc): GraphMaps {
  return { nodes: doc.getMap<NodeMap>("nodes"), edges: doc.getMap<StoredEdge>("edges"), meta: doc.getMap("meta") };
}

// ---------------------------------------------------------------- reading

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const finite = (v: unknown, fallback = 0) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/** One node map as a GraphNode, or null when a peer wrote something that is not a node. */
export function readNode(m: NodeMap): GraphNode | null {
  const id = m.get("id");
  const type = m.get("type");
  if (typeof id !== "string" || !id || typeof type !== "string" || !type) return null;
  const pos = m.get("position");
  const cfg = m.get("config");
  const node: GraphNode = {
    id,
    type,
    position: isRecord(pos) ? { x: finite(pos.x), y: finite(pos.y) } : { x: 0, y: 0 },
    config: cfg instanceof Y.Map ? (cfg.toJSON() as Record<string, unknown>) : isRecord(cfg) ? { ...cfg } : {},
  };
  const label = m.get("label");
  if (typeof label === "string") node.label = label;
  const retry = m.get("retry");
  if (isRecord(retry)) node.retry = retry as GraphNode["retry"];
  return node;
}

const byOrder = <T extends { id: string }>(a: { order: number; v: T }, b: { order: number; v: T }) =>
  a.order - b.order || (a.v.id < b.v.id ? -1 : a.v.id > b.v.id ? 1 : 0);

/** Nodes in document order (by `order`, then id: the same on every peer). */
export function readNodes(doc: Y.Doc): GraphNode[] {
  const out: { order: number; v: GraphNode }[] = [];
  for (const m of graphMaps(doc).nodes.values()) {
    if (!(m instanceof Y.Map)) continue;
    const v = readNode(m);
    if (v) out.push({ order: finite(m.get("order")), v });
  }
  return out.sort(byOrder).map((x) => x.v);
}

export function readEdge(e: unknown): GraphEdge | null {
  if (!isRecord(e)) return null;
  const { id, source, sourcePort, target, targetPort } = e;
  if (![id, source, sourcePort, target, targetPort].every((s) => typeof s === "string" && s.length > 0)) return null;
  return { id, source, sourcePort, target, targetPort } as GraphEdge;
}

/**
 * Edges in document order. Edges whose end node is gone are left out: when one person deletes a
 * node while another connects to it, both edits merge and the dangling edge simply disappears.
 */
export function readEdges(doc: Y.Doc, nodeIds?: Set<string>): GraphEdge[] {
  const { nodes, edges } = graphMaps(doc);
  const has = (id: string) => (nodeIds ? nodeIds.has(id) : nodes.has(id));
  const out: { order: number; v: GraphEdge }[] = [];
  for (const raw of edges.values()) {
    const v = readEdge(raw);
    if (v && has(v.source) && has(v.target)) out.push({ order: finite((raw as StoredEdge).order), v });
  }
  return out.sort(byOrder).map((x) => x.v);
}

export function readSettings(doc: Y.Doc): GraphDocument["settings"] | undefined {
  const s = graphMaps(doc).meta.get("settings");
  if (!isRecord(s)) return undefined;
  const settings: NonNullable<GraphDocument["settings"]> = {};
  if (typeof s.budgetUsd === "number" && s.budgetUsd >= 0) settings.budgetUsd = s.budgetUsd;
  if (typeof s.concurrency === "number" && Number.isInteger(s.concurrency) && s.concurrency >= 1) settings.concurrency = s.concurrency;
  return settings;
}

export function readName(doc: Y.Doc, fallback = DEFAULT_GRAPH_NAME): string {
  const name = graphMaps(doc).meta.get("name");
  return typeof name === "string" && name.trim() ? name.slice(0, 200) : fallback;
}

/** The whole doc as a GraphDocument (what REST reads and runs see). */
export function readGraphDocument(doc: Y.Doc, fallbackName = DEFAULT_GRAPH_NAME): GraphDocument {
  const nodes = readNodes(doc);
  const ids = new Set(nodes.map((n) => n.id));
  const out: GraphDocument = { version: 1, name: readName(doc, fallbackName), nodes, edges: readEdges(doc, ids) };
  const settings = readSettings(doc);
  if (settings) out.settings = settings;
  return out;
}

// ---------------------------------------------------------------- writing

/**
 * Equal as JSON values: the same keys (`undefined`-valued ones aside, key order aside) and equal
 * values at every level, arrays in order. What canonicalJson (lib/canonical-json.ts) strings
 * would say, without building them; schemas/ and the editor may not import lib/.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  // A missing value reads as null, as JSON writes `undefined` in an array.
  if ((a ?? null) === (b ?? null)) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  return keys.length === Object.keys(b).filter((k) => b[k] !== undefined).length && keys.every((k) => b[k] !== undefined && sameJson(a[k], b[k]));
}
const same = sameJson;

function maxOrder(values: Iterable<unknown>): number {
  let max = -1;
  for (const v of values) {
    const o = v instanceof Y.Map ? v.get("order") : isRecord(v) ? v.order : undefined;
    if (typeof o === "number" && o > max) max = o;
  }
  return max;
}

/** Set `key` only when the value differs, so unchanged fields create no CRDT history. */
function setIfChanged(m: Y.Map<unknown>, key: string, value: unknown) {
  if (value === undefined) {
    if (m.has(key)) m.delete(key);
  } else if (!same(m.get(key), value)) {
    m.set(key, value);
  }
}

function writeConfig(node: NodeMap, config: Record<string, unknown>) {
  let cfg = node.get("config");
  if (!(cfg instanceof Y.Map)) {
    cfg = new Y.Map<unknown>();
    node.set("config", cfg);
  }
  const ymap = cfg as Y.Map<unknown>;
  for (const k of [...ymap.keys()]) if (!(k in config) || config[k] === undefined) ymap.delete(k);
  for (const [k, v] of Object.entries(config)) setIfChanged(ymap, k, v);
}

function writeNodeFields(m: NodeMap, n: GraphNode) {
  setIfChanged(m, "id", n.id);
  setIfChanged(m, "type", n.type);
  setIfChanged(m, "position", { x: n.position.x, y: n.position.y });
  setIfChanged(m, "label", n.label);
  setIfChanged(m, "retry", n.retry);
  writeConfig(m, n.config ?? {});
}

function newNodeMap(n: GraphNode, order: number): NodeMap {
  const m = new Y.Map<unknown>();
  m.set("id", n.id);
  m.set("type", n.type);
  m.set("position", { x: n.position.x, y: n.position.y });
  m.set("order", order);
  if (n.label !== undefined) m.set("label", n.label);
  if (n.retry !== undefined) m.set("retry", n.retry);
  const cfg = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(n.config ?? {})) if (v !== undefined) cfg.set(k, v);
  m.set("config", cfg);
  return m;
}

/**
 * Make the doc equal to `gd`, touching only what differs (a REST save while people are editing
 * changes just the fields it changed, and their concurrent edits elsewhere survive).
 */
export function applyGraphDocument(doc: Y.Doc, gd: GraphDocument, origin: unknown = null): void {
  const { nodes, edges, meta } = graphMaps(doc);
  doc.transact(() => {
    setIfChanged(meta, "name", gd.name);
    setIfChanged(meta, "settings", gd.settings);
    const wantNodes = new Map(gd.nodes.map((n, i) => [n.id, { n, i }]));
    for (const id of [...nodes.keys()]) if (!wantNodes.has(id)) nodes.delete(id);
    for (const [id, { n, i }] of wantNodes) {
      const m = nodes.get(id);
      if (m instanceof Y.Map) {
        writeNodeFields(m, n);
        setIfChanged(m, "order", i);
      } else {
        nodes.set(id, newNodeMap(n, i));
      }
    }
    const wantEdges = new Map(gd.edges.map((e, i) => [e.id, { ...pickEdge(e), order: i }]));
    for (const id of [...edges.keys()]) if (!wantEdges.has(id)) edges.delete(id);
    for (const [id, e] of wantEdges) if (!same(edges.get(id), e)) edges.set(id, e);
  }, origin);
}

const pickEdge = (e: GraphEdge): GraphEdge => ({
  id: e.id,
  source: e.source,
  sourcePort: e.sourcePort,
  target: e.target,
  targetPort: e.targetPort,
});

// ---------------------------------------------------------------- editing operations (editor + tests)

export function addNodes(doc: Y.Doc, list: GraphNode[], origin: unknown = null): void {
  const { nodes } = graphMaps(doc);
  doc.transact(() => {
    let order = maxOrder(nodes.values());
    for (const n of list) nodes.set(n.id, newNodeMap(n, ++order));
  }, origin);
}

/** Remove nodes and every edge touching them. */
export function removeNodes(doc: Y.Doc, ids: Iterable<string>, origin: unknown = null): void {
  const { nodes, edges } = graphMaps(doc);
  const gone = new Set(ids);
  doc.transact(() => {
    for (const id of gone) nodes.delete(id);
    for (const [id, e] of edges.entries()) if (gone.has(e?.source) || gone.has(e?.target)) edges.delete(id);
  }, origin);
}

export function moveNodes(doc: Y.Doc, positions: Record<string, { x: number; y: number }>, origin: unknown = null): void {
  const { nodes } = graphMaps(doc);
  doc.transact(() => {
    for (const [id, p] of Object.entries(positions)) {
      const m = nodes.get(id);
      if (m instanceof Y.Map) setIfChanged(m, "position", { x: p.x, y: p.y });
    }
  }, origin);
}

/** Set one config field (undefined removes it, so the node's default applies). */
export function setNodeConfigField(doc: Y.Doc, id: string, field: string, value: unknown, origin: unknown = null): void {
  const m = graphMaps(doc).nodes.get(id);
  if (!(m instanceof Y.Map)) return;
  doc.transact(() => {
    let cfg = m.get("config");
    if (!(cfg instanceof Y.Map)) {
      cfg = new Y.Map<unknown>();
      m.set("config", cfg);
    }
    setIfChanged(cfg as Y.Map<unknown>, field, value);
  }, origin);
}

export function setNodeLabel(doc: Y.Doc, id: string, label: string | undefined, origin: unknown = null): void {
  const m = graphMaps(doc).nodes.get(id);
  if (m instanceof Y.Map) doc.transact(() => setIfChanged(m, "label", label || undefined), origin);
}

export function addEdges(doc: Y.Doc, list: GraphEdge[], origin: unknown = null): void {
  const { edges } = graphMaps(doc);
  doc.transact(() => {
    let order = maxOrder(edges.values());
    for (const e of list) edges.set(e.id, { ...pickEdge(e), order: ++order });
  }, origin);
}

export function removeEdges(doc: Y.Doc, ids: Iterable<string>, origin: unknown = null): void {
  const { edges } = graphMaps(doc);
  doc.transact(() => {
    for (const id of ids) edges.delete(id);
  }, origin);
}

export function setGraphName(doc: Y.Doc, name: string, origin: unknown = null): void {
  doc.transact(() => setIfChanged(graphMaps(doc).meta, "name", name), origin);
}

export function setGraphSettings(doc: Y.Doc, settings: GraphDocument["settings"], origin: unknown = null): void {
  doc.transact(() => setIfChanged(graphMaps(doc).meta, "settings", settings), origin);
}
