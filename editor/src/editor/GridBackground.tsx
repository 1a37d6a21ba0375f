/**
 * The dot grid behind the canvas, drawn as a CSS background that follows the viewport. The browser
 * rasterises one small tile and repeats it, which costs a fraction of an SVG pattern of dots on
 * every panned frame (measured in bench/editor.ts); hidden when zoomed far out.
 */
import { useStore as useFlowStore } from "@xyflow/react";

const GAP = 24;

export function GridBackground() {
  const [x, y, zoom] = useFlowStore((s) => s.transform);
  if (zoom < 0.3) return null;
  const size = GAP * zoom;
  return (
    <div
      className="grid-background"
      aria-hidden
      style={{ backgroundSize: `${size}px ${size}px`, backgroundPosition: `${x % size}px ${y % size}px` }}
    />
  );
}
