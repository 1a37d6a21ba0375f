/** One pending review: media to judge, QA flags, product data, and the four decisions. */
import { useState } from "react";
import { api, errorMessage } from "../api/client.js";
import { loadIdentity } from "../collab/presence.js";
import { timeAgo } from "../lib/format.js";
import { toast } from "../lib/toast.js";
import { MediaView } from "../runs/OutputView.js";
import type { ReviewView } from "./normalize.js";

type Decision = "approve" | "reject" | "revise" | "select";

export function ReviewCard({ review, onDecided }: { review: ReviewView; onDecided: (id: string) => void }) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [notes, setNotes] = useState("");
  const [busy, setBusy] = useState<Decision | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const can = (d: Decision) => review.decisions.includes(d);

  const decide = async (decision: Decision) => {
    if ((decision === "reject" || decision === "revise") && !notes.trim()) return setProblem(decision === "reject" ? "Say why you reject it." : "Write what should change.");
    if (decision === "select" && picked.size < Math.max(1, review.minSelect)) return setProblem(`Pick at least ${Math.max(1, review.minSelect)} item(s) to keep.`);
    setProblem(null);
    setBusy(decision);
    try {
      await api.decideReview(review.id, {
        decision,
        itemIds: decision === "select" ? [...picked] : undefined,
        notes: notes.trim() || undefined,
        reviewer: loadIdentity().name,
      });
      toast("success", `${decision === "select" ? `Kept ${picked.size} item(s)` : `${decision[0].toUpperCase()}${decision.slice(1)}d`}: ${review.title}`);
      onDecided(review.id);
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const toggle = (id: string) =>
    setPicked((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <article className="review-card card" data-testid="review-card" data-review-id={review.id}>
      <header className="review-head">
        <div>
          <div className="review-title">{review.title}</div>
          <div className="muted small">
            {review.subtitle}
            {review.createdAt ? ` · waiting ${timeAgo(review.createdAt)}` : ""}
            {review.deadline ? ` · decide by ${new Date(review.deadline).toLocaleString()}` : ""}
            {review.revisions && review.revisions.max > 0 ? ` · revisions ${review.revisions.used}/${review.revisions.max}` : ""}
          </div>
        </div>
        {review.qaScore !== null && (
          <div className={`qa-score ${review.qaScore >= 95 ? "good" : review.qaScore >= 70 ? "mid" : "bad"}`} title="QA score (0-100)">
            QA {Math.round(review.qaScore)}
          </div>
        )}
      </header>
      {review.instructions && <p className="review-instructions">{review.instructions}</p>}
      {review.flags.length > 0 && (
        <ul className="qa-flags" data-testid="qa-flags">
          {review.flags.map((f, i) => (
            <li key={i} className={`qa-flag sev-${f.severity}`}>
              <b>{f.name}</b> <span className="muted small">{f.severity}</span> {f.message}
            </li>
          ))}
        </ul>
      )}
      <div className="review-body">
        <div className="candidates">
          {review.candidates.length === 0 && <div className="muted small">No media attached to this review.</div>}
          {review.candidates.map((c) => (
            <div key={c.id} className={`candidate ${picked.has(c.id) ? "picked" : ""}`}>
              {c.media.map((m) => (
                <MediaView key={m.hash} media={m} />
              ))}
              <div className="candidate-meta">
                <span>{c.label}</span>
                {c.qaScore !== null && <span className={`qa-score small ${c.qaScore >= 95 ? "good" : c.qaScore >= 70 ? "mid" : "bad"}`}>QA {Math.round(c.qaScore)}</span>}
              </div>
              {c.flags.map((f, i) => (
                <div key={i} className={`qa-flag sev-${f.severity}`}>
                  <b>{f.name}</b> {f.message}
                </div>
              ))}
              {can("select") && review.candidates.length > 1 && (
                <label className="check">
                  <input type="checkbox" checked={picked.has(c.id)} onChange={() => toggle(c.id)} /> Keep {c.label}
                </label>
              )}
            </div>
          ))}
        </div>
        {review.product && (
          <dl className="product-data">
            {Object.entries(review.product)
              .filter(([, v]) => v === null || typeof v !== "object")
              .slice(0, 12)
              .map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{String(v)}</dd>
                </div>
              ))}
          </dl>
        )}
      </div>
      <textarea className="input" rows={2} placeholder="Notes (required to reject or revise)" value={notes} onChange={(e) => setNotes(e.target.value)} aria-label="Review notes" />
      {problem && <div className="field-error">{problem}</div>}
      <div className="button-row">
        {can("approve") && (
          <button className="btn btn-success" disabled={!!busy} onClick={() => decide("approve")} data-testid="approve">
            {busy === "approve" ? "Approving…" : "Approve"}
          </button>
        )}
        {can("select") && review.candidates.length > 1 && (
          <button className="btn" disabled={!!busy} onClick={() => decide("select")} data-testid="select">
            Keep selected ({picked.size})
          </button>
        )}
        {can("revise") && (
          <button className="btn" disabled={!!busy} onClick={() => decide("revise")} data-testid="revise">
            Request revision
          </button>
        )}
        {can("reject") && (
          <button className="btn btn-danger" disabled={!!busy} onClick={() => decide("reject")} data-testid="reject">
            Reject
          </button>
        )}
        {review.graphId && (
          <a className="btn btn-ghost" href={`#/graphs/${review.graphId}`}>
            Open graph
          </a>
        )}
      </div>
    </article>
  );
}
