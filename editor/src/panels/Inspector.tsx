/** The right-hand inspector: the selected node's settings, or the graph's when nothing is selected. */
import { useSyncExternalStore } from "react";
import { useEditor } from "../editor/context.js";
import { GraphSettings } from "./GraphSettings.js";
import { NodeInspector } from "./NodeInspector.js";

export function Inspector() {
  const { session, commands } = useEditor();
  const nodes = useSyncExternalStore(session.binding.subscribe, session.binding.getNodes);
  const selected = nodes.filter((n) => n.selected);
  if (selected.length === 1) return <NodeInspector key={selected[0].id} node={selected[0]} />;
  if (selected.length > 1) {
    return (
      <div className="panel-section">
        <div className="panel-title">{selected.length} nodes selected</div>
        <div className="button-row">
          <button className="btn btn-small" onClick={() => commands.duplicateSelection()}>
            Duplicate
          </button>
          <button className="btn btn-small" onClick={() => commands.autoLayout()}>
            Tidy up
          </button>
          <button className="btn btn-small btn-danger" onClick={() => commands.deleteSelection()}>
            Delete
          </button>
        </div>
        <ul className="plain-list">
          {selected.map((n) => (
            <li key={n.id}>
              <button className="link-btn" onClick={() => commands.focusNode(n.id)}>
                {n.data.label || n.id}
              </button>{" "}
              <span className="muted small">{n.data.type}</span>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return <GraphSettings />;
}
