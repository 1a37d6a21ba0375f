import type { GraphDiff } from "../graph/diff.js";

/** A version compared with the live graph ("since this version": what the live graph added...). */
export function VersionDiff({ diff, onRestore, empty }: { diff: GraphDiff; onRestore: () => void; empty: boolean }) {
  return (
    <div className="version-diff" data-testid="version-diff">
      {empty ? (
        <div className="muted small">Identical to the current graph.</div>
      ) : (
        <>
          <div className="muted small">Since this version, the current graph has:</div>
          {diff.renamed && (
            <div className="diff-line">
              renamed “{diff.renamed.from}” → “{diff.renamed.to}”
            </div>
          )}
          {diff.added.map((n) => (
            <div key={`a${n.id}`} className="diff-line diff-added">
              + {n.label} <span className="muted">({n.type})</span>
            </div>
          ))}
          {diff.removed.map((n) => (
            <div key={`r${n.id}`} className="diff-line diff-removed">
              − {n.label} <span className="muted">({n.type})</span>
            </div>
          ))}
          {diff.changed.map((n) => (
            <div key={`c${n.id}`} className="diff-line diff-changed">
              ~ {n.label}: <span className="muted">{n.changes.join(", ")}</span>
            </div>
          ))}
          {(diff.edgesAdded > 0 || diff.edgesRemoved > 0) && (
            <div className="diff-line">
              connections: +{diff.edgesAdded} / −{diff.edgesRemoved}
            </div>
          )}
          {diff.settingsChanged && <div className="diff-line">graph settings changed</div>}
        </>
      )}
      <button className="btn btn-small" onClick={onRestore} disabled={empty} data-testid="restore-version">
        Restore this version
      </button>
    </div>
  );
}
