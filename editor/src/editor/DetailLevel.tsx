/**
 * Level of detail by zoom, as ComfyUI and Figma do: zoomed out, port labels, settings and
 * shadows are not painted (they are unreadable there and cost most of each frame while panning).
 * Only a class on the canvas changes; nodes keep their layout, so wires stay on their ports.
 */
import { useStore as useFlowStore } from "@xyflow/react";
import { useEffect } from "react";

export const LOD_MEDIUM = 0.55;
export const LOD_LOW = 0.3;

export function useDetailLevel(el: HTMLElement | null) {
  const level = useFlowStore((s) => (s.transform[2] < LOD_LOW ? "low" : s.transform[2] < LOD_MEDIUM ? "medium" : "high"));
  useEffect(() => {
    if (!el) return;
    el.dataset.lod = level;
  }, [el, level]);
}
