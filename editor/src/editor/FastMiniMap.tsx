/**
 * The minimap, drawn on a <canvas>: React Flow's SVG minimap re-rasterises every node rectangle
 * on each panned frame, which measured as the largest single cost of panning a 500-node graph in
 * software rendering (bench/editor.ts). Here the nodes are a few hundred fillRect calls, and the
 * viewport frame is a positioned <div>. Click or drag on it to move the view.
 */
import { useReactFlow, useStore as useFlowStore } from "@xyflow/react";
import { useEffect, useMemo, useRef, useSyncExternalStore, type PointerEvent } from "react";
import type { NodeRunStatus } from "../../../schemas/index.js";
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";
import { STATUS_LOOK } from "./status.js";

const W = 200;
const H = 140;
const PAD = 40;

export function FastMiniMap() {
  const { session, runs } = useEditor();
  const nodes = useSyncExternalStore(session.binding.subscribe, session.binding.getNodes);
  const byNode = useStore(runs.state, (s) => s.byNode);
  const [tx, ty, zoom] = useFlowStore((s) => s.transform);
  const paneW = useFlowStore((s) => s.width);
  const paneH = useFlowStore((s) => s.height);
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const dragging = useRef(false);

  // What is on screen, in flow coordinates.
  const view = { x: -tx / zoom, y: -ty / zoom, w: paneW / zoom, h: paneH / zoom };
  const nodeBounds = useMemo(() => {
    if (!nodes.length) return null;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of nodes) {
      const w = n.measured?.width ?? 250;
      const h = n.measured?.height ?? 140;
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + w);
      y1 = Math.max(y1, n.position.y + h);
    }
    return { x0, y0, x1, y1 };
  }, [nodes]);
  const b = nodeBounds ?? { x0: view.x, y0: view.y, x1: view.x + view.w, y1: view.y + view.h };
  const x0 = Math.min(b.x0, view.x) - PAD;
  const y0 = Math.min(b.y0, view.y) - PAD;
  const x1 = Math.max(b.x1, view.x + view.w) + PAD;
  const y1 = Math.max(b.y1, view.y + view.h) + PAD;
  const scale = Math.min(W / (x1 - x0), H / (y1 - y0));
  const ox = (W - (x1 - x0) * scale) / 2;
  const oy = (H - (y1 - y0) * scale) / 2;
  const key = `${x0.toFixed(0)},${y0.toFixed(0)},${scale.toFixed(5)}`;

  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    for (const n of nodes) {
      const status = byNode[n.id]?.status as NodeRunStatus | undefined;
      ctx.fillStyle = n.selected ? "#9b83ff" : status ? STATUS_LOOK[status].color : "#3b4252";
      const w = (n.measured?.width ?? 250) * scale;
      const h = (n.measured?.height ?? 140) * scale;
      ctx.fillRect(ox + (n.position.x - x0) * scale, oy + (n.position.y - y0) * scale, Math.max(1, w), Math.max(1, h));
    }
    // Redrawn when the nodes, their states or the map's frame change; panning inside it only moves the div.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [nodes, byNode, key]);

  const moveTo = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const fx = (e.clientX - r.left - ox) / scale + x0;
    const fy = (e.clientY - r.top - oy) / scale + y0;
    void flow.setCenter(fx, fy, { zoom });
  };

  return (
    <div
      className="fast-minimap nopan nowheel nodrag"
      data-testid="minimap"
      aria-label="Minimap: click or drag to move the view"
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        moveTo(e);
      }}
      onPointerMove={(e) => dragging.current && moveTo(e)}
      onPointerUp={() => (dragging.current = false)}
    >
      <canvas ref={canvas} width={W} height={H} />
      <div
        className="fast-minimap-view"
        style={{ left: ox + (view.x - x0) * scale, top: oy + (view.y - y0) * scale, width: view.w * scale, height: view.h * scale }}
      />
    </div>
  );
}
