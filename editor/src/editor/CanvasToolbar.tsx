/** Floating controls over the canvas: undo/redo, zoom, fit, auto-layout, shortcuts. */
import { useStore } from "../lib/store.js";
import { useEditor } from "./context.js";

export function CanvasToolbar() {
  const { commands, session, ui } = useEditor();
  const canUndo = useStore(session.state, (s) => s.canUndo);
  const canRedo = useStore(session.state, (s) => s.canRedo);
  return (
    <div className="canvas-toolbar" role="toolbar" aria-label="Canvas tools">
      <button className="tool" onClick={() => commands.undo()} disabled={!canUndo} title="Undo your last change (Ctrl+Z)" aria-label="Undo">
        ↶
      </button>
      <button className="tool" onClick={() => commands.redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">
        ↷
      </button>
      <span className="tool-sep" />
      <button className="tool" onClick={() => commands.zoomOut()} title="Zoom out" aria-label="Zoom out">
        −
      </button>
      <button className="tool" onClick={() => commands.zoomIn()} title="Zoom in" aria-label="Zoom in">
        +
      </button>
      <button className="tool" onClick={() => commands.fitView()} title="Fit view (Shift+1)" aria-label="Fit view">
        ⤢
      </button>
      <button className="tool" onClick={() => commands.autoLayout()} title="Auto-layout the selection or the whole graph (Shift+L)" aria-label="Auto-layout">
        ☷
      </button>
      <span className="tool-sep" />
      <button className="tool" onClick={() => ui.set((s) => ({ ...s, showShortcuts: true }))} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ⌨
      </button>
    </div>
  );
}
