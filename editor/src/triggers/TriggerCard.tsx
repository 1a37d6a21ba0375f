/** One trigger: what fires it, what happens next, pause/resume, delete, rotate secret, history. */
import { useState } from "react";
import type { TriggerView } from "../../../schemas/triggers.js";
import { errorMessage } from "../api/client.js";
import { toast } from "../lib/toast.js";
import { triggersApi } from "./api.js";
import { FireHistory } from "./FireHistory.js";

const OVERLAP_TEXT = { skip: "skips a fire while the previous run is going", queue: "queues fires while the previous run is going", allow: "lets runs overlap" } as const;

function ConditionSummary({ config }: { config: Record<string, unknown> }) {
  const watch = [
    config.onNew && "new products",
    config.onPriceChange && "price changes",
    config.stockBelow !== null && config.stockBelow !== undefined && `stock below ${config.stockBelow}`,
    config.stockAbove !== null && config.stockAbove !== undefined && `stock above ${config.stockAbove}`,
  ].filter(Boolean);
  return (
    <div className="small">
      Checks <span className="mono">{String(config.feed)}</span> every {String(config.intervalSeconds)} s for {watch.join(", ") || "nothing"}.
    </div>
  );
}

export function TriggerCard({ trigger: t, onChanged, onSecret }: { trigger: TriggerView; onChanged: () => void; onSecret: (t: TriggerView) => void }) {
  const [history, setHistory] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      onChanged();
    } catch (err) {
      toast("error", `Could not ${what}`, errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={`trigger-card ${t.enabled ? "" : "paused"}`} data-testid="trigger-card" data-trigger-id={t.id} data-kind={t.kind}>
      <div className="trigger-head">
        <span className="trigger-name">{t.name}</span>
        <span className="badge kind-badge">{t.kind}</span>
        <span className={`badge ${t.enabled ? "badge-on" : ""}`} data-testid="trigger-state">
          {t.enabled ? "Active" : "Paused"}
        </span>
        {t.channel && <span className="chip">{t.channel}</span>}
        {t.lastError && (
          <span className="badge badge-warn" title={t.lastError}>
            problem
          </span>
        )}
        <span className="spacer" />
        <button className="btn btn-small" disabled={busy} onClick={() => act(t.enabled ? "pause" : "resume", () => triggersApi.update(t.id, { enabled: !t.enabled }))} data-testid="toggle-trigger">
          {t.enabled ? "Pause" : "Resume"}
        </button>
        <button
          className="btn btn-small btn-ghost btn-danger"
          disabled={busy}
          onClick={() => window.confirm(`Delete trigger “${t.name}” and its history?`) && act("delete", () => triggersApi.remove(t.id))}
          data-testid="delete-trigger"
        >
          Delete
        </button>
      </div>
      <div className="trigger-detail">
        {t.schedule && (
          <>
            <div data-testid="trigger-schedule">
              <b>{t.schedule.description}</b> <span className="muted small">({String(t.config.timezone)})</span>
            </div>
            {t.schedule.next.length > 0 && (
              <ol className="trigger-next">
                {t.schedule.next.slice(0, 3).map((n) => (
                  <li key={n.at}>{n.local}</li>
                ))}
              </ol>
            )}
          </>
        )}
        {t.webhook && (
          <div className="small">
            POST <span className="mono">{window.location.origin + t.webhook.path}</span> · secret <span className="mono">{t.webhook.secretHint}</span>{" "}
            <button className="link-btn" disabled={busy} onClick={() => act("rotate the secret", async () => onSecret(await triggersApi.rotateSecret(t.id)))}>
              Rotate secret
            </button>
          </div>
        )}
        {t.kind === "condition" && <ConditionSummary config={t.config} />}
        {t.lastError && <div className="small warn-text">{t.lastError}</div>}
      </div>
      <div className="trigger-meta">
        <span>{t.versionId ? "Runs a pinned version" : "Runs the latest saved version"}</span>
        <span>{OVERLAP_TEXT[t.overlap]}</span>
        {t.lastFiredAt && <span>last run {new Date(t.lastFiredAt).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}</span>}
        <button className="link-btn" onClick={() => setHistory((h) => !h)} data-testid="toggle-history">
          {history ? "Hide history" : "History"}
        </button>
      </div>
      {history && <FireHistory triggerId={t.id} graphId={t.graphId} />}
    </div>
  );
}
