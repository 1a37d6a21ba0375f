/** What changed between two graph documents: nodes added, removed, changed (and how), edges. */
import type { GraphDocument, GraphNode } from "../../../schemas/graph.js";
import { sameJson } from "../../../schemas/graph-ydoc.js";

export interface NodeChangeSummary {
  id: string;
  label: string;
  /** Which aspects differ: "type", "label", "position", "config.<key>", "retry". */
  changes: string[];
}

export interface GraphDiff {
  added: { id: string; label: string; type: string }[];
  removed: { id: string; label: string; type: string }[];
  changed: NodeChangeSummary[];
  edgesAdded: number;
  edgesRemoved: number;
  renamed: { from: string; to: string } | null;
  settingsChanged: boolean;
}

const labelOf = (n: GraphNode) => n.label || n.id;
const edgeKey = (e: GraphDocument["edges"][number]) => `${e.source}.${e.sourcePort}->${e.target}.${e.targetPort}`;

/** Changes from `before` to `after`. Moving a node counts, but is listed after real changes. */
export function diffGraphs(before: GraphDocument, after: GraphDocument): GraphDiff {
  const a = new Map(before.nodes.map((n) => [n.id, n]));
  const b = new Map(after.nodes.map((n) => [n.id, n]));
  const added = after.nodes.filter((n) => !a.has(n.id)).map((n) => ({ id: n.id, label: labelOf(n), type: n.type }));
  const removed = before.nodes.filter((n) => !b.has(n.id)).map((n) => ({ id: n.id, label: labelOf(n), type: n.type }));
  const changed: NodeChangeSummary[] = [];
  for (const n of after.nodes) {
    const old = a.get(n.id);
    if (!old) continue;
    const changes: string[] = [];
    if (old.type !== n.type) changes.push("type");
    if ((old.label ?? "") !== (n.label ?? "")) changes.push("label");
    const keys = new Set([...Object.keys(old.config ?? {}), ...Object.keys(n.config ?? {})]);
    for (const k of [...keys].sort()) if (!sameJson(old.config?.[k], n.config?.[k])) changes.push(`config.${k}`);
    if (!sameJson(old.retry, n.retry)) changes.push("retry");
    if (old.position.x !== n.position.x || old.position.y !== n.position.y) changes.push("position");
    if (changes.length) changed.push({ id: n.id, label: labelOf(n), changes });
  }
  const ea = new Set(before.edges.map(edgeKey));
  const eb = new Set(after.edges.map(edgeKey));
  return {
    added,
    removed,
    changed,
    edgesAdded: [...eb].filter((k) => !ea.has(k)).length,
    edgesRemoved: [...ea].filter((k) => !eb.has(k)).length,
    renamed: before.name !== after.name ? { from: before.name, to: after.name } : null,
    settingsChanged: !sameJson(before.settings ?? {}, after.settings ?? {}),
  };
}

export const isEmptyDiff = (d: GraphDiff) =>
  !d.added.length && !d.removed.length && !d.changed.length && !d.edgesAdded && !d.edgesRemoved && !d.renamed && !d.settingsChanged;
