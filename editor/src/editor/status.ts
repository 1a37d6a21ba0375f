/** How a node-run status looks on the canvas: colour, icon and words. */
import type { NodeRunStatus } from "../../../schemas/index.js";

export const STATUS_LOOK: Record<NodeRunStatus, { color: string; icon: string; label: string }> = {
  pending: { color: "#6b7280", icon: "○", label: "Pending" },
  queued: { color: "#9ca3af", icon: "◔", label: "Queued" },
  running: { color: "#4fb0ff", icon: "◐", label: "Running" },
  cached: { color: "#22c3a6", icon: "⚡", label: "Cached" },
  succeeded: { color: "#3ccf91", icon: "✓", label: "Succeeded" },
  failed: { color: "#f25f5c", icon: "✕", label: "Failed" },
  skipped: { color: "#8a8f98", icon: "⤼", label: "Skipped" },
  waiting: { color: "#f2c94c", icon: "⏸", label: "Waiting for review" },
  canceled: { color: "#a1a1aa", icon: "⦸", label: "Canceled" },
};

export const RUN_STATUS_COLOR: Record<string, string> = {
  queued: "#9ca3af",
  running: "#4fb0ff",
  waiting: "#f2c94c",
  succeeded: "#3ccf91",
  failed: "#f25f5c",
  canceled: "#a1a1aa",
};

const CATEGORY_COLORS = ["#7c5cff", "#f08c3a", "#4fb0ff", "#3ccf91", "#e0669b", "#f2c94c", "#61d4d8", "#ff7a66", "#8bd450"];

export function categoryColor(category: string | undefined): string {
  if (!category) return "#6b7280";
  let h = 0;
  for (const ch of category) h = (h * 33 + ch.charCodeAt(0)) >>> 0;
  return CATEGORY_COLORS[h % CATEGORY_COLORS.length];
}
