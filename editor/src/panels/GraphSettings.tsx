/** Graph-level settings (name, default budget, concurrency) and every compile error, clickable. */
import { useEffect, useState } from "react";
import * as Y from "yjs";
import { readName, readSettings } from "../../../schemas/graph-ydoc.js";
import { useEditor } from "../editor/context.js";
import { useStore } from "../lib/store.js";

function useDocValue<T>(doc: Y.Doc, read: (d: Y.Doc) => T): T {
  const [v, setV] = useState(() => read(doc));
  useEffect(() => {
    const on = () => setV(read(doc));
    doc.on("update", on);
    return () => doc.off("update", on);
  }, [doc, read]);
  return v;
}

const readSettingsJson = (d: Y.Doc) => JSON.stringify(readSettings(d) ?? {});

export function GraphSettings() {
  const { session, commands, validator } = useEditor();
  const name = useDocValue(session.doc, readName);
  const settings = JSON.parse(useDocValue(session.doc, readSettingsJson)) as { budgetUsd?: number; concurrency?: number };
  const errors = useStore(validator.state, (s) => s.errors);
  const failure = useStore(validator.state, (s) => s.failure);
  const [draftName, setDraftName] = useState<string | null>(null);

  const setNumber = (key: "budgetUsd" | "concurrency", text: string) => {
    const next = { ...settings };
    if (text.trim() === "") delete next[key];
    else {
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) return;
      next[key] = key === "concurrency" ? Math.max(1, Math.round(n)) : n;
    }
    commands.setSettings(Object.keys(next).length ? next : undefined);
  };

  return (
    <div className="panel-section" data-testid="graph-settings">
      <div className="panel-title">Graph</div>
      <label className="field">
        <span className="field-label">Name</span>
        <input
          className="input"
          value={draftName ?? name}
          onChange={(e) => setDraftName(e.target.value)}
          onBlur={() => {
            if (draftName !== null && draftName.trim()) commands.rename(draftName);
            setDraftName(null);
          }}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
        />
      </label>
      <label className="field">
        <span className="field-label">Default run budget (USD)</span>
        <input className="input" type="number" min={0} step="0.01" placeholder="No limit" value={settings.budgetUsd ?? ""} onChange={(e) => setNumber("budgetUsd", e.target.value)} />
        <span className="field-help">A run never starts a paid node that would go over it.</span>
      </label>
      <label className="field">
        <span className="field-label">Concurrency</span>
        <input className="input" type="number" min={1} max={64} step={1} placeholder="Server default" value={settings.concurrency ?? ""} onChange={(e) => setNumber("concurrency", e.target.value)} />
      </label>

      <div className="panel-title">Problems {errors.length > 0 && <span className="badge badge-error">{errors.length}</span>}</div>
      {failure && <div className="field-error">Could not check the graph: {failure}</div>}
      {errors.length === 0 && !failure && <div className="muted small">No problems found. The graph is ready to run.</div>}
      <ul className="problem-list" data-testid="problem-list">
        {errors.map((e, i) => (
          <li key={i}>
            <button className="problem" onClick={() => e.nodeId && commands.focusNode(e.nodeId)} disabled={!e.nodeId}>
              <span className="problem-code">{e.code.replace(/_/g, " ").toLowerCase()}</span>
              <span>{e.message}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
