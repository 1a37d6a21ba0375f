/** The three states every list and panel has besides "here is your data". */
import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../api/client.js";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state state-loading" aria-busy="true">
      <span className="spinner" />
      {label}
    </div>
  );
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <div className="state-title">{title}</div>
      {children && <div className="state-text">{children}</div>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const network = error instanceof ApiError && error.isNetwork;
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">{title ?? (network ? "Server unreachable" : "Something went wrong")}</div>
      <div className="state-text">{errorMessage(error)}</div>
      {onRetry && (
        <div className="state-action">
          <button className="btn" onClick={onRetry}>
            Retry
          </button>
        </div>
      )}
    </div>
  );
}
