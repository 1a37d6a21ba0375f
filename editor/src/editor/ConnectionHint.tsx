/** While dragging a wire over a port that will not take it, say why next to the pointer. */
import { useConnection } from "@xyflow/react";
import { useEditor } from "./context.js";

export function ConnectionHint() {
  const { commands } = useEditor();
  const c = useConnection();
  if (!c.inProgress || !c.toHandle || c.isValid !== false) return null;
  const fromIsSource = c.fromHandle.type === "source";
  const from = fromIsSource ? c.fromHandle : c.toHandle;
  const to = fromIsSource ? c.toHandle : c.fromHandle;
  const r =
    from.type === "source" && to.type === "target"
      ? commands.checkConnection({ source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null })
      : ({ ok: false, reason: "Connect an output to an input." } as const);
  if (r.ok) return null;
  return (
    <div className="connection-hint" style={{ left: c.pointer.x + 14, top: c.pointer.y + 14 }} data-testid="connection-hint">
      {r.reason}
    </div>
  );
}
