/**
 * analytics.collect: publications -> metrics over a window, pulled from each channel's insights
 * API and the library's own tracking, stored as a time series (ctx.provider("metrics")), plus an
 * insights report: top and bottom performers by product, format and channel, ROAS where spend and
 * revenue exist, and recommendations for the next batch. Without the publications input it
 * collects everything published in the window (a daily analytics graph on a cron trigger).
 */
import { z } from "zod";
import { PublicationValueSchema } from "../../schemas/index.js";
import { COLLECTORS, type Collected } from "./collectors.js";
import { recommend, type Recommendation } from "./recommendations.js";
import { buildReport, RANK_METRICS, type InsightsReport } from "./report.js";
import { METRICS, type MetricName, type MetricSample } from "../shared/metrics-store.js";
import { PlatformError } from "../shared/publishers/http.js";
import type { PublicationRecord } from "../shared/publishers/ledger.js";
import { MissingSecretError } from "../shared/publishers/types.js";
import { defineNode, PermanentNodeError } from "../contract.js";

export const AnalyticsCollectConfigSchema = z.object({
  windowDays: z.number().min(0.01).max(365).default(7).describe("How far back to look, in days"),
  rankBy: z.enum(RANK_METRICS).default("engagementRate").describe("What 'top' and 'bottom' mean"),
  topN: z.number().int().min(1).max(50).default(3).describe("How many top and bottom performers to list"),
  minViews: z.number().int().min(0).default(100).describe("Views a group needs before it is compared with others"),
  roasTarget: z.number().min(0).default(2).describe("ROAS below this is called out"),
});
export type AnalyticsCollectConfig = z.output<typeof AnalyticsCollectConfigSchema>;

/** Conversions, revenue and spend from elsewhere (a shop export, an ad account), per publication or per product. */
const AttributionRowSchema = z
  .object({
    publicationId: z.string().optional(),
    productId: z.string().optional(),
    channel: z.string().optional(),
    conversions: z.number().min(0).optional(),
    revenue: z.number().min(0).optional(),
    spend: z.number().min(0).optional(),
  })
  .refine((r) => r.publicationId || r.productId, { message: "each row needs a publicationId or a productId" });

/** The attribution input: rows, or one row. */
const AttributionInputSchema = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(AttributionRowSchema));

/** A publication this node can look up: one the ledger recorded (publish.channel's output). */
const PublicationInputSchema = PublicationValueSchema.extend({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { error: "not a publication id (connect publish.channel's publications)" }),
});

