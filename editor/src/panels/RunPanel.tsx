/** The run on the canvas: totals and budget, Cancel, node list, timeline, outputs and logs. */
import { useState, useSyncExternalStore } from "react";
import { api, errorMessage } from "../api/client.js";
import { useEditor } from "../editor/context.js";
import { RUN_STATUS_COLOR, STATUS_LOOK } from "../editor/status.js";
import { clockTime, duration, usd } from "../lib/format.js";
import { useStore } from "../lib/store.js";
import { toast } from "../lib/toast.js";
import { useNow } from "../lib/useNow.js";
import { OutputView } from "../runs/OutputView.js";
import { isFinal } from "../runs/run-state.js";
import { RunTimeline } from "../runs/RunTimeline.js";

export function RunPanel() {
  const { runs, session, commands, ui } = useEditor();
  const state = useStore(runs.state, (s) => s);
  const focus = useStore(ui, (s) => s.focusNodeId);
  const nodes = useSyncExternalStore(session.binding.subscribe, session.binding.getNodes);
  const [canceling, setCanceling] = useState(false);
  const run = state.run;
  const now = useNow(!!run && !isFinal(run.status));
  if (!run) {
    return (
      <div className="panel-section">
        <div className="panel-title">No run selected</div>
        <div className="muted small">Press Run (Ctrl+Enter) to run this graph, or pick a past run in History.</div>
      </div>
    );
  }
  const labelOf = (id: string) => {
    const n = nodes.find((x) => x.id === id);
    return n?.data.label || id;
  };
  const ids = Object.keys(state.byNode);
  const done = ids.filter((id) => ["succeeded", "cached", "failed", "skipped", "canceled"].includes(state.byNode[id].status)).length;
  const elapsed = run.startedAt ? (run.finishedAt ? new Date(run.finishedAt).getTime() : now) - new Date(run.startedAt).getTime() : null;
  const focusAgg = focus ? state.byNode[focus] : undefined;
  const logs = state.logs.filter((l) => !focus || l.nodeId === focus).slice(-200);

  const cancel = async () => {
    setCanceling(true);
    try {
      await api.cancelRun(run.id);
    } catch (err) {
      toast("error", "Could not cancel", errorMessage(err));
    } finally {
      setCanceling(false);
    }
  };

  return (
    <div className="panel-section" data-testid="run-panel">
      <div className="run-head">
        <span className="run-status-pill" style={{ background: RUN_STATUS_COLOR[run.status] }} data-testid="run-status">
          {run.status}
        </span>
        <span className="muted small">started {clockTime(run.startedAt ?? run.createdAt)}</span>
        <span className="spacer" />
        {!isFinal(run.status) && (
          <button className="btn btn-small btn-danger" onClick={cancel} disabled={canceling} data-testid="cancel-run">
            Cancel
          </button>
        )}
      </div>
      <div className="run-totals">
        <div>
          <div className="total-label">Cost</div>
          <div className="total-value" data-testid="run-cost">
            {usd(run.costUsd)}
          </div>
        </div>
        <div>
          <div className="total-label">Estimate</div>
          <div className="total-value">{usd(run.estimateUsd)}</div>
        </div>
        <div>
          <div className="total-label">Budget</div>
          <div className="total-value">{run.budgetUsd === null ? "none" : usd(run.budgetUsd)}</div>
        </div>
        <div>
          <div className="total-label">Elapsed</div>
          <div className="total-value">{duration(elapsed)}</div>
        </div>
      </div>
      <div className="progress progress-large" title={`${done} of ${ids.length} nodes finished`}>
        <div className="progress-fill" style={{ width: `${ids.length ? (done / ids.length) * 100 : 0}%` }} />
      </div>
      <div className="muted small">
        {done} / {ids.length} nodes finished
        {state.stream === "reconnecting" && <span className="warn-text"> · live updates reconnecting…</span>}
      </div>
      {run.error && <div className="run-error">{run.error.message}</div>}

      <div className="panel-subtitle">Timeline</div>
      <RunTimeline run={run} byNode={state.byNode} labelOf={labelOf} onPick={(id) => { ui.set((s) => ({ ...s, focusNodeId: id })); commands.focusNode(id); }} />

      <div className="panel-subtitle">Nodes</div>
      <ul className="run-node-list">
        {ids.map((id) => {
          const a = state.byNode[id];
          const look = STATUS_LOOK[a.status];
          return (
            <li key={id}>
              <button className={`run-node ${focus === id ? "active" : ""}`} onClick={() => ui.set((s) => ({ ...s, focusNodeId: s.focusNodeId === id ? null : id }))}>
                <span style={{ color: look.color }}>{look.icon}</span>
                <span className="run-node-name">{labelOf(id)}</span>
                <span className="muted small">{a.items > 1 ? `${a.itemsDone}/${a.items}` : look.label}</span>
                <span className="spacer" />
                <span className="small">{usd(a.costUsd)}</span>
              </button>
            </li>
          );
        })}
      </ul>

      {focus && (
        <>
          <div className="panel-subtitle">Output of {labelOf(focus)}</div>
          {focusAgg?.errors.map((e) => (
            <div key={e.item} className="run-error">
              {e.item ? `Item ${e.item}: ` : ""}
              {e.message}
            </div>
          ))}
          <OutputView outputs={focusAgg?.outputs ?? []} />
        </>
      )}

      <div className="panel-subtitle">Logs{focus ? ` of ${labelOf(focus)}` : ""}</div>
      {logs.length === 0 ? (
        <div className="muted small">No log lines{focus ? " for this node" : ""}.</div>
      ) : (
        <pre className="logs" data-testid="run-logs">
          {logs.map((l, i) => (
            <div key={i} className={`log log-${l.level}`}>
              <span className="log-time">{clockTime(l.at)}</span> <span className="log-node">{labelOf(l.nodeId)}</span> {l.message}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}
