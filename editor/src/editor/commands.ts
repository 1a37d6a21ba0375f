/**
 * Everything a person can do to the graph, as one object shared by the canvas, the keyboard
 * shortcuts, the toolbar, the palette and the inspector. Every edit is made with the session's
 * origin, so it lands in this person's undo history only.
 */
import type { Connection, ReactFlowInstance } from "@xyflow/react";
import type { GraphDocument, GraphNode } from "../../../schemas/graph.js";
import {
  addEdges,
  addNodes,
  applyGraphDocument,
  moveNodes,
  readEdges,
  readGraphDocument,
  readNodes,
  removeEdges,
  removeNodes,
  setGraphName,
  setGraphSettings,
  setNodeConfigField,
  setNodeLabel,
} from "../../../schemas/graph-ydoc.js";
import type { FlowEdge, FlowNode } from "../collab/binding.js";
import type { CollabSession } from "../collab/session.js";
import { copySelection, instantiate, newEdgeId, newNodeId, parseClipboard, type ClipboardPayload } from "../graph/clipboard.js";
import { freeSpot, layoutGraph } from "../graph/layout.js";
import { checkConnection, type Catalog, type ConnectionCheck } from "../graph/ports.js";
import { emptyValue, type JsonSchema } from "../graph/schema.js";

export class EditorCommands {
  private flow: ReactFlowInstance<FlowNode, FlowEdge> | null = null;
  /** Kept for browsers that refuse clipboard access (http origins, tests). */
  private localClipboard: ClipboardPayload | null = null;
  private pasteCount = 0;

  constructor(
    private readonly session: CollabSession,
    private readonly catalog: () => Catalog,
  ) {}

  setFlow(flow: ReactFlowInstance<FlowNode, FlowEdge> | null) {
    this.flow = flow;
  }

  private get doc() {
    return this.session.doc;
  }
  private get origin() {
    return this.session.origin;
  }
  private get binding() {
    return this.session.binding;
  }

  document(): GraphDocument {
    return readGraphDocument(this.doc);
  }

  // ------------------------------------------------------------------ nodes

  /** Add a node of `type` (at `position`, or in the middle of the view) and select it. */
  addNode(type: string, position?: { x: number; y: number }): string {
    const info = this.catalog().get(type);
    const taken = new Set(readNodes(this.doc).map((n) => n.id));
    const id = newNodeId(type, taken);
    const at = position ?? this.freeSpotNearCenter();
    const config: Record<string, unknown> = {};
    // Fields that are required and have no default start empty-but-typed, so the form shows them.
    const schema = info?.configSchema as JsonSchema | undefined;
    for (const req of schema?.required ?? []) {
      const prop = schema?.properties?.[req];
      if (prop && prop.default === undefined) config[req] = emptyValue(prop, schema!);
    }
    const node: GraphNode = { id, type, position: { x: Math.round(at.x), y: Math.round(at.y) }, config };
    this.session.stopCapturing();
    addNodes(this.doc, [node], this.origin);
    this.binding.select([id]);
    return id;
  }

  setConfigField(nodeId: string, field: string, value: unknown) {
    setNodeConfigField(this.doc, nodeId, field, value, this.origin);
  }

  setLabel(nodeId: string, label: string) {
    setNodeLabel(this.doc, nodeId, label.trim() || undefined, this.origin);
  }

  deleteSelection() {
    const nodes = this.binding.selectedNodeIds();
    const edges = this.binding.selectedEdgeIds();
    if (!nodes.length && !edges.length) return;
    this.session.stopCapturing();
    this.session.transact(() => {
      removeEdges(this.doc, edges, this.origin);
      removeNodes(this.doc, nodes, this.origin);
    });
  }

  selectAll() {
    this.binding.select(
      this.binding.getNodes().map((n) => n.id),
      this.binding.getEdges().map((e) => e.id),
    );
  }

  select(nodeIds: string[]) {
    this.binding.select(nodeIds);
  }

  /** Select a node and bring it into view (from an error list, the run panel...). */
  focusNode(nodeId: string) {
    this.binding.select([nodeId]);
    const n = this.binding.getNodes().find((x) => x.id === nodeId);
    if (n && this.flow) {
      const w = n.measured?.width ?? 240;
      const h = n.measured?.height ?? 120;
      void this.flow.setCenter(n.position.x + w / 2, n.position.y + h / 2, { zoom: Math.max(this.flow.getZoom(), 0.9), duration: 300 });
    }
  }

  // ------------------------------------------------------------------ clipboard

  private selectionPayload(): ClipboardPayload | null {
    const selected = new Set(this.binding.selectedNodeIds());
    if (!selected.size) return null;
    return copySelection(readNodes(this.doc), readEdges(this.doc), selected);
  }