export const analyticsCollect = defineNode({
  type: "analytics.collect",
  version: 1,
  title: "Collect analytics",
  category: "Distribution",
  description: "Pulls views, engagement, watch time, clicks and revenue for publications, stores them as a time series and reports what works.",
  inputs: [
    { name: "publications", type: "publication", list: true, required: false, schema: PublicationInputSchema, description: "From publish.channel; default: everything published in the window" },
    { name: "attribution", type: "json", required: false, schema: AttributionInputSchema, description: "Rows of {publicationId | productId (+ channel), conversions, revenue, spend}" },
  ],
  outputs: [
    { name: "metrics", type: "metrics", description: "Latest value of every metric per publication" },
    { name: "report", type: "json", description: "Rankings by product, format and channel, ROAS and recommendations" },
  ],
  config: AnalyticsCollectConfigSchema,
  // Live numbers: never from the cache.
  cacheable: false,
  // The platform collectors (nodes/analytics/collectors.ts) read each platform's access token.
  secrets: ["INSTAGRAM_ACCESS_TOKEN", "YOUTUBE_ACCESS_TOKEN", "TIKTOK_ACCESS_TOKEN"],
  timeoutMs: 10 * 60_000,
  estimate: () => ({ usd: 0, seconds: 3 }),
  async run(inputs, config, ctx) {
    const store = ctx.provider("metrics");
    const windowEnd = new Date().toISOString();
    const windowStart = new Date(Date.now() - config.windowDays * 86_400_000).toISOString();
    // Skipped upstream items are nulls; one publication may come through two edges.
    const ids = inputs.publications && [...new Set(inputs.publications.flatMap((p) => (p ? [p.id] : [])))];
    const pubs = await store.publications(ids ? { ids } : { since: windowStart });
    if (ids && pubs.length < ids.length) ctx.log(`${ids.length - pubs.length} of ${ids.length} publication(s) are not published (failed or scheduled): left out`);

    const samples: MetricSample[] = [];
    const problems: { channel: string; code: string; message: string }[] = [];
    const collectCtx = { endpoints: ctx.provider("platforms"), secrets: ctx.secrets, store, signal: ctx.signal, log: (m: string) => ctx.log(m), windowStart, windowEnd };
    const byChannel = new Map<PublicationRecord["channel"], PublicationRecord[]>();
    for (const p of pubs) byChannel.set(p.channel, [...(byChannel.get(p.channel) ?? []), p]);
    for (const [channel, list] of byChannel) {
      const collect = COLLECTORS[channel];
      if (!collect) continue;
      let got: Map<string, Collected>;
      try {
        got = await collect(list, collectCtx);
      } catch (err) {
        if (!(err instanceof PlatformError) && !(err instanceof MissingSecretError)) throw err;
        const code = err instanceof PlatformError ? err.code : err.code;
        problems.push({ channel, code, message: err.message });
        ctx.log(`${channel}: could not collect metrics: ${err.message}`, "warn");
        continue;
      }
      for (const p of list) {
        const c = got.get(p.id);
        if (!c) continue;
        for (const m of METRICS) {
          const v = c.values[m];
          if (v !== undefined && Number.isFinite(v)) samples.push({ publicationId: p.id, channel, metric: m, value: v, windowStart: channel === "library" ? windowStart : p.publishedAt, windowEnd, source: c.source });
        }
      }
    }
    samples.push(...attributionSamples(inputs.attribution ?? [], pubs, windowStart, windowEnd));
    const stored = await store.record(samples);
    const collectable = [...byChannel.keys()].filter((c) => COLLECTORS[c]).length;
    if (collectable > 0 && problems.length === collectable && stored === 0) {
      throw new PermanentNodeError(`no channel returned metrics: ${problems.map((p) => `${p.channel}: ${p.message}`).join("; ")}`, "ANALYTICS_FAILED", { problems });
    }
    const latest = await store.latest(pubs.map((p) => p.id));
    const report = buildReport(pubs, latest, { rankBy: config.rankBy, topN: config.topN, windowStart, windowEnd });
    const recommendations: Recommendation[] = recommend(report, { minViews: config.minViews, roasTarget: config.roasTarget });
    ctx.log(`${stored} sample(s) stored for ${pubs.length} publication(s); ${recommendations.length} recommendation(s)`);
    return {
      metrics: { collectedAt: windowEnd, window: { start: windowStart, end: windowEnd }, samples: stored, publications: latest, problems },
      report: { ...report, recommendations, problems } satisfies InsightsReport & { recommendations: Recommendation[]; problems: unknown[] },
    };
  },
});

/** Attribution rows become samples; a row for a product (and channel) is split evenly over its publications. */
function attributionSamples(rows: z.output<typeof AttributionRowSchema>[], pubs: PublicationRecord[], windowStart: string, windowEnd: string): MetricSample[] {
  const totals = new Map<string, Partial<Record<MetricName, number>>>();
  for (const r of rows) {
    const targets = pubs.filter((p) => (r.publicationId ? p.id === r.publicationId : p.request.product?.id === r.productId && (!r.channel || p.channel === r.channel)));
    for (const p of targets) {
      const t = totals.get(p.id) ?? {};
      for (const m of ["conversions", "revenue", "spend"] as const) if (r[m] !== undefined) t[m] = (t[m] ?? 0) + r[m]! / targets.length;
      totals.set(p.id, t);
    }
  }
  return [...totals.entries()].flatMap(([id, t]) =>
    Object.entries(t).map(([metric, value]) => ({ publicationId: id, channel: pubs.find((p) => p.id === id)!.channel, metric: metric as MetricName, value: value!, windowStart, windowEnd, source: "attribution" })),
  );
}
