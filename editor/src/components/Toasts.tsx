import { dismissToast, toasts } from "../lib/toast.js";
import { useStore } from "../lib/store.js";

const ICON = { info: "ℹ", success: "✓", error: "⚠", warn: "!" } as const;

export function Toasts() {
  const list = useStore(toasts, (t) => t);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast">
          <span className="toast-icon">{ICON[t.kind]}</span>
          <div className="toast-body">
            <div>{t.message}</div>
            {t.detail && <div className="toast-detail">{t.detail}</div>}
          </div>
          <button className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
