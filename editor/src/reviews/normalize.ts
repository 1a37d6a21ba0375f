/**
 * A review as the page shows it, read from GET /api/reviews entries: the review node's payload
 * (what `ctx.suspend()` was given) may carry the candidates, QA report and product at the top
 * level or under `payload`.
 */
import type { MediaRef } from "../../../schemas/index.js";
import type { ReviewItem } from "../api/types.js";
import { findMedia } from "../runs/media.js";

export interface ReviewCandidate {
  id: string;
  label: string;
  media: MediaRef[];
  /** This candidate's own QA score and flags (the review's flags name their candidate). */
  qaScore: number | null;
  flags: QaFlag[];
}

export interface QaFlag {
  name: string;
  severity: string;
  message: string;
}

export interface ReviewView {
  id: string;
  title: string;
  subtitle: string;
  instructions: string | null;
  createdAt: string | null;
  deadline: string | null;
  candidates: ReviewCandidate[];
  qaScore: number | null;
  flags: QaFlag[];
  product: Record<string, unknown> | null;
  graphId: string | null;
  decisions: string[];
  minSelect: number;
  revisions: { used: number; max: number } | null;
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

export function normalizeReview(r: ReviewItem): ReviewView {
  const p = obj(r.payload) ?? {};
  const pick = (k: string) => (r as unknown as Record<string, unknown>)[k] ?? p[k];
  const rawItems = (pick("items") ?? pick("candidates")) as unknown;
  let candidates: ReviewCandidate[] = [];
  if (Array.isArray(rawItems)) {
    candidates = rawItems.map((it, i) => {
      const o = obj(it) ?? {};
      const qa = obj(o.qa);
      return {
        id: str(o.id) ?? String(i),
        label: str(o.label) ?? str(o.title) ?? `Candidate ${i + 1}`,
        media: findMedia(o.media ?? o, 6),
        qaScore: typeof qa?.score === "number" ? qa.score : null,
        flags: readFlags(qa?.flags),
      };
    });
  }
  if (!candidates.length) {
    const media = findMedia(pick("media") ?? p, 24);
    candidates = media.map((m, i) => ({ id: String(i), label: `Item ${i + 1}`, media: [m], qaScore: null, flags: [] }));
  }
  const qa = obj(pick("qa")) ?? obj(pick("qaReport"));
  // Flags that belong to a candidate are shown on it; the rest on the review.
  const flags = readFlags(qa?.flags).filter((f) => !f.itemId || !candidates.some((c) => c.id === f.itemId));
  const decisions = Array.isArray(r.allowedDecisions) && r.allowedDecisions.length ? r.allowedDecisions : ["approve", "reject", "revise", "select"];
  return {
    id: String(r.id),
    title: str(r.title) ?? str(p.title) ?? str(r.runName) ?? str(r.graphName) ?? "Review",
    subtitle: [str(r.graphName), r.nodeId ? `node ${r.nodeId}` : null].filter(Boolean).join(" · "),
    instructions: str(r.instructions) ?? str(p.instructions),
    createdAt: str(r.createdAt),
    deadline: str(r.deadline) ?? str(p.deadline),
    candidates,
    qaScore: typeof qa?.score === "number" ? qa.score : null,
    flags,
    product: obj(pick("product")),
    graphId: str(r.graphId),
    decisions,
    minSelect: typeof r.minSelect === "number" ? r.minSelect : 1,
    revisions: r.revisions ?? null,
  };
}

function readFlags(raw: unknown): (QaFlag & { itemId?: string })[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .map((f) => obj(f))
    .filter((f): f is Record<string, unknown> => !!f && (f.passed === undefined || f.passed === false))
    .map((f) => ({
      name: str(f.name) ?? str(f.check) ?? str(f.id) ?? "check",
      severity: str(f.severity) ?? "medium",
      message: str(f.message) ?? (f.value !== undefined ? `measured ${JSON.stringify(f.value)}` : ""),
      itemId: str(f.itemId) ?? undefined,
    }));
}
