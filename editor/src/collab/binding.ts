/**
 * The Yjs <-> React Flow binding. The Y.Doc holds what everyone shares (nodes, positions,
 * configs, edges); this class turns it into React Flow's `nodes`/`edges` arrays, adds what is
 * local to this person (selection, measured size, dragging), and turns React Flow's change
 * events back into Y.Doc edits made with this person's origin (so their undo only undoes them).
 *
 * Node objects are reused when nothing about them changed: React Flow re-renders only nodes
 * whose object identity changed, which keeps a 500-node canvas smooth.
 */
import type { Edge, EdgeChange, Node, NodeChange } from "@xyflow/react";
import * as Y from "yjs";
import type { GraphEdge } from "../../../schemas/graph.js";
import { graphMaps, moveNodes, readEdges, readNode, removeEdges, removeNodes, type NodeMap } from "../../../schemas/graph-ydoc.js";

export interface FlowNodeData extends Record<string, unknown> {
  type: string;
  label?: string;
  config: Record<string, unknown>;
}
export type FlowNode = Node<FlowNodeData, "genjed">;
export interface FlowEdgeData extends Record<string, unknown> {
  sourcePort: string;
  targetPort: string;
}
export type FlowEdge = Edge<FlowEdgeData>;

interface Local {
  selected: Set<string>;
  dragging: Set<string>;
  measured: Map<string, { width: number; height: number }>;
}

export class GraphBinding {
  private nodes: FlowNode[] = [];
  private edges: FlowEdge[] = [];
  private readonly nodeCache = new Map<string, FlowNode>();
  private readonly edgeCache = new Map<string, FlowEdge>();
  private readonly local: Local = { selected: new Set(), dragging: new Set(), measured: new Map() };
  private readonly selectedEdges = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly selectionListeners = new Set<(nodeIds: string[], edgeIds: string[]) => void>();
  private readonly maps;

  constructor(
    readonly doc: Y.Doc,
    /** Transaction origin of this person's edits (tracked by their UndoManager). */
    readonly origin: unknown,
  ) {
    this.maps = graphMaps(doc);
    this.rebuildAll();
    this.maps.nodes.observeDeep(this.onNodes);
    this.maps.edges.observe(this.onEdges);
  }

  destroy() {
    this.maps.nodes.unobserveDeep(this.onNodes);
    this.maps.edges.unobserve(this.onEdges);
    this.listeners.clear();
    this.selectionListeners.clear();
  }

  // ------------------------------------------------------------ reading (useSyncExternalStore)

  getNodes = (): FlowNode[] => this.nodes;
  getEdges = (): FlowEdge[] => this.edges;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onSelectionChange(listener: (nodeIds: string[], edgeIds: string[]) => void): () => void {
    this.selectionListeners.add(listener);
    return () => this.selectionListeners.delete(listener);
  }

  selectedNodeIds(): string[] {
    return this.nodes.filter((n) => n.selected).map((n) => n.id);
  }

  selectedEdgeIds(): string[] {
    return this.edges.filter((e) => e.selected).map((e) => e.id);
  }

  // ------------------------------------------------------------ React Flow -> Y.Doc

  applyNodeChanges = (changes: NodeChange<FlowNode>[]): void => {
    const moves: Record<string, { x: number; y: number }> = {};
    const removals: string[] = [];
    const touched = new Set<string>();
    let selectionChanged = false;
    for (const c of changes) {
      switch (c.type) {
        case "position":
          if (c.position) moves[c.id] = c.position;
          if (c.dragging !== undefined && c.dragging !== this.local.dragging.has(c.id)) {
            if (c.dragging) this.local.dragging.add(c.id);
            else this.local.dragging.delete(c.id);
            touched.add(c.id);
          }
          break;
        case "dimensions":
          if (c.dimensions) {
            const prev = this.local.measured.get(c.id);
            if (!prev || prev.width !== c.dimensions.width || prev.height !== c.dimensions.height) {
              this.local.measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
              touched.add(c.id);
            }
          }
          break;
        case "select":
          if (c.selected !== this.local.selected.has(c.id)) {
            if (c.selected) this.local.selected.add(c.id);
            else this.local.selected.delete(c.id);
            touched.add(c.id);
            selectionChanged = true;
          }
          break;
        case "remove":
          removals.push(c.id);
          break;
        default:
          break;
      }
    }
    if (Object.keys(moves).length) moveNodes(this.doc, moves, this.origin); // observer rebuilds them
    if (removals.length) removeNodes(this.doc, removals, this.origin);
    const stillTouched = [...touched].filter((id) => !(id in moves) && this.nodeCache.has(id));
    if (stillTouched.length) {
      for (const id of stillTouched) this.rebuildNode(id);
      this.publishNodes();
    }
    if (selectionChanged) this.emitSelection();
  };

  applyEdgeChanges = (changes: EdgeChange<FlowEdge>[]): void => {
    const removals: string[] = [];
    let selectionChanged = false;
    for (const c of changes) {
      if (c.type === "remove") removals.push(c.id);
      else if (c.type === "select" && c.selected !== this.selectedEdges.has(c.id)) {
        if (c.selected) this.selectedEdges.add(c.id);
        else this.selectedEdges.delete(c.id);
        this.rebuildEdge(c.id);
        selectionChanged = true;
      }
    }
    if (removals.length) removeEdges(this.doc, removals, this.origin);
    else if (selectionChanged) this.publishEdges();
    if (selectionChanged) this.emitSelection();
  };

