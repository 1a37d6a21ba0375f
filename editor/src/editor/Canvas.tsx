/** The React Flow canvas bound to the shared Y.Doc. */
import {
  ReactFlow,
  type Connection,
  type FinalConnectionState,
  type IsValidConnection,
  type ReactFlowInstance,
} from "@xyflow/react";
import { useCallback, useMemo, useRef, useState, useSyncExternalStore, type DragEvent, type MouseEvent } from "react";
import type { FlowEdge, FlowNode } from "../collab/binding.js";
import { portColor } from "../graph/ports.js";
import { toast } from "../lib/toast.js";
import { useStore } from "../lib/store.js";
import { CanvasToolbar } from "./CanvasToolbar.js";
import { ConnectionHint } from "./ConnectionHint.js";
import { useDetailLevel } from "./DetailLevel.js";
import { useEditor } from "./context.js";
import { FastMiniMap } from "./FastMiniMap.js";
import { FlowNodeView } from "./FlowNodeView.js";
import { GridBackground } from "./GridBackground.js";
import { RemoteCursors } from "./RemoteCursors.js";
import { PALETTE_DRAG_TYPE } from "./Palette.js";

const nodeTypes = { genjed: FlowNodeView };
const FIT_VIEW = { padding: 0.15, maxZoom: 1.2 };

export function Canvas() {
  const { session, commands, catalog, runs } = useEditor();
  const binding = session.binding;
  const nodes = useSyncExternalStore(binding.subscribe, binding.getNodes);
  const rawEdges = useSyncExternalStore(binding.subscribe, binding.getEdges);
  const byNode = useStore(runs.state, (s) => s.byNode);
  const [wrapper, setWrapper] = useState<HTMLDivElement | null>(null);
  useDetailLevel(wrapper);

  // Edges take the colour of the data flowing through them, and animate while it is produced.
  const styled = useRef(new WeakMap<FlowEdge, { edge: FlowEdge; active: boolean; color: string }>());
  const edges = useMemo(() => {
    const typeOf = new Map(nodes.map((n) => [n.id, n.data.type]));
    return rawEdges.map((e) => {
      const color = portColor(catalog.get(typeOf.get(e.source) ?? "")?.outputs.find((p) => p.name === e.sourceHandle)?.type);
      const active = byNode[e.source]?.status === "running" || byNode[e.target]?.status === "running";
      const hit = styled.current.get(e);
      if (hit && hit.active === active && hit.color === color) return hit.edge;
      const edge: FlowEdge = { ...e, animated: active, style: { stroke: color, strokeWidth: e.selected ? 3 : 2 } };
      styled.current.set(e, { edge, active, color });
      return edge;
    });
  }, [rawEdges, nodes, catalog, byNode]);

  const onInit = useCallback((flow: ReactFlowInstance<FlowNode, FlowEdge>) => {
    commands.setFlow(flow);
  }, [commands]);

  const isValidConnection: IsValidConnection<FlowEdge> = useCallback((c) => commands.checkConnection(c as Connection).ok, [commands]);
  const onConnect = useCallback(
    (c: Connection) => {
      const r = commands.connect(c);
      if (!r.ok) toast("warn", "Connection refused", r.reason);
    },
    [commands],
  );
  /** Dropping a wire on an incompatible port: say why it was refused. */
  const onConnectEnd = useCallback(
    (_: unknown, state: FinalConnectionState) => {
      if (!state.fromHandle || !state.toHandle || state.isValid) return;
      const from = state.fromHandle.type === "source" ? state.fromHandle : state.toHandle;
      const to = state.fromHandle.type === "source" ? state.toHandle : state.fromHandle;
      if (from.type !== "source" || to.type !== "target") return toast("warn", "Connection refused", "Connect an output (right side) to an input (left side).");
      const r = commands.checkConnection({ source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null });
      if (!r.ok) toast("warn", "Connection refused", r.reason);
    },
    [commands],
  );

  const onMouseMove = useCallback((e: MouseEvent) => session.setCursor(commands.screenToFlow({ x: e.clientX, y: e.clientY })), [session, commands]);
  const onMouseLeave = useCallback(() => session.setCursor(null), [session]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(PALETTE_DRAG_TYPE);
      if (!type) return;
      e.preventDefault();
      const p = commands.screenToFlow({ x: e.clientX, y: e.clientY });
      commands.addNode(type, { x: p.x - 40, y: p.y - 16 });
    },
    [commands],
  );


  return (
    <div className="canvas" ref={setWrapper} onMouseMove={onMouseMove} onMouseLeave={onMouseLeave} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={binding.applyNodeChanges}
        onEdgesChange={binding.applyEdgeChanges}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onInit={onInit}
        onNodeDragStart={() => session.stopCapturing()}
        onNodeDragStop={() => session.stopCapturing()}
        deleteKeyCode={["Delete", "Backspace"]}
        multiSelectionKeyCode={["Shift", "Meta", "Control"]}
        selectionKeyCode={null}
        selectionOnDrag
        panOnDrag={[1, 2]}
        panActivationKeyCode="Space"
        panOnScroll
        zoomOnPinch
        minZoom={0.05}
        maxZoom={2.5}
        connectionRadius={28}
        snapToGrid
        snapGrid={[8, 8]}
        onlyRenderVisibleElements
        proOptions={{ hideAttribution: true }}
        colorMode="dark"
        // Fit once the nodes are measured (React Flow waits for that), so the first view shows them all.
        fitView
        fitViewOptions={FIT_VIEW}
      >
        <GridBackground />
        <FastMiniMap />
        <RemoteCursors />
        <ConnectionHint />
      </ReactFlow>
      <CanvasToolbar />
      {nodes.length === 0 && (
        <div className="canvas-empty">
          <div className="canvas-empty-title">An empty canvas</div>
          <div>Drag a node from the palette on the left, or click one to add it here.</div>
        </div>
      )}
    </div>
  );
}
