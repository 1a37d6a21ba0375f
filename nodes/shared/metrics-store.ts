/**
 * The metric store as analytics.collect sees it (ctx.provider("metrics")), implemented on
 * PostgreSQL by services/metrics-store.ts. Samples are a time series: every collection appends
 * one value per publication and metric, as the source reports it for the window.
 */
import type { PublicationRecord } from "./publishers/ledger.js";

export const METRICS = ["views", "impressions", "clicks", "watchTimeSec", "likes", "comments", "shares", "saves", "conversions", "revenue", "spend"] as const;
export type MetricName = (typeof METRICS)[number];
export type MetricValues = Partial<Record<MetricName, number>>;

export interface MetricSample {
  publicationId: string;
  channel: string;
  metric: MetricName;
  value: number;
  windowStart: string | null;
  windowEnd: string | null;
  /** Which API reported it ("instagram_insights", "youtube_analytics", "library"...). */
  source: string;
}

export interface MetricsStore {
  /** Published publications: these ids, or everything published since `since`. */
  publications(q: { ids?: string[]; since?: string }): Promise<PublicationRecord[]>;
  /** Views, clicks and unique visitors our library pages counted per publication in [since, until). */
  libraryCounts(ids: string[], since: string, until: string): Promise<Record<string, { views: number; clicks: number; visitors: number }>>;
  record(samples: MetricSample[]): Promise<number>;
  /** The latest value of every metric per publication (collected at or before `until`). */
  latest(ids: string[], until?: string): Promise<Record<string, MetricValues>>;
}
