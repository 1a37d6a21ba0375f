/** The metric time series and the library's own counts on PostgreSQL (contract: nodes/shared/metrics-store.ts). */
import type { Sql } from "../db/index.js";
import type { MetricSample, MetricsStore, MetricValues } from "../nodes/shared/metrics-store.js";
import type { PublicationRecord } from "../nodes/shared/publishers/ledger.js";
import { toRecord } from "./publications.js";

export function createMetricsStore(sql: Sql): MetricsStore {
  return {
    async publications(q) {
      const rows = await sql`
        select id, idempotency_key as "idempotencyKey", channel, status, request, platform_state as "platformState", platform_id as "platformId", url,
               error, attempts, scheduled_at as "scheduledAt", published_at as "publishedAt", created_at as "createdAt"
        from publications
        where status = 'published' and published_at <= now()
          and (${q.ids ?? null}::uuid[] is null or id = any(${q.ids ?? null}::uuid[]))
          and (${q.since ?? null}::timestamptz is null or published_at >= ${q.since ?? null}::timestamptz)
        order by published_at`;
      return rows.map((r) => toRecord(r as never)) as PublicationRecord[];
    },
    async libraryCounts(ids, since, until) {
      if (ids.length === 0) return {};
      const rows = await sql<{ id: string; views: number; clicks: number; visitors: number }[]>`
        select publication_id as id,
               count(*) filter (where kind = 'view')::int as views,
               count(*) filter (where kind = 'click')::int as clicks,
               count(distinct visitor) filter (where kind = 'view')::int as visitors
        from library_events
        where publication_id = any(${ids}::uuid[]) and at >= ${since}::timestamptz and at < ${until}::timestamptz
        group by publication_id`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      return Object.fromEntries(ids.map((id) => [id, { views: byId.get(id)?.views ?? 0, clicks: byId.get(id)?.clicks ?? 0, visitors: byId.get(id)?.visitors ?? 0 }]));
    },
    async record(samples: MetricSample[]) {
      if (samples.length === 0) return 0;
      const rows = samples.map((s) => ({
        publication_id: s.publicationId,
        channel: s.channel,
        metric: s.metric,
        value: s.value,
        window_start: s.windowStart,
        window_end: s.windowEnd,
        source: s.source,
      }));
      await sql`
        insert into metric_samples (publication_id, channel, metric, value, window_start, window_end, source)
        select r.publication_id, r.channel, r.metric, r.value, r.window_start, r.window_end, r.source
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(publication_id uuid, channel text, metric text, value float8, window_start timestamptz, window_end timestamptz, source text)`;
      return rows.length;
    },
    async latest(ids, until) {
      if (ids.length === 0) return {};
      const rows = await sql<{ id: string; metric: string; value: number }[]>`
        select distinct on (publication_id, metric) publication_id as id, metric, value
        from metric_samples
        where publication_id = any(${ids}::uuid[]) and (${until ?? null}::timestamptz is null or collected_at <= ${until ?? null}::timestamptz)
        order by publication_id, metric, collected_at desc, id desc`;
      const out: Record<string, MetricValues> = {};
      for (const r of rows) (out[r.id] ??= {})[r.metric as keyof MetricValues] = r.value;
      return out;
    },
  };
}
