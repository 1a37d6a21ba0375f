/** Inspector of one node: label, generated config form, ports, estimate, last run's result. */
import { useState } from "react";
import { api, errorMessage } from "../api/client.js";
import type { FlowNode } from "../collab/binding.js";
import { useEditor } from "../editor/context.js";
import { categoryColor, STATUS_LOOK } from "../editor/status.js";
import { noErrors } from "../editor/validation.js";
import { SchemaForm } from "../form/SchemaForm.js";
import { portColor } from "../graph/ports.js";
import type { JsonSchema } from "../graph/schema.js";
import { duration, usd } from "../lib/format.js";
import { useStore } from "../lib/store.js";
import { toast } from "../lib/toast.js";
import { OutputView } from "../runs/OutputView.js";

export function NodeInspector({ node }: { node: FlowNode }) {
  const { catalog, commands, validator, runs, ui } = useEditor();
  const info = catalog.get(node.data.type);
  const errors = useStore(validator.state, (s) => s.byNode[node.id] ?? noErrors);
  const estimate = useStore(validator.state, (s) => s.estimate?.perNode[node.id]);
  const agg = useStore(runs.state, (s) => s.byNode[node.id]);
  const run = useStore(runs.state, (s) => s.run);
  const [labelDraft, setLabelDraft] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const retry = async () => {
    if (!run) return;
    setBusy(true);
    try {
      await api.retryNode(run.id, node.id);
      toast("info", `Running “${node.data.label || node.id}” again, and everything after it`);
      runs.resume();
    } catch (err) {
      toast("error", "Could not re-run the node", errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const otherErrors = errors.filter((e) => e.code !== "INVALID_CONFIG" || !e.field);
  return (
    <div className="panel-section" data-testid="node-inspector">
      <div className="inspector-head" style={{ ["--accent" as string]: categoryColor(info?.category) }}>
        <span className="gnode-dot" />
        <div>
          <div className="panel-title">{info?.title ?? node.data.type}</div>
          <div className="muted small">
            {node.data.type} · {info?.category ?? "unknown"} · id {node.id}
          </div>
        </div>
      </div>
      {info?.description && <p className="inspector-desc">{info.description}</p>}

      <label className="field">
        <span className="field-label">Label</span>
        <input
          className="input"
          value={labelDraft ?? node.data.label ?? ""}
          placeholder={info?.title ?? node.id}
          onChange={(e) => setLabelDraft(e.target.value)}
          onBlur={() => {
            if (labelDraft !== null) commands.setLabel(node.id, labelDraft);
            setLabelDraft(null);
          }}
          onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()}
        />
      </label>

      <div className="estimate-row" data-testid="node-estimate">
        <span>Estimate</span>
        <b>{estimate ? usd(estimate.usd) : "—"}</b>
        <span className="muted">{estimate ? `~${duration(estimate.seconds * 1000)}${estimate.items > 1 ? ` · ${estimate.items} items` : ""}` : "fix the errors to estimate"}</span>
      </div>

      {otherErrors.length > 0 && (
        <ul className="inspector-errors">
          {otherErrors.map((e, i) => (
            <li key={i} className="field-error">
              {e.message}
            </li>
          ))}
        </ul>
      )}

      {agg && (
        <>
          <div className="panel-subtitle">
            Last run · <span style={{ color: STATUS_LOOK[agg.status].color }}>{STATUS_LOOK[agg.status].label}</span> · {usd(agg.costUsd)}
            {agg.provider ? ` · ${agg.provider}` : ""}
          </div>
          {agg.errors.map((e) => (
            <div key={e.item} className="run-error">
              {e.item ? `Item ${e.item}: ` : ""}
              {e.message}
            </div>
          ))}
          <OutputView outputs={agg.outputs} />
          <div className="button-row">
            <button className="btn btn-small" disabled={busy || !run} onClick={retry} data-testid="retry-node">
              {agg.status === "failed" ? "Retry node" : "Re-run from here"}
            </button>
            <button className="btn btn-small btn-ghost" onClick={() => ui.set((s) => ({ ...s, rightTab: "run", focusNodeId: node.id }))}>
              Logs
            </button>
          </div>
        </>
      )}

      <div className="panel-subtitle">Settings</div>
      {info ? (
        <SchemaForm schema={info.configSchema as JsonSchema} value={node.data.config} errors={errors} onChange={(k, v) => commands.setConfigField(node.id, k, v)} />
      ) : (
        <div className="field-error">Unknown node type: its settings cannot be edited.</div>
      )}

      {info && (info.inputs.length > 0 || info.outputs.length > 0) && (
        <>
          <div className="panel-subtitle">Ports</div>
          <table className="ports-table">
            <tbody>
              {info.inputs.map((p) => (
                <tr key={`i${p.name}`}>
                  <td>in</td>
                  <td>{p.label ?? p.name}</td>
                  <td style={{ color: portColor(p.type) }}>
                    {p.type}
                    {p.list ? "[]" : ""}
                  </td>
                  <td className="muted">{p.required === false ? "optional" : "required"}</td>
                </tr>
              ))}
              {info.outputs.map((p) => (
                <tr key={`o${p.name}`}>
                  <td>out</td>
                  <td>{p.label ?? p.name}</td>
                  <td style={{ color: portColor(p.type) }}>
                    {p.type}
                    {p.list ? "[]" : ""}
                  </td>
                  <td />
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <div className="button-row inspector-actions">
        <button className="btn btn-small" onClick={() => commands.duplicateSelection()}>
          Duplicate
        </button>
        <button className="btn btn-small btn-danger" onClick={() => commands.deleteSelection()}>
          Delete node
        </button>
      </div>
    </div>
  );
}
