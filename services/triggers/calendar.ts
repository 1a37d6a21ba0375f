/**
 * The content calendar: per local day (in the viewer's time zone, DST included), what is scheduled
 * (coming fire times of cron and schedule triggers, posts the publisher has scheduled), what fired
 * (with the run it started, or why it was skipped) and what was published (with the post's URL).
 * Each kind of item comes from a source; a feature with its own dated items adds one to the list.
 */
import type { CalendarItem, CalendarView } from "../../schemas/triggers.js";
import { type TriggerEnv, type TriggerRow } from "./env.js";
import { iso } from "../../lib/time.js";
import { fireTimesAfter } from "./schedule.js";
import { timeScheduleOf, TriggerConfigError } from "./store.js";
import { scopeWorkspace, type Scope } from "../../lib/scope.js";
import { addDays, isValidZone, localDate, localTime, startOfLocalDay } from "./zones.js";

export interface CalendarRange {
  from: Date;
  to: Date;
  now: Date;
  graphId?: string;
  channel?: string;
  /** Only this workspace's graphs and runs; null (a system scope) for every workspace. */
  workspaceId: string | null;
}

export type CalendarEntry = Omit<CalendarItem, "time">;
export type CalendarSource = (env: TriggerEnv, range: CalendarRange) => Promise<CalendarEntry[]>;

/** Coming fire times of enabled time triggers, from now (or the range start) to the range end. */
export const scheduledSource: CalendarSource = async (env, r) => {
  const rows = await env.database.sql<(TriggerRow & { graphName: string })[]>`
    select t.id, t.graph_id as "graphId", t.name, t.kind, t.config, t.channel, t.next_fire_at as "nextFireAt", g.name as "graphName"
    from triggers t join graphs g on g.id = t.graph_id
    where t.enabled and t.kind in ('cron', 'schedule') and t.next_fire_at is not null and t.next_fire_at < ${iso(r.to)}::timestamptz
      and (${r.graphId ?? null}::uuid is null or t.graph_id = ${r.graphId ?? null}::uuid)
      and (${r.workspaceId}::uuid is null or g.workspace_id = ${r.workspaceId}::uuid)
      and (${r.channel ?? null}::text is null or t.channel = ${r.channel ?? null})`;
  const after = new Date(Math.max(r.from.getTime(), r.now.getTime()) - 1);
  return rows.flatMap((t) =>
    fireTimesAfter(timeScheduleOf(t)!, after, { count: 2000, until: new Date(r.to.getTime() - 1) }).map((at) => ({
      kind: "scheduled" as const,
      at: at.toISOString(),
      title: `${t.graphName} · ${t.name}`,
      channel: t.channel,
      graphId: t.graphId,
      triggerId: t.id,
      runId: null,
      status: "scheduled",
      url: null,
    })),
  );
};

/** Fires in the range: the run each started (and its status), or the skip/failure. */
export const firedSource: CalendarSource = async (env, r) => {
  const rows = await env.database.sql<
    { at: string; status: string; runStatus: string | null; runId: string | null; name: string; graphName: string; graphId: string; triggerId: string; channel: string | null }[]
  >`
    select coalesce(f.scheduled_for, f.fired_at) as at, f.status, r.status as "runStatus", f.run_id as "runId", t.name, g.name as "graphName",
           t.graph_id as "graphId", t.id as "triggerId", t.channel
    from trigger_fires f join triggers t on t.id = f.trigger_id join graphs g on g.id = t.graph_id left join runs r on r.id = f.run_id
    where coalesce(f.scheduled_for, f.fired_at) >= ${iso(r.from)}::timestamptz and coalesce(f.scheduled_for, f.fired_at) < ${iso(r.to)}::timestamptz
      and (${r.graphId ?? null}::uuid is null or t.graph_id = ${r.graphId ?? null}::uuid)
      and (${r.workspaceId}::uuid is null or g.workspace_id = ${r.workspaceId}::uuid)
      and (${r.channel ?? null}::text is null or t.channel = ${r.channel ?? null})
    order by 1 limit 5000`;
  return rows.map((f) => ({
    kind: "fired" as const,
    at: iso(f.at)!,
    title: `${f.graphName} · ${f.name}`,
    channel: f.channel,
    graphId: f.graphId,
    triggerId: f.triggerId,
    runId: f.runId,
    status: f.runStatus ?? f.status,
    url: null,
  }));
};

/** The publication ledger: posts published (or scheduled by the publisher) in the range. */
export const publicationsSource: CalendarSource = async (env, r) => {
  const rows = await env.database.sql<
    { at: string; status: string; channel: string; url: string | null; runId: string | null; graphId: string | null; title: string | null }[]
  >`
    select coalesce(p.published_at, p.scheduled_at) as at, p.status, p.channel, p.url, p.run_id as "runId", r.graph_id as "graphId",
           coalesce(p.request->>'title', p.request->>'caption', r.name) as title
    from publications p left join runs r on r.id = p.run_id
    where coalesce(p.published_at, p.scheduled_at) >= ${iso(r.from)}::timestamptz and coalesce(p.published_at, p.scheduled_at) < ${iso(r.to)}::timestamptz
      and p.status in ('published', 'scheduled')
      and (${r.graphId ?? null}::uuid is null or r.graph_id = ${r.graphId ?? null}::uuid)
      and (${r.workspaceId}::uuid is null or r.workspace_id = ${r.workspaceId}::uuid)
      and (${r.channel ?? null}::text is null or p.channel = ${r.channel ?? null})
    order by 1 limit 5000`;
  return rows.map((p) => ({
    kind: p.status === "published" ? ("published" as const) : ("scheduled" as const),
    at: iso(p.at)!,
    title: (p.title ?? `${p.channel} post`).slice(0, 120),
    channel: p.channel,
    graphId: p.graphId,
    triggerId: null,
    runId: p.runId,
    status: p.status,
    url: p.url,
  }));
};

export const calendarSources: CalendarSource[] = [scheduledSource, firedSource, publicationsSource];

export interface CalendarQuery {
  start?: string;
  days: number;
  timezone: string;
  graphId?: string;
  channel?: string;
}

/** `days` local days from `start` (default: today in `timezone`), every day listed even when empty. */
export async function buildCalendar(env: TriggerEnv, scope: Scope, q: CalendarQuery, sources: CalendarSource[] = calendarSources): Promise<CalendarView> {
  if (!isValidZone(q.timezone)) throw new TriggerConfigError("timezone", `unknown time zone "${q.timezone}" (use an IANA name like Europe/Copenhagen)`);
  const now = env.now();
  const start = q.start ?? localDate(now, q.timezone);
  const dates = Array.from({ length: q.days }, (_, i) => addDays(start, i));
  const from = startOfLocalDay(start, q.timezone);
  const to = startOfLocalDay(addDays(start, q.days), q.timezone);
  const entries = (await Promise.all(sources.map((s) => s(env, { from, to, now, graphId: q.graphId, channel: q.channel, workspaceId: scopeWorkspace(scope) })))).flat();
  const byDate = new Map<string, CalendarItem[]>(dates.map((d) => [d, []]));
  for (const e of entries) {
    const at = new Date(e.at);
    byDate.get(localDate(at, q.timezone))?.push({ ...e, time: localTime(at, q.timezone) });
  }
  return {
    timezone: q.timezone,
    from: from.toISOString(),
    to: to.toISOString(),
    days: dates.map((date) => ({ date, items: byDate.get(date)!.sort((a, b) => a.at.localeCompare(b.at) || a.title.localeCompare(b.title)) })),
  };
}
