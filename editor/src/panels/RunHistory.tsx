/** Past runs of this graph; picking one shows its states and outputs on the canvas. */
import { useEffect } from "react";
import { api } from "../api/client.js";
import { ErrorState, Loading } from "../components/States.js";
import { useEditor } from "../editor/context.js";
import { RUN_STATUS_COLOR } from "../editor/status.js";
import { duration, timeAgo, usd } from "../lib/format.js";
import { useStore } from "../lib/store.js";
import { useAsync } from "../lib/useAsync.js";

export function RunHistory() {
  const { graphId, runs, ui } = useEditor();
  const current = useStore(runs.state, (s) => s.run?.id);
  const currentStatus = useStore(runs.state, (s) => s.run?.status);
  const list = useAsync(() => api.listRuns(graphId, 50), [graphId]);
  // A run that finishes or starts changes the list.
  useEffect(() => list.reload(), [current, currentStatus]); // eslint-disable-line react-hooks/exhaustive-deps
  if (list.loading && !list.data) return <Loading label="Loading runs…" />;
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data?.length) return <div className="panel-section muted small">No runs yet. Press Run to start one.</div>;
  return (
    <div className="panel-section" data-testid="run-history">
      <div className="panel-title">Run history</div>
      <ul className="history-list">
        {list.data.map((r) => (
          <li key={r.id}>
            <button
              className={`history-item ${r.id === current ? "active" : ""}`}
              onClick={() => {
                void runs.show(r.id);
                ui.set((s) => ({ ...s, rightTab: "run" }));
              }}
            >
              <span className="run-status-dot" style={{ background: RUN_STATUS_COLOR[r.status] }} />
              <span className="history-main">
                <span>{r.status}</span>
                <span className="muted small">
                  {timeAgo(r.createdAt)}
                  {r.finishedAt ? ` · ${duration(new Date(r.finishedAt).getTime() - new Date(r.createdAt).getTime())}` : ""}
                </span>
              </span>
              <span className="history-cost">
                {usd(r.costUsd)}
                <span className="muted small"> / est. {usd(r.estimateUsd)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
