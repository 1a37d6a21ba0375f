/** Save the graph as a labelled version, list versions, compare one with the live graph, restore. */
import { useState } from "react";
import type { GraphDocument } from "../../../schemas/graph.js";
import { api, errorMessage } from "../api/client.js";
import type { GraphVersion } from "../api/types.js";
import { ErrorState, Loading } from "../components/States.js";
import { useEditor } from "../editor/context.js";
import { diffGraphs, isEmptyDiff } from "../graph/diff.js";
import { timeAgo } from "../lib/format.js";
import { toast } from "../lib/toast.js";
import { useAsync } from "../lib/useAsync.js";
import { VersionDiff } from "./VersionDiff.js";

export function VersionsPanel() {
  const { graphId, commands } = useEditor();
  const versions = useAsync(() => api.listVersions(graphId), [graphId]);
  const [label, setLabel] = useState("");
  const [saving, setSaving] = useState(false);
  const [open, setOpen] = useState<{ version: GraphVersion; document: GraphDocument } | null>(null);

  const save = async () => {
    setSaving(true);
    try {
      const v = await api.createVersion(graphId, label.trim() || undefined);
      toast("success", `Saved version ${v.number}${v.label ? ` “${v.label}”` : ""}`);
      setLabel("");
      versions.reload();
    } catch (err) {
      toast("error", "Could not save a version", errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  const compare = async (v: GraphVersion) => {
    try {
      const full = v.document ? v : await api.getVersion(graphId, v.id);
      setOpen({ version: v, document: full.document! });
    } catch (err) {
      toast("error", "Could not load the version", errorMessage(err));
    }
  };

  return (
    <div className="panel-section" data-testid="versions-panel">
      <div className="panel-title">Save a version</div>
      <div className="inline-form">
        <input className="input" placeholder="Label (e.g. “approved for launch”)" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} onKeyDown={(e) => e.key === "Enter" && save()} />
        <button className="btn btn-primary btn-small" onClick={save} disabled={saving} data-testid="save-version">
          Save
        </button>
      </div>
      <div className="muted small">Runs snapshot the graph automatically; labelled versions are the ones you want to find again.</div>

      <div className="panel-title">Versions</div>
      {versions.loading && !versions.data ? (
        <Loading />
      ) : versions.error ? (
        <ErrorState error={versions.error} onRetry={versions.reload} />
      ) : !versions.data?.length ? (
        <div className="muted small">No versions yet.</div>
      ) : (
        <ul className="version-list">
          {versions.data.map((v) => (
            <li key={v.id} className={open?.version.id === v.id ? "active" : ""}>
              <div className="version-line">
                <b>v{v.number}</b> <span className="version-label">{v.label ?? <span className="muted">unlabelled</span>}</span>
                <span className="spacer" />
                <span className="muted small">{timeAgo(v.createdAt)}</span>
              </div>
              <div className="button-row">
                <button className="btn btn-small btn-ghost" onClick={() => (open?.version.id === v.id ? setOpen(null) : compare(v))}>
                  {open?.version.id === v.id ? "Close" : "Compare"}
                </button>
              </div>
              {open?.version.id === v.id && (
                <VersionDiff
                  diff={diffGraphs(open.document, commands.document())}
                  onRestore={() => {
                    commands.restore(open.document);
                    toast("success", `Restored v${v.number}. Undo (Ctrl+Z) brings your graph back.`);
                  }}
                  empty={isEmptyDiff(diffGraphs(open.document, commands.document()))}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
