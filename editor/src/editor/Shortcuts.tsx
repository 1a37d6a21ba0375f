/** Keyboard shortcuts of the canvas, and the help sheet listing them. */
import { useEffect } from "react";
import { Dialog } from "../components/Dialog.js";
import { toast } from "../lib/toast.js";
import type { EditorEnv } from "./context.js";

export const SHORTCUTS: [string, string][] = [
  ["Ctrl/⌘ Z", "Undo your last change (never someone else's)"],
  ["Ctrl/⌘ Shift Z, Ctrl Y", "Redo"],
  ["Ctrl/⌘ C / X / V", "Copy / cut / paste nodes"],
  ["Ctrl/⌘ D", "Duplicate the selection"],
  ["Ctrl/⌘ A", "Select everything"],
  ["Delete, Backspace", "Delete the selection"],
  ["Shift 1", "Fit the graph in view"],
  ["Shift L", "Auto-layout (selection or whole graph)"],
  ["/", "Search the node palette"],
  ["Ctrl/⌘ Enter", "Run the graph"],
  ["Drag on empty canvas", "Select with a box"],
  ["Scroll, Space + drag, middle drag", "Pan"],
  ["Ctrl/⌘ scroll, pinch", "Zoom"],
  ["?", "This help"],
];

function typing(target: EventTarget | null) {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

export function useShortcuts(env: EditorEnv) {
  useEffect(() => {
    const { commands, ui } = env;
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key === "Enter") {
        e.preventDefault();
        void env.startRun();
        return;
      }
      if (typing(e.target) || document.querySelector(".dialog")) return;
      const key = e.key.toLowerCase();
      if (mod && key === "z") {
        e.preventDefault();
        if (e.shiftKey) commands.redo();
        else commands.undo();
      } else if (mod && key === "y") {
        e.preventDefault();
        commands.redo();
      } else if (mod && key === "c") {
        void commands.copy().then((n) => n && toast("info", `Copied ${n} node${n === 1 ? "" : "s"}`));
      } else if (mod && key === "x") {
        void commands.cut();
      } else if (mod && key === "v") {
        e.preventDefault();
        void commands.paste();
      } else if (mod && key === "d") {
        e.preventDefault();
        commands.duplicateSelection();
      } else if (mod && key === "a") {
        e.preventDefault();
        commands.selectAll();
      } else if (e.shiftKey && (e.code === "Digit1" || e.key === "!")) {
        commands.fitView();
      } else if (e.shiftKey && key === "l") {
        commands.autoLayout();
      } else if (e.key === "/") {
        e.preventDefault();
        document.getElementById("palette-search")?.focus();
      } else if (e.key === "?") {
        ui.set((s) => ({ ...s, showShortcuts: true }));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [env]);
}

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={onClose}
      actions={
        <button className="btn" onClick={onClose}>
          Close
        </button>
      }
    >
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, v]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
