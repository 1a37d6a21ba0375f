/** The review queue: everything waiting for a person's decision, newest work first. */
import { useEffect, useState } from "react";
import { api } from "../api/client.js";
import { AppHeader } from "../components/AppHeader.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { useAsync } from "../lib/useAsync.js";
import { normalizeReview } from "../reviews/normalize.js";
import { ReviewCard } from "../reviews/ReviewCard.js";

export function ReviewsPage() {
  const reviews = useAsync(() => api.listReviews("pending"), []);
  const [decided, setDecided] = useState<Set<string>>(new Set());
  // New reviews arrive as runs reach their review nodes.
  useEffect(() => {
    const t = setInterval(() => reviews.reload(), 5000);
    return () => clearInterval(t);
  }, [reviews.reload]);
  const list = (reviews.data ?? []).map(normalizeReview).filter((r) => !decided.has(r.id));
  return (
    <div className="page">
      <AppHeader current="reviews" />
      <main className="page-body">
        <div className="page-title-row">
          <h1>Review queue</h1>
          {reviews.data && <span className="badge">{list.length} pending</span>}
          <div className="spacer" />
          <button className="btn" onClick={reviews.reload}>
            Refresh
          </button>
        </div>
        {reviews.loading && !reviews.data ? (
          <Loading label="Loading reviews…" />
        ) : reviews.error && !reviews.data ? (
          <ErrorState error={reviews.error} onRetry={reviews.reload} />
        ) : list.length === 0 ? (
          <Empty title="Nothing to review">When a run reaches a human review node, its media shows up here for approval.</Empty>
        ) : (
          <div className="review-list">
            {list.map((r) => (
              <ReviewCard key={r.id} review={r} onDecided={(id) => setDecided((s) => new Set(s).add(id))} />
            ))}
          </div>
        )}
      </main>
    </div>
  );
}
