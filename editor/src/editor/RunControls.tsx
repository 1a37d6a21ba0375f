/** Estimate (always visible), optional budget, Run and Cancel. */
import { useState } from "react";
import { api, errorMessage } from "../api/client.js";
import { duration, usd } from "../lib/format.js";
import { useStore } from "../lib/store.js";
import { toast } from "../lib/toast.js";
import { isFinal } from "../runs/run-state.js";
import { useEditor } from "./context.js";

export function RunControls() {
  const { validator, runs, startRun } = useEditor();
  const estimate = useStore(validator.state, (s) => s.estimate);
  const stale = useStore(validator.state, (s) => s.estimateStale);
  const errorCount = useStore(validator.state, (s) => s.errors.length);
  const checking = useStore(validator.state, (s) => s.checking);
  const run = useStore(runs.state, (s) => s.run);
  const [budget, setBudget] = useState("");
  const [starting, setStarting] = useState(false);
  const active = run && !isFinal(run.status);

  const start = async () => {
    const b = budget.trim() === "" ? undefined : Number(budget);
    if (b !== undefined && (!Number.isFinite(b) || b < 0)) return toast("error", "The budget must be a positive amount in USD");
    setStarting(true);
    await startRun(b);
    setStarting(false);
  };

  return (
    <div className="run-controls">
      <div
        className={`estimate ${stale ? "estimate-stale" : ""}`}
        title={!estimate ? "Fix the problems to get an estimate" : stale ? "Last estimate before the current problems" : "Cost and time estimate of one run of this graph"}
        data-testid="estimate"
      >
        <span className="estimate-label">Est.</span>
        <b>{estimate ? usd(estimate.usd) : "—"}</b>
        {estimate && <span className="muted">~{estimate.seconds < 1 ? "<1 s" : duration(estimate.seconds * 1000)}</span>}
        {estimate && stale && <span className="muted small">(before changes)</span>}
        {checking && <span className="spinner spinner-small" aria-label="checking" />}
      </div>
      {errorCount > 0 && (
        <span className="badge badge-error" title="Problems that stop the graph from running (see the Inspect tab)" data-testid="error-count">
          {errorCount} problem{errorCount === 1 ? "" : "s"}
        </span>
      )}
      <label className="budget" title="Stop before any paid node that would take the run over this amount">
        <span>Budget $</span>
        <input className="input input-small" type="number" min={0} step="0.01" placeholder="none" value={budget} onChange={(e) => setBudget(e.target.value)} aria-label="Run budget in USD" />
      </label>
      {active ? (
        <button
          className="btn btn-danger-solid"
          onClick={async () => {
            try {
              await api.cancelRun(run.id);
            } catch (err) {
              toast("error", "Could not cancel", errorMessage(err));
            }
          }}
          data-testid="cancel-button"
        >
          ■ Cancel
        </button>
      ) : (
        <button className="btn btn-primary" onClick={start} disabled={starting} data-testid="run-button" title="Run the graph (Ctrl+Enter)">
          ▶ Run
        </button>
      )}
    </div>
  );
}
