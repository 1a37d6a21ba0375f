/** A node's live run state: status icon and colour, progress, attempts, elapsed time and cost. */
import { duration, usd } from "../lib/format.js";
import { useNow } from "../lib/useNow.js";
import type { NodeAggregate } from "../runs/run-state.js";
import { STATUS_LOOK } from "./status.js";

export function NodeRunBar({ agg }: { agg: NodeAggregate }) {
  const look = STATUS_LOOK[agg.status];
  const active = agg.status === "running" || agg.status === "queued" || agg.status === "waiting";
  const now = useNow(active);
  const elapsed = agg.startedAt ? (agg.finishedAt ? new Date(agg.finishedAt).getTime() : now) - new Date(agg.startedAt).getTime() : agg.durationMs;
  return (
    <div className="node-run" style={{ ["--status" as string]: look.color }} data-testid="node-status" data-status={agg.status}>
      <div className="node-run-line">
        <span className={`status-icon ${agg.status === "running" ? "spin" : ""}`} aria-hidden>
          {look.icon}
        </span>
        <span className="node-run-status">{look.label}</span>
        {agg.items > 1 && (
          <span className="node-run-items" title="fan-out items finished">
            {agg.itemsDone}/{agg.items}
          </span>
        )}
        {agg.attempts > 1 && (
          <span className="node-run-attempts" title="attempts">
            ×{agg.attempts}
          </span>
        )}
        <span className="spacer" />
        {elapsed !== null && elapsed >= 0 && <span className="node-run-time">{duration(elapsed)}</span>}
        <span className="node-run-cost">{usd(agg.costUsd)}</span>
      </div>
      {(agg.status === "running" || agg.status === "queued" || (agg.items > 1 && agg.progress < 1)) && (
        <div className="progress" role="progressbar" aria-valuenow={Math.round(agg.progress * 100)} aria-valuemin={0} aria-valuemax={100}>
          <div className="progress-fill" style={{ width: `${Math.round(agg.progress * 100)}%` }} />
        </div>
      )}
    </div>
  );
}
