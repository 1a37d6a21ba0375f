/** A trigger's fires: when, what happened, the run it started (linked) or why it did not. */
import type { FireView } from "../../../schemas/triggers.js";
import { ErrorState, Loading } from "../components/States.js";
import { RUN_STATUS_COLOR } from "../editor/status.js";
import { hrefOf } from "../lib/router.js";
import { useAsync } from "../lib/useAsync.js";
import { triggersApi } from "./api.js";

const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });

export function FireHistory({ triggerId, graphId }: { triggerId: string; graphId: string }) {
  const fires = useAsync(() => triggersApi.fires(triggerId, 20), [triggerId]);
  if (fires.loading && !fires.data) return <Loading label="Loading history…" />;
  if (fires.error) return <ErrorState error={fires.error} onRetry={fires.reload} />;
  const list: FireView[] = fires.data ?? [];
  return (
    <div className="trigger-detail" data-testid="fire-history">
      <div className="button-row">
        <span className="muted small">Last {list.length} fire{list.length === 1 ? "" : "s"}</span>
        <span className="spacer" />
        <button className="link-btn" onClick={fires.reload}>
          Refresh
        </button>
      </div>
      {list.length === 0 ? (
        <div className="muted small">Nothing has fired yet.</div>
      ) : (
        <table className="table fire-table">
          <thead>
            <tr>
              <th>Fire time</th>
              <th>Outcome</th>
              <th>Run</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {list.map((f) => (
              <tr key={f.id} data-testid="fire-row">
                <td title={f.scheduledFor ?? f.firedAt}>{when(f.scheduledFor ?? f.firedAt)}</td>
                <td>
                  <span className={`fire-status ${f.status}`}>{f.status}</span>
                </td>
                <td>
                  {f.runId ? (
                    <a href={hrefOf({ page: "editor", graphId, runId: f.runId })} data-testid="fire-run-link">
                      <span className="run-status-dot" style={{ background: RUN_STATUS_COLOR[f.runStatus ?? ""] ?? "#6b7280" }} /> {f.runStatus ?? "run"}
                    </a>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="small">{f.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
