/** The tabbed right-hand panel: Inspect, Run, History, Versions. */
import { Inspector } from "../panels/Inspector.js";
import { RunHistory } from "../panels/RunHistory.js";
import { RunPanel } from "../panels/RunPanel.js";
import { VersionsPanel } from "../panels/VersionsPanel.js";
import { useStore } from "../lib/store.js";
import { useEditor, type RightTab } from "./context.js";

const TABS: [RightTab, string][] = [
  ["inspect", "Inspect"],
  ["run", "Run"],
  ["history", "History"],
  ["versions", "Versions"],
];

export function RightPanel() {
  const { ui, runs } = useEditor();
  const tab = useStore(ui, (s) => s.rightTab);
  const runStatus = useStore(runs.state, (s) => s.run?.status);
  return (
    <aside className="right-panel" aria-label="Inspector and runs">
      <div className="tabs" role="tablist">
        {TABS.map(([id, label]) => (
          <button key={id} role="tab" aria-selected={tab === id} className={`tab ${tab === id ? "active" : ""}`} onClick={() => ui.set((s) => ({ ...s, rightTab: id }))} data-testid={`tab-${id}`}>
            {label}
            {id === "run" && runStatus && <span className={`tab-dot tab-dot-${runStatus}`} />}
          </button>
        ))}
      </div>
      <div className="right-panel-body">
        {tab === "inspect" && <Inspector />}
        {tab === "run" && <RunPanel />}
        {tab === "history" && <RunHistory />}
        {tab === "versions" && <VersionsPanel />}
      </div>
    </aside>
  );
}