  /** Replace the selection (after paste, duplicate, select-all). */
  select(nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): void {
    const nodes = new Set(nodeIds);
    const edges = new Set(edgeIds);
    for (const id of new Set([...this.local.selected, ...nodes])) {
      if (nodes.has(id) !== this.local.selected.has(id)) {
        if (nodes.has(id)) this.local.selected.add(id);
        else this.local.selected.delete(id);
        this.rebuildNode(id);
      }
    }
    for (const id of new Set([...this.selectedEdges, ...edges])) {
      if (edges.has(id) !== this.selectedEdges.has(id)) {
        if (edges.has(id)) this.selectedEdges.add(id);
        else this.selectedEdges.delete(id);
        this.rebuildEdge(id);
      }
    }
    this.publishNodes();
    this.publishEdges();
    this.emitSelection();
  }

  // ------------------------------------------------------------ Y.Doc -> React Flow

  private onNodes = (events: Y.YEvent<any>[]) => {
    const changed = new Set<string>();
    let membership = false;
    for (const ev of events) {
      if (ev.target === this.maps.nodes) {
        for (const key of (ev as Y.YMapEvent<unknown>).keysChanged) changed.add(key);
        membership = true;
      } else {
        const id = ev.path[0];
        if (typeof id === "string") changed.add(id);
      }
    }
    for (const id of changed) this.rebuildNode(id);
    if (membership) {
      // A node appearing or going changes which edges can be drawn.
      this.pruneLocal();
      this.rebuildEdgesFromDoc();
      this.publishEdges();
    }
    this.publishNodes(membership);
  };

  private onEdges = () => {
    this.rebuildEdgesFromDoc();
    this.publishEdges();
  };

  private rebuildAll() {
    for (const id of this.maps.nodes.keys()) this.rebuildNode(id);
    this.publishNodes(true);
    this.rebuildEdgesFromDoc();
    this.publishEdges();
  }

  private rebuildNode(id: string) {
    const m = this.maps.nodes.get(id);
    const node = m instanceof Y.Map ? readNode(m as NodeMap) : null;
    if (!node) {
      this.nodeCache.delete(id);
      return;
    }
    const measured = this.local.measured.get(id);
    const flow: FlowNode = {
      id,
      type: "genjed",
      position: node.position,
      data: { type: node.type, label: node.label, config: node.config },
      selected: this.local.selected.has(id),
      dragging: this.local.dragging.has(id),
      ...(measured ? { measured } : {}),
    };
    this.nodeCache.set(id, flow);
  }

  private order = new Map<string, number>();

  private publishNodes(reorder = false) {
    if (reorder) {
      this.order.clear();
      for (const [id, m] of this.maps.nodes.entries()) {
        const o = m instanceof Y.Map ? m.get("order") : 0;
        this.order.set(id, typeof o === "number" ? o : 0);
      }
    }
    const list = [...this.nodeCache.values()];
    list.sort((a, b) => (this.order.get(a.id) ?? 0) - (this.order.get(b.id) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.nodes = list;
    this.notify();
  }

  private rebuildEdgesFromDoc() {
    const seen = new Set<string>();
    for (const e of readEdges(this.doc, new Set(this.nodeCache.keys()))) {
      seen.add(e.id);
      const prev = this.edgeCache.get(e.id);
      if (!prev || !sameEdge(prev, e)) this.edgeCache.set(e.id, toFlowEdge(e, this.selectedEdges.has(e.id)));
    }
    for (const id of [...this.edgeCache.keys()]) if (!seen.has(id)) this.edgeCache.delete(id);
    for (const id of [...this.selectedEdges]) if (!seen.has(id)) this.selectedEdges.delete(id);
  }

  private rebuildEdge(id: string) {
    const prev = this.edgeCache.get(id);
    if (prev) this.edgeCache.set(id, { ...prev, selected: this.selectedEdges.has(id) });
  }

  private publishEdges() {
    this.edges = [...this.edgeCache.values()];
    this.notify();
  }

  /** Forget local state of nodes that are gone (deleted here or by someone else). */
  private pruneLocal() {
    let selectionChanged = false;
    for (const id of [...this.local.selected]) {
      if (!this.nodeCache.has(id)) {
        this.local.selected.delete(id);
        selectionChanged = true;
      }
    }
    for (const id of [...this.local.measured.keys()]) if (!this.nodeCache.has(id)) this.local.measured.delete(id);
    for (const id of [...this.local.dragging]) if (!this.nodeCache.has(id)) this.local.dragging.delete(id);
    if (selectionChanged) queueMicrotask(() => this.emitSelection());
  }

  private notify() {
    for (const l of [...this.listeners]) l();
  }

  private emitSelection() {
    const nodes = [...this.local.selected];
    const edges = [...this.selectedEdges];
    for (const l of [...this.selectionListeners]) l(nodes, edges);
  }
}

function toFlowEdge(e: GraphEdge, selected: boolean): FlowEdge {
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: e.sourcePort,
    targetHandle: e.targetPort,
    selected,
    data: { sourcePort: e.sourcePort, targetPort: e.targetPort },
  };
}

const sameEdge = (f: FlowEdge, e: GraphEdge) =>
  f.source === e.source && f.target === e.target && f.sourceHandle === e.sourcePort && f.targetHandle === e.targetPort;
