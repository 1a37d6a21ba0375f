/** When each node queued, ran and finished: one bar per node on a shared time axis. */
import type { RunView } from "../../../schemas/index.js";
import { STATUS_LOOK } from "../editor/status.js";
import { duration } from "../lib/format.js";
import type { NodeAggregate } from "./run-state.js";

export function RunTimeline({ run, byNode, labelOf, onPick }: { run: RunView; byNode: Record<string, NodeAggregate>; labelOf: (id: string) => string; onPick: (id: string) => void }) {
  const t = (s: string | null) => (s ? new Date(s).getTime() : null);
  const rows = Object.keys(byNode).map((id) => {
    const items = run.nodes.filter((n) => n.nodeId === id);
    const queued = Math.min(...items.map((n) => t(n.queuedAt) ?? t(n.startedAt) ?? Infinity));
    const started = Math.min(...items.map((n) => t(n.startedAt) ?? Infinity));
    const finished = Math.max(...items.map((n) => t(n.finishedAt) ?? -Infinity));
    return { id, queued, started, finished, agg: byNode[id] };
  });
  const known = rows.flatMap((r) => [r.queued, r.started, r.finished]).filter((x) => Number.isFinite(x));
  if (!known.length) return <div className="muted small">No node has started yet.</div>;
  const start = Math.min(...known, t(run.startedAt) ?? Infinity);
  const end = Math.max(...known, t(run.finishedAt) ?? -Infinity, run.finishedAt ? 0 : Date.now());
  const span = Math.max(1, end - start);
  const pct = (x: number) => `${((x - start) / span) * 100}%`;
  rows.sort((a, b) => (Number.isFinite(a.queued) ? a.queued : Infinity) - (Number.isFinite(b.queued) ? b.queued : Infinity));
  return (
    <div className="timeline" data-testid="run-timeline">
      <div className="timeline-axis">
        <span>0 s</span>
        <span>{duration(span)}</span>
      </div>
      {rows.map((r) => {
        const look = STATUS_LOOK[r.agg.status];
        const q = Number.isFinite(r.queued) ? r.queued : null;
        const s = Number.isFinite(r.started) ? r.started : null;
        const f = Number.isFinite(r.finished) ? r.finished : r.agg.status === "running" || r.agg.status === "waiting" ? end : null;
        return (
          <button key={r.id} className="timeline-row" onClick={() => onPick(r.id)} title={`${labelOf(r.id)}: ${look.label}`}>
            <span className="timeline-label">{labelOf(r.id)}</span>
            <span className="timeline-track">
              {q !== null && s !== null && s > q && <span className="timeline-wait" style={{ left: pct(q), width: `calc(${pct(s)} - ${pct(q)})` }} />}
              {s !== null && f !== null && <span className="timeline-bar" style={{ left: pct(s), width: `max(3px, calc(${pct(f)} - ${pct(s)}))`, background: look.color }} />}
              {s === null && q === null && <span className="timeline-none">{look.label.toLowerCase()}</span>}
            </span>
            <span className="timeline-dur">{s !== null && f !== null ? duration(f - s) : ""}</span>
          </button>
        );
      })}
      <div className="timeline-legend">
        <span className="timeline-wait-sample" /> queued <span className="timeline-bar-sample" /> running
      </div>
    </div>
  );
}