  async copy(): Promise<number> {
    const payload = this.selectionPayload();
    if (!payload) return 0;
    this.localClipboard = payload;
    this.pasteCount = 0;
    try {
      await navigator.clipboard?.writeText(JSON.stringify(payload));
    } catch {
      // no clipboard permission: the in-tab copy still works
    }
    return payload.nodes.length;
  }

  async cut(): Promise<number> {
    const n = await this.copy();
    this.deleteSelection();
    return n;
  }

  async paste(): Promise<number> {
    let payload: ClipboardPayload | null = null;
    try {
      const text = await navigator.clipboard?.readText();
      if (text) payload = parseClipboard(text);
    } catch {
      // denied: use the in-tab clipboard
    }
    payload ??= this.localClipboard;
    if (!payload?.nodes.length) return 0;
    this.pasteCount++;
    return this.insertCopy(payload, { x: 40 * this.pasteCount, y: 40 * this.pasteCount });
  }

  duplicateSelection(): number {
    const payload = this.selectionPayload();
    return payload ? this.insertCopy(payload, { x: 40, y: 40 }) : 0;
  }

  private insertCopy(payload: ClipboardPayload, offset: { x: number; y: number }): number {
    const taken = new Set(readNodes(this.doc).map((n) => n.id));
    const { nodes, edges } = instantiate(payload, taken, offset, newNodeId);
    this.session.stopCapturing();
    this.session.transact(() => {
      addNodes(this.doc, nodes, this.origin);
      addEdges(this.doc, edges, this.origin);
    });
    this.binding.select(nodes.map((n) => n.id));
    return nodes.length;
  }

  // ------------------------------------------------------------------ edges

  checkConnection(c: Connection | { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null }): ConnectionCheck {
    if (!c.sourceHandle || !c.targetHandle) return { ok: false, reason: "Connect an output port to an input port." };
    const graph = { nodes: readNodes(this.doc), edges: readEdges(this.doc) };
    return checkConnection(graph, this.catalog(), { node: c.source, port: c.sourceHandle }, { node: c.target, port: c.targetHandle });
  }

  connect(c: Connection): ConnectionCheck {
    const check = this.checkConnection(c);
    if (!check.ok) return check;
    this.session.stopCapturing();
    this.session.transact(() => {
      if (check.replaces.length) removeEdges(this.doc, check.replaces, this.origin);
      addEdges(this.doc, [{ id: newEdgeId(), source: c.source, sourcePort: c.sourceHandle!, target: c.target, targetPort: c.targetHandle! }], this.origin);
    });
    return check;
  }

  // ------------------------------------------------------------------ layout and view

  /** Tidy the selection (or the whole graph) into left-to-right layers. */
  autoLayout() {
    const all = this.binding.getNodes();
    const selected = all.filter((n) => n.selected);
    const nodes = selected.length > 1 ? selected : all;
    const positions = layoutGraph(
      nodes.map((n) => ({ id: n.id, width: n.measured?.width ?? 240, height: n.measured?.height ?? 140, position: n.position })),
      this.binding.getEdges(),
    );
    this.session.stopCapturing();
    moveNodes(this.doc, positions, this.origin);
    requestAnimationFrame(() => this.fitView());
  }

  fitView() {
    void this.flow?.fitView({ padding: 0.15, duration: 250, maxZoom: 1.2 });
  }

  zoomIn() {
    void this.flow?.zoomIn({ duration: 150 });
  }

  zoomOut() {
    void this.flow?.zoomOut({ duration: 150 });
  }

  screenToFlow(p: { x: number; y: number }) {
    return this.flow ? this.flow.screenToFlowPosition(p) : p;
  }

  /** Top-left for a node added from the palette: the middle of the view, moved off other nodes. */
  private freeSpotNearCenter() {
    const pane = document.querySelector(".react-flow")?.getBoundingClientRect();
    const center = pane && this.flow ? this.flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }) : { x: 0, y: 0 };
    const boxes = this.binding.getNodes().map((n) => ({ x: n.position.x, y: n.position.y, width: n.measured?.width ?? 250, height: n.measured?.height ?? 140 }));
    return freeSpot(boxes, { x: center.x - 125, y: center.y - 70 });
  }

  // ------------------------------------------------------------------ history and graph

  undo() {
    this.session.undo.undo();
  }

  redo() {
    this.session.undo.redo();
  }

  rename(name: string) {
    if (name.trim()) setGraphName(this.doc, name.trim(), this.origin);
  }

  setSettings(settings: GraphDocument["settings"]) {
    setGraphSettings(this.doc, settings, this.origin);
  }

  /** Make the live graph equal to a saved version (undoable, and everyone sees it). */
  restore(document: GraphDocument) {
    this.session.stopCapturing();
    applyGraphDocument(this.doc, { ...document, name: document.name }, this.origin);
  }
}
