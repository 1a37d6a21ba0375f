/**
 * Alert rules as data, their metrics as SQL over what the system already records (node runs,
 * the review queue, the publication ledger, the metric time series), and the evaluation that
 * opens, updates and resolves alerts, per workspace (over that workspace's runs). At most one alert
 * per rule and workspace is open (a partial unique index), so concurrent evaluations in several
 * processes cannot fire a rule twice.
 */
import type { Sql } from "../db/index.js";
import { iso } from "../lib/time.js";

export const ALERT_METRICS = ["generation_success_rate", "review_queue_size", "distribution_failure_rate", "roas"] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

export interface AlertRule {
  id: string;
  title: string;
  metric: AlertMetric;
  op: "<" | ">";
  threshold: number;
  /** Look-back of the metric; rate metrics need one. */
  windowHours?: number;
  /** Fewer observations than this: no verdict (one failed step out of one is not a 0% rate). */
  minSamples: number;
  severity: "warning" | "critical";
}

export const ALERT_RULES: AlertRule[] = [
  { id: "generation-success-rate", title: "Generation success rate below 90%", metric: "generation_success_rate", op: "<", threshold: 0.9, windowHours: 24, minSamples: 5, severity: "critical" },
  { id: "review-queue-size", title: "Review queue above 100", metric: "review_queue_size", op: ">", threshold: 100, minSamples: 0, severity: "warning" },
  { id: "distribution-failure-rate", title: "Distribution failure rate above 5%", metric: "distribution_failure_rate", op: ">", threshold: 0.05, windowHours: 24, minSamples: 5, severity: "critical" },
  { id: "roas", title: "ROAS below 2", metric: "roas", op: "<", threshold: 2, windowHours: 24 * 7, minSamples: 1, severity: "warning" },
];

export interface MetricReading {
  value: number | null;
  samples: number;
  /** What the value is made of, for the message ("8 of 10 generation steps"). */
  detail: string;
}

export interface AlertContext {
  /** Node types that generate (their success rate is watched). */
  generationTypes: string[];
  /** Metrics read over this workspace's runs only; alerts belong to it. */
  workspaceId: string;
}

const hours = (h = 24) => `${h} hours`;

export async function readMetric(sql: Sql, rule: AlertRule, ctx: AlertContext): Promise<MetricReading> {
  const since = sql`now() - ${hours(rule.windowHours)}::interval`;
  const ws = ctx.workspaceId;
  switch (rule.metric) {
    case "generation_success_rate": {
      if (ctx.generationTypes.length === 0) return { value: null, samples: 0, detail: "no generation node types" };
      const [r] = await sql<{ ok: number; failed: number }[]>`
        select count(*) filter (where nr.status in ('succeeded', 'cached'))::int as ok, count(*) filter (where nr.status = 'failed')::int as failed
        from node_runs nr join runs r on r.id = nr.run_id
        where r.workspace_id = ${ws} and nr.finished_at >= ${since} and nr.status in ('succeeded', 'cached', 'failed')
          and (r.plan->'nodes'->nr.node_id->>'type') in ${sql(ctx.generationTypes)}`;
      const n = r.ok + r.failed;
      return { value: n ? r.ok / n : null, samples: n, detail: `${r.ok} of ${n} generation step(s) in the last ${rule.windowHours ?? 24} h succeeded` };
    }
    case "review_queue_size": {
      const [r] = await sql<{ n: number }[]>`
        select count(*)::int as n from node_runs nr join runs r on r.id = nr.run_id
        where r.workspace_id = ${ws} and nr.status = 'waiting' and nr.waiting->>'kind' = 'review'`;
      return { value: r.n, samples: r.n, detail: `${r.n} review(s) waiting` };
    }
    case "distribution_failure_rate": {
      const [r] = await sql<{ failed: number; total: number }[]>`
        select count(*) filter (where p.status = 'failed')::int as failed, count(*)::int as total
        from publications p join runs r on r.id = p.run_id
        where r.workspace_id = ${ws} and p.status in ('published', 'failed') and p.updated_at >= ${since}`;
      return { value: r.total ? r.failed / r.total : null, samples: r.total, detail: `${r.failed} of ${r.total} publication(s) in the last ${rule.windowHours ?? 24} h failed` };
    }
    case "roas": {
      const [r] = await sql<{ revenue: number; spend: number; pubs: number }[]>`
        with latest as (
          select distinct on (ms.publication_id, ms.metric) ms.publication_id, ms.metric, ms.value
          from metric_samples ms join publications p on p.id = ms.publication_id join runs r on r.id = p.run_id
          where r.workspace_id = ${ws} and ms.metric in ('revenue', 'spend') and ms.collected_at >= ${since}
          order by ms.publication_id, ms.metric, ms.collected_at desc, ms.id desc)
        select coalesce(sum(value) filter (where metric = 'revenue'), 0)::float8 as revenue,
               coalesce(sum(value) filter (where metric = 'spend'), 0)::float8 as spend,
               count(distinct publication_id) filter (where metric = 'spend' and value > 0)::int as pubs
        from latest`;
      return {
        value: r.spend > 0 ? r.revenue / r.spend : null,
        samples: r.pubs,
        detail: `$${r.revenue.toFixed(2)} revenue on $${r.spend.toFixed(2)} spend over ${r.pubs} publication(s) in the last ${Math.round((rule.windowHours ?? 24) / 24)} day(s)`,
      };
    }
  }
}

