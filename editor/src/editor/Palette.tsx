/** Node palette from GET /api/node-types: grouped by category, searchable; click or drag to add. */
import { useMemo, useState, type DragEvent } from "react";
import type { NodeTypeInfo } from "../../../schemas/index.js";
import { portColor } from "../graph/ports.js";
import { useEditor } from "./context.js";
import { categoryColor } from "./status.js";

export const PALETTE_DRAG_TYPE = "application/x-genjed-node-type";

function matches(t: NodeTypeInfo, q: string) {
  if (!q) return true;
  const hay = `${t.title} ${t.type} ${t.category} ${t.description} ${[...t.inputs, ...t.outputs].map((p) => p.type).join(" ")}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

export function Palette() {
  const { nodeTypes, commands } = useEditor();
  const [query, setQuery] = useState("");
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});
  const groups = useMemo(() => {
    const by = new Map<string, NodeTypeInfo[]>();
    for (const t of nodeTypes) if (matches(t, query)) by.set(t.category, [...(by.get(t.category) ?? []), t]);
    return [...by.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [nodeTypes, query]);
  const count = groups.reduce((n, [, ts]) => n + ts.length, 0);

  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(PALETTE_DRAG_TYPE, type);
    e.dataTransfer.setData("text/plain", type);
    e.dataTransfer.effectAllowed = "copy";
  };

  return (
    <aside className="palette" aria-label="Node palette" data-testid="palette">
      <div className="palette-search">
        <input
          id="palette-search"
          className="input"
          placeholder="Search nodes…  (/)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && count > 0) {
              commands.addNode(groups[0][1][0].type);
              setQuery("");
            }
            if (e.key === "Escape") setQuery("");
          }}
          aria-label="Search nodes"
        />
      </div>
      <div className="palette-list">
        {count === 0 && <div className="muted small palette-empty">No node matches “{query}”.</div>}
        {groups.map(([category, types]) => {
          const closed = collapsed[category] && !query;
          return (
            <section key={category} className="palette-group">
              <button className="palette-group-title" onClick={() => setCollapsed((c) => ({ ...c, [category]: !c[category] }))} aria-expanded={!closed}>
                <span className="palette-caret">{closed ? "▸" : "▾"}</span>
                <span className="palette-cat-dot" style={{ background: categoryColor(category) }} />
                {category}
                <span className="palette-count">{types.length}</span>
              </button>
              {!closed &&
                types.map((t) => (
                  <button
                    key={t.type}
                    className="palette-item"
                    draggable
                    onDragStart={(e) => onDragStart(e, t.type)}
                    onClick={() => commands.addNode(t.type)}
                    title={`${t.description}\n\nClick to add, or drag onto the canvas.`}
                    data-testid={`palette-${t.type}`}
                  >
                    <div className="palette-item-title">
                      {t.title}
                      {t.paid && <span className="palette-paid">$</span>}
                    </div>
                    <div className="palette-item-ports">
                      {t.inputs.map((p) => (
                        <span key={`i${p.name}`} className="chip" style={{ color: portColor(p.type) }} title={`input ${p.name}`}>
                          {p.type}
                        </span>
                      ))}
                      {(t.inputs.length > 0 || t.outputs.length > 0) && <span className="palette-arrow">→</span>}
                      {t.outputs.map((p) => (
                        <span key={`o${p.name}`} className="chip" style={{ color: portColor(p.type) }} title={`output ${p.name}`}>
                          {p.type}
                        </span>
                      ))}
                    </div>
                  </button>
                ))}
            </section>
          );
        })}
      </div>
    </aside>
  );
}
