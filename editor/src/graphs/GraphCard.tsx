import type { GraphSummary } from "../api/types.js";
import { timeAgo } from "../lib/format.js";
import { hrefOf } from "../lib/router.js";

export interface GraphActions {
  rename(g: GraphSummary): void;
  duplicate(g: GraphSummary): void;
  exportJson(g: GraphSummary): void;
  remove(g: GraphSummary): void;
}

export function GraphCard({ graph, actions }: { graph: GraphSummary; actions: GraphActions }) {
  return (
    <div className="graph-card" data-testid="graph-card">
      <a className="graph-card-main" href={hrefOf({ page: "editor", graphId: graph.id })}>
        <div className="graph-card-thumb" aria-hidden>
          {Array.from({ length: Math.min(graph.nodeCount, 6) }, (_, i) => (
            <span key={i} style={{ left: `${12 + (i % 3) * 30}%`, top: `${22 + Math.floor(i / 3) * 36}%` }} />
          ))}
        </div>
        <div className="graph-card-name">{graph.name}</div>
        <div className="graph-card-meta">
          {graph.nodeCount} node{graph.nodeCount === 1 ? "" : "s"} · edited {timeAgo(graph.updatedAt)}
        </div>
      </a>
      <div className="graph-card-actions">
        <button className="btn btn-small btn-ghost" onClick={() => actions.rename(graph)}>
          Rename
        </button>
        <button className="btn btn-small btn-ghost" onClick={() => actions.duplicate(graph)}>
          Duplicate
        </button>
        <button className="btn btn-small btn-ghost" onClick={() => actions.exportJson(graph)}>
          Export
        </button>
        <button className="btn btn-small btn-ghost btn-danger" onClick={() => actions.remove(graph)}>
          Delete
        </button>
      </div>
    </div>
  );
}
