/**
 * Concrete recommendations for the next batch, each with the numbers behind it. Comparisons are
 * only made between groups with enough views to mean something (minViews); otherwise the report
 * says there is too little data instead of guessing.
 */
import { round, type GroupPerformance, type InsightsReport, type RankMetric } from "./report.js";

export interface Recommendation {
  kind: "format" | "channel" | "product" | "budget" | "hook" | "data";
  message: string;
  evidence: Record<string, unknown>;
}

const pct = (v: number) => `${round(v * 100, 1)}%`;
const METRIC_LABEL: Record<RankMetric, string> = {
  engagementRate: "engagement rate",
  ctr: "click-through rate",
  views: "views",
  watchTimeSec: "watch time",
  completion: "completion",
  conversions: "conversions",
  revenue: "revenue",
  roas: "ROAS",
};

function show(by: RankMetric, v: number): string {
  if (by === "engagementRate" || by === "ctr" || by === "completion") return pct(v);
  if (by === "roas") return `${round(v, 2)}x`;
  if (by === "revenue") return `$${round(v, 2)}`;
  if (by === "watchTimeSec") return `${Math.round(v)} s`;
  return String(Math.round(v));
}

const metricOf = (g: GroupPerformance, by: RankMetric): number | null =>
  by === "views" || by === "watchTimeSec" || by === "conversions" || by === "revenue"
    ? g.reported.includes(by)
      ? // Totals grow with the number of posts: compare per post.
        g.totals[by] / g.publications
      : null
    : (g[by] ?? null);

/** Best and worst of the groups with enough data, when the best is clearly ahead (>= 1.25x). */
function spread(groups: GroupPerformance[], by: RankMetric, minViews: number) {
  const usable = groups.filter((g) => g.totals.views >= minViews && metricOf(g, by) !== null);
  if (usable.length < 2) return null;
  const sorted = [...usable].sort((a, b) => metricOf(b, by)! - metricOf(a, by)!);
  const best = sorted[0];
  const worst = sorted[sorted.length - 1];
  const [bv, wv] = [metricOf(best, by)!, metricOf(worst, by)!];
  if (bv <= 0 || (wv > 0 && bv / wv < 1.25)) return null;
  return { best, worst, bv, wv, factor: wv > 0 ? round(bv / wv, 1) : null };
}

export function recommend(report: InsightsReport, o: { minViews: number; roasTarget: number }): Recommendation[] {
  const by = report.rankBy;
  const label = METRIC_LABEL[by];
  const perPost = by === "views" || by === "watchTimeSec" || by === "conversions" || by === "revenue" ? " per post" : "";
  const out: Recommendation[] = [];
  if (report.totals.totals.views < o.minViews) {
    out.push({
      kind: "data",
      message: `Too little data to compare yet: ${report.totals.totals.views} views in total across ${report.publications.length} post(s); collect again once there are at least ${o.minViews}.`,
      evidence: { views: report.totals.totals.views, minViews: o.minViews },
    });
  }
  const compare = (kind: Recommendation["kind"], groups: GroupPerformance[], make: (s: NonNullable<ReturnType<typeof spread>>) => string) => {
    const s = spread(groups, by, o.minViews);
    if (s) out.push({ kind, message: make(s), evidence: { metric: by, best: { key: s.best.key, value: s.bv, views: s.best.totals.views }, worst: { key: s.worst.key, value: s.wv, views: s.worst.totals.views } } });
  };
  compare("format", report.byFormat, (s) =>
    `Make the next batch ${s.best.label}: its ${label}${perPost} of ${show(by, s.bv)} is ${s.factor ? `${s.factor}x` : "far above"} that of ${s.worst.label} (${show(by, s.wv)}).`,
  );
  compare("channel", report.byChannel, (s) =>
    `Put more of the next batch on ${s.best.label}: ${label}${perPost} ${show(by, s.bv)} against ${show(by, s.wv)} on ${s.worst.label}.`,
  );
  const products = spread(report.byProduct, by, o.minViews);
  if (products) {
    out.push({
      kind: "product",
      message: `Make more variants for ${products.best.label} (${label}${perPost} ${show(by, products.bv)}), and rework the hook for ${products.worst.label} (${show(by, products.wv)}): open with the product and its price in the first two seconds.`,
      evidence: { metric: by, best: { key: products.best.key, value: products.bv }, worst: { key: products.worst.key, value: products.wv } },
    });
  }
  for (const c of report.roas.byChannel) {
    if (c.roas < o.roasTarget) {
      out.push({
        kind: "budget",
        message: `Cut or rework paid spend on ${c.channel}: ROAS ${round(c.roas, 2)}x ($${round(c.revenue, 2)} revenue on $${round(c.spend, 2)} spend) is below the ${o.roasTarget}x target.`,
        evidence: c,
      });
    }
  }
  const bestRoas = report.roas.byChannel[0];
  if (bestRoas && bestRoas.roas >= o.roasTarget && report.roas.byChannel.some((c) => c.roas < o.roasTarget)) {
    out.push({ kind: "budget", message: `Shift that budget to ${bestRoas.channel}, which returns ${round(bestRoas.roas, 2)}x.`, evidence: bestRoas });
  }
  const c = report.totals.completion;
  if (c !== null && c < 0.3 && report.totals.totals.views >= o.minViews) {
    out.push({
      kind: "hook",
      message: `Viewers leave early: they watch ${pct(c)} of each video on average. Show the product in the first second, cut the intro card, or try shorter edits.`,
      evidence: { completion: round(c, 3) },
    });
  }
  return out;
}
