import { api } from "../api/client.js";
import type { TemplateSummary } from "../api/types.js";
import { Loading } from "../components/States.js";
import { useAsync } from "../lib/useAsync.js";

/** Starting points from GET /api/templates (the product-ad pipeline and friends). */
export function TemplateList({ onUse, busy }: { onUse: (t: TemplateSummary) => void; busy: boolean }) {
  const templates = useAsync(() => api.templates(), []);
  if (templates.loading) return <Loading label="Loading templates…" />;
  if (templates.error) return <div className="muted small">Templates are not available right now.</div>;
  if (!templates.data?.length) return <div className="muted small">No templates installed.</div>;
  return (
    <div className="template-list">
      {templates.data.map((t) => (
        <button key={t.id} className="template-card" disabled={busy} onClick={() => onUse(t)} data-testid={`template-${t.id}`}>
          <div className="template-name">{t.name}</div>
          {t.description && <div className="template-desc">{t.description}</div>}
          <div className="template-meta">{t.nodeCount !== undefined ? `${t.nodeCount} nodes · ` : ""}Use template →</div>
        </button>
      ))}
    </div>
  );
}
