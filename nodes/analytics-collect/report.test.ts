import { describe, expect, it } from "vitest";
import type { PublicationRecord } from "../shared/publishers/ledger.js";
import { recommend } from "./recommendations.js";
import { buildReport, formatLabel } from "./report.js";
import type { MetricValues } from "../shared/metrics-store.js";

/** A publication record as the ledger returns it, with what the report reads. */
function pub(id: string, channel: PublicationRecord["channel"], product: string, format: { aspectRatio: string; durationSec: number }): PublicationRecord {
  return {
    id,
    idempotencyKey: `run:${id}`,
    channel,
    status: "published",
    request: {
      channel,
      media: { hash: "a".repeat(64), mime: "video/mp4", size: 1, url: "/media/x", kind: "video", meta: {} },
      caption: "",
      hashtags: [],
      title: id,
      product: { id: product, name: `Product ${product.toUpperCase()}` },
      settings: {},
      scheduleAt: null,
      format,
    },
    platformState: {},
    platformId: id,
    url: `https://example.com/${id}`,
    error: null,
    attempts: 1,
    scheduledAt: null,
    publishedAt: "2025-05-01T10:00:00.000Z",
    createdAt: "2025-05-01T10:00:00.000Z",
  };
}

const short = { aspectRatio: "9:16", durationSec: 8 };
const long = { aspectRatio: "16:9", durationSec: 30 };
// Engagement rates: p1 10%, p2 6%, p3 2%, p4 5% (its 40 clicks count), p5 4%; p6 has no metrics at all.
const pubs = [
  pub("p1", "tiktok", "a", short),
  pub("p2", "instagram_reels", "a", short),
  pub("p3", "youtube_shorts", "b", long),
  pub("p4", "instagram_reels", "b", long),
  pub("p5", "tiktok", "b", short),
  pub("p6", "webhook", "a", short),
];
const metrics: Record<string, MetricValues> = {
  p1: { views: 1000, likes: 80, comments: 10, shares: 10, watchTimeSec: 6000, revenue: 300, spend: 60 },
  p2: { views: 500, likes: 20, comments: 5, shares: 5, impressions: 2000, clicks: 0, revenue: 20, spend: 40 },
  p3: { views: 2000, likes: 30, comments: 5, shares: 5, watchTimeSec: 9000 },
  p4: { views: 1000, likes: 5, comments: 3, shares: 2, impressions: 4000, clicks: 40 },
  p5: { views: 500, likes: 15, comments: 3, shares: 2 },
};

describe("insights report", () => {
  const report = buildReport(pubs, metrics, { rankBy: "engagementRate", topN: 2, windowStart: "2025-05-01T00:00:00Z", windowEnd: "2025-05-08T00:00:00Z" });

  it("ranks publications by the chosen metric, unmeasurable ones last", () => {
    expect(report.publications.map((p) => p.id)).toEqual(["p1", "p2", "p4", "p5", "p3", "p6"]);
    expect(report.publications.map((p) => p.engagementRate)).toEqual([0.1, 0.06, 0.05, 0.04, 0.02, null]);
    expect(report.top.map((p) => p.id)).toEqual(["p1", "p2"]);
    expect(report.bottom.map((p) => p.id)).toEqual(["p3", "p5"]);
    const byViews = buildReport(pubs, metrics, { rankBy: "views", topN: 1, windowStart: "", windowEnd: "" });
    expect(byViews.publications.map((p) => p.id)).toEqual(["p3", "p1", "p4", "p2", "p5", "p6"]);
    expect([byViews.top[0].id, byViews.bottom[0].id]).toEqual(["p3", "p5"]);
  });

  it("groups by product, format and channel from summed counts", () => {
    // a: (100 + 30) / 1500; b: (40 + 50 + 20) / 3500
    expect(report.byProduct.map((g) => [g.key, g.publications, round(g.engagementRate!)])).toEqual([
      ["a", 3, round(130 / 1500)],
      ["b", 3, round(110 / 3500)],
    ]);
    expect(report.byFormat.map((g) => [g.label, round(g.engagementRate!)])).toEqual([
      ["9:16 · ≤10 s", round((100 + 30 + 20) / 2000)],
      ["16:9 · 21-35 s", round((40 + 50) / 3000)],
    ]);
    expect(report.byChannel.map((g) => g.key)).toEqual(["tiktok", "instagram_reels", "youtube_shorts", "webhook"]);
    // CTR uses impressions where a channel reports them: 40 clicks / 4000 + 0 / 2000.
    expect(report.byChannel.find((g) => g.key === "instagram_reels")!.ctr).toBe(40 / 6000);
    expect(report.totals.totals.views).toBe(5000);
  });

  it("computes ROAS only where spend and revenue exist", () => {
    expect(report.roas.byChannel).toEqual([
      { channel: "tiktok", spend: 60, revenue: 300, roas: 5 },
      { channel: "instagram_reels", spend: 40, revenue: 20, roas: 0.5 },
    ]);
    expect(report.roas.overall).toBeCloseTo(320 / 100);
  });

  it("recommends concrete changes backed by the numbers", () => {
    const recs = recommend(report, { minViews: 100, roasTarget: 2 });
    const byKind = (k: string) => recs.filter((r) => r.kind === k).map((r) => r.message);
    expect(byKind("format")).toEqual([`Make the next batch 9:16 · ≤10 s: its engagement rate of 7.5% is 2.5x that of 16:9 · 21-35 s (3%).`]);
    expect(byKind("channel")[0]).toMatch(/^Put more of the next batch on tiktok: engagement rate 8% against 2% on youtube_shorts\.$/);
    expect(byKind("product")[0]).toMatch(/^Make more variants for Product A \(engagement rate 8\.7%\), and rework the hook for Product B \(3\.1%\)/);
    expect(byKind("budget")).toEqual([
      "Cut or rework paid spend on instagram_reels: ROAS 0.5x ($20 revenue on $40 spend) is below the 2x target.",
      "Shift that budget to tiktok, which returns 5x.",
    ]);
    expect(recs.find((r) => r.kind === "data")).toBeUndefined();
    const thin = recommend(buildReport(pubs.slice(0, 1), { p1: { views: 10, likes: 1 } }, { rankBy: "views", topN: 3, windowStart: "", windowEnd: "" }), { minViews: 100, roasTarget: 2 });
    expect(thin.map((r) => r.kind)).toEqual(["data"]);
  });

  it("labels formats by aspect ratio and duration bucket", () => {
    expect(formatLabel({ width: 1080, height: 1920, durationSec: 15 })).toBe("9:16 · 11-20 s");
    expect(formatLabel({ aspectRatio: "1:1", durationSec: 61 })).toBe("1:1 · 36-65 s");
  });
});

const round = (n: number) => Math.round(n * 1e6) / 1e6;
