/**
 * The insights report: per publication performance with derived rates, rankings (top and bottom
 * performers overall and by product, format and channel), ROAS where spend and revenue exist.
 * Rates of a group are computed from its summed counts (not averaged), so a group of many small
 * posts and one of a few large ones compare fairly.
 *   ctr = clicks / impressions (or / views when a channel reports no impressions)
 *   engagementRate = (likes + comments + shares + saves + clicks) / views
 *   completion = watch time / (views x duration)
 *   roas = revenue / spend
 */
import type { PublicationFormat, PublicationRecord } from "../shared/publishers/ledger.js";
import { METRICS, type MetricName, type MetricValues } from "../shared/metrics-store.js";

export const RANK_METRICS = ["engagementRate", "ctr", "views", "watchTimeSec", "completion", "conversions", "revenue", "roas"] as const;
export type RankMetric = (typeof RANK_METRICS)[number];

export interface Derived {
  ctr: number | null;
  engagementRate: number | null;
  completion: number | null;
  roas: number | null;
}

export interface Performance extends Derived {
  totals: Record<MetricName, number>;
  /** Which metrics some source reported (a 0 we measured is not a metric nobody reports). */
  reported: MetricName[];
}

export interface PublicationPerformance extends Performance {
  id: string;
  channel: string;
  url: string | null;
  productId: string | null;
  productName: string | null;
  format: string;
  publishedAt: string | null;
}

export interface GroupPerformance extends Performance {
  key: string;
  label: string;
  publications: number;
}

export interface InsightsReport {
  window: { start: string; end: string };
  rankBy: RankMetric;
  totals: Performance;
  publications: PublicationPerformance[];
  top: PublicationPerformance[];
  bottom: PublicationPerformance[];
  byProduct: GroupPerformance[];
  byFormat: GroupPerformance[];
  byChannel: GroupPerformance[];
  roas: { overall: number | null; byChannel: { channel: string; spend: number; revenue: number; roas: number }[] };
}

/** "9:16 · 11-20 s": aspect ratio and a duration bucket, so near-identical lengths group together. */
export function formatLabel(f: PublicationFormat): string {
  const aspect = f.aspectRatio ?? (f.width && f.height ? simpleAspect(f.width, f.height) : "unknown");
  const d = f.durationSec;
  const bucket = d === undefined ? "?" : d <= 10 ? "≤10 s" : d <= 20 ? "11-20 s" : d <= 35 ? "21-35 s" : d <= 65 ? "36-65 s" : ">65 s";
  return `${aspect} · ${bucket}`;
}

function simpleAspect(w: number, h: number): string {
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = gcd(w, h);
  return `${w / g}:${h / g}`;
}

const zero = () => Object.fromEntries(METRICS.map((m) => [m, 0])) as Record<MetricName, number>;
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function derive(totals: Record<MetricName, number>, reported: Set<MetricName>, durationSecTotal: number | null): Derived {
  const base = reported.has("impressions") && totals.impressions > 0 ? totals.impressions : totals.views;
  return {
    ctr: reported.has("clicks") ? ratio(totals.clicks, base) : null,
    engagementRate: reported.has("views") ? ratio(totals.likes + totals.comments + totals.shares + totals.saves + totals.clicks, totals.views) : null,
    completion: reported.has("watchTimeSec") && durationSecTotal ? ratio(totals.watchTimeSec, durationSecTotal) : null,
    roas: reported.has("spend") && totals.spend > 0 ? totals.revenue / totals.spend : null,
  };
}

function aggregate(items: { values: MetricValues; durationSec?: number }[]): Performance {
  const totals = zero();
  const reported = new Set<MetricName>();
  let watchable = 0;
  for (const it of items) {
    for (const m of METRICS) {
      const v = it.values[m];
      if (v === undefined || v === null || !Number.isFinite(v)) continue;
      totals[m] += v;
      reported.add(m);
    }
    // Completion only over posts whose watch time is known.
    if (it.durationSec && it.values.views && it.values.watchTimeSec !== undefined) watchable += it.durationSec * it.values.views;
  }
  return { totals, reported: [...reported], ...derive(totals, reported, watchable || null) };
}

const valueOf = (p: Performance, by: RankMetric): number | null => (by in p.totals && p.reported.includes(by as MetricName) ? p.totals[by as MetricName] : ((p as unknown as Record<string, number | null>)[by] ?? null));

/** Highest first; what cannot be measured for this metric goes last, in a stable order. */
export function rank<T extends Performance>(list: T[], by: RankMetric): T[] {
  return [...list].sort((a, b) => {
    const va = valueOf(a, by);
    const vb = valueOf(b, by);
    if (va === null && vb === null) return 0;
    if (va === null) return 1;
    if (vb === null) return -1;
    return vb - va;
  });
}

export function buildReport(
  pubs: PublicationRecord[],
  metrics: Record<string, MetricValues>,
  o: { rankBy: RankMetric; topN: number; windowStart: string; windowEnd: string },
): InsightsReport {
  const rows: PublicationPerformance[] = pubs.map((p) => ({
    id: p.id,
    channel: p.channel,
    url: p.url,
    productId: p.request.product?.id ?? null,
    productName: p.request.product?.name ?? null,
    format: formatLabel(p.request.format),
    publishedAt: p.publishedAt,
    ...aggregate([{ values: metrics[p.id] ?? {}, durationSec: p.request.format.durationSec }]),
  }));
  const group = (keyOf: (p: PublicationRecord) => string, labelOf: (p: PublicationRecord) => string): GroupPerformance[] => {
    const groups = new Map<string, PublicationRecord[]>();
    for (const p of pubs) groups.set(keyOf(p), [...(groups.get(keyOf(p)) ?? []), p]);
    return rank(
      [...groups.entries()].map(([key, members]) => ({
        key,
        label: labelOf(members[0]),
        publications: members.length,
        ...aggregate(members.map((m) => ({ values: metrics[m.id] ?? {}, durationSec: m.request.format.durationSec }))),
      })),
      o.rankBy,
    );
  };
  const ranked = rank(rows, o.rankBy);
  const measurable = ranked.filter((r) => valueOf(r, o.rankBy) !== null);
  const byChannel = group((p) => p.channel, (p) => p.channel);
  return {
    window: { start: o.windowStart, end: o.windowEnd },
    rankBy: o.rankBy,
    totals: aggregate(pubs.map((p) => ({ values: metrics[p.id] ?? {}, durationSec: p.request.format.durationSec }))),
    publications: ranked,
    top: measurable.slice(0, o.topN),
    // Lowest first, never repeating a top performer (a short list may have no bottom).
    bottom: measurable.slice(Math.max(o.topN, measurable.length - o.topN)).reverse(),
    byProduct: group((p) => p.request.product?.id ?? "(no product)", (p) => p.request.product?.name ?? "(no product)"),
    byFormat: group((p) => formatLabel(p.request.format), (p) => formatLabel(p.request.format)),
    byChannel,
    roas: {
      overall: aggregate(pubs.map((p) => ({ values: metrics[p.id] ?? {} }))).roas,
      byChannel: byChannel
        .filter((g) => g.roas !== null)
        .map((g) => ({ channel: g.key, spend: g.totals.spend, revenue: g.totals.revenue, roas: round(g.roas!, 3) }))
        .sort((a, b) => b.roas - a.roas),
    },
  };
}

export const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