export interface RuleState extends AlertRule {
  state: "firing" | "ok" | "no data";
  value: number | null;
  samples: number;
  detail: string;
}

const firing = (rule: AlertRule, m: MetricReading) => m.value !== null && m.samples >= rule.minSamples && (rule.op === "<" ? m.value < rule.threshold : m.value > rule.threshold);

const show = (rule: AlertRule, v: number) => (rule.metric.endsWith("_rate") ? `${(v * 100).toFixed(1)}%` : rule.metric === "roas" ? `${v.toFixed(2)}x` : String(v));

export function alertMessage(rule: AlertRule, m: MetricReading): string {
  return `${rule.title.replace(/ (below|above) .*/, "")} is ${show(rule, m.value!)} (${m.detail}), ${rule.op === "<" ? "below" : "above"} ${show(rule, rule.threshold)}`;
}

/** Read every rule's metric now (no writes): what GET /api/alerts shows next to the alerts. */
export async function ruleStates(sql: Sql, ctx: AlertContext, rules = ALERT_RULES): Promise<RuleState[]> {
  const out: RuleState[] = [];
  for (const rule of rules) {
    const m = await readMetric(sql, rule, ctx);
    out.push({ ...rule, ...m, state: m.value === null || m.samples < rule.minSamples ? "no data" : firing(rule, m) ? "firing" : "ok" });
  }
  return out;
}

/** Evaluate every rule: open an alert for a newly firing rule, refresh an open one, resolve a recovered one. */
export async function evaluateAlerts(sql: Sql, ctx: AlertContext & { runId?: string | null }, rules = ALERT_RULES): Promise<{ fired: string[]; resolved: string[] }> {
  const fired: string[] = [];
  const resolved: string[] = [];
  for (const rule of rules) {
    const m = await readMetric(sql, rule, ctx);
    if (firing(rule, m)) {
      const [row] = await sql<{ inserted: boolean }[]>`
        insert into alerts (rule_id, workspace_id, status, severity, message, value, threshold, run_id)
        values (${rule.id}, ${ctx.workspaceId}, 'firing', ${rule.severity}, ${alertMessage(rule, m)}, ${m.value}, ${rule.threshold}, ${ctx.runId ?? null})
        on conflict (rule_id, workspace_id) where status = 'firing'
        do update set value = excluded.value, message = excluded.message, updated_at = now()
        returning (xmax = 0) as inserted`;
      if (row.inserted) fired.push(rule.id);
    } else if (m.value !== null && m.samples >= rule.minSamples) {
      const rows = await sql`update alerts set status = 'resolved', resolved_at = now(), updated_at = now()
        where rule_id = ${rule.id} and workspace_id = ${ctx.workspaceId} and status = 'firing' returning id`;
      if (rows.length) resolved.push(rule.id);
    }
  }
  return { fired, resolved };
}

export interface AlertView {
  id: string;
  ruleId: string;
  status: "firing" | "resolved";
  severity: string;
  message: string;
  value: number;
  threshold: number;
  runId: string | null;
  firedAt: string;
  resolvedAt: string | null;
  updatedAt: string;
}

export async function listAlerts(sql: Sql, o: { workspaceId: string; status?: "firing" | "resolved" | "all"; limit?: number }): Promise<AlertView[]> {
  const status = o.status ?? "all";
  const rows = await sql<(Omit<AlertView, "firedAt" | "resolvedAt" | "updatedAt"> & { firedAt: string; resolvedAt: string | null; updatedAt: string })[]>`
    select id, rule_id as "ruleId", status, severity, message, value, threshold, run_id as "runId", fired_at as "firedAt", resolved_at as "resolvedAt", updated_at as "updatedAt"
    from alerts where workspace_id = ${o.workspaceId} and (${status} = 'all' or status = ${status})
    order by (status = 'firing') desc, fired_at desc limit ${Math.min(o.limit ?? 100, 500)}`;
  return rows.map((r) => ({ ...r, firedAt: iso(r.firedAt), resolvedAt: iso(r.resolvedAt), updatedAt: iso(r.updatedAt) }));
}
