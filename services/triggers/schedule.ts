/**
 * Time-based triggers (cron and one-off schedules) as one thing: "fire times after T". On top of it,
 * the pure decision of what a scheduler tick does with the fire times that came due, including the
 * missed-fire policy after downtime. Pure functions: tested with a fake clock, no database.
 */
import type { CronConfig, MissedPolicy, ScheduleConfig } from "../../schemas/triggers.js";
import { cronTimesAfter, describeCron } from "./cron.js";
import { describeInstant } from "./zones.js";

export type TimeSchedule = { kind: "cron"; config: CronConfig } | { kind: "schedule"; config: ScheduleConfig };

export const isTimeKind = (kind: string): kind is TimeSchedule["kind"] => kind === "cron" || kind === "schedule";

/** Fire times strictly after `after`, up to `count`, not later than `until` when given. */
export function fireTimesAfter(s: TimeSchedule, after: Date, o: { count: number; until?: Date }): Date[] {
  if (s.kind === "cron") return cronTimesAfter(s.config.expression, s.config.timezone, after, o);
  return s.config.times
    .map((t) => new Date(t))
    .filter((t) => t > after && (!o.until || t <= o.until))
    .sort((a, b) => a.getTime() - b.getTime())
    .slice(0, o.count);
}

export const nextFireAfter = (s: TimeSchedule, after: Date): Date | null => fireTimesAfter(s, after, { count: 1 })[0] ?? null;

export function describeSchedule(s: TimeSchedule): string {
  if (s.kind === "cron") return describeCron(s.config.expression);
  const n = s.config.times.length;
  return `${n} scheduled time${n === 1 ? "" : "s"}`;
}

export interface DueFire {
  scheduledFor: Date;
  /** pending: start a run (subject to the overlap policy); skipped: recorded with the reason only. */
  status: "pending" | "skipped";
  reason: string | null;
}

/** Missed fire times counted one by one up to this; beyond it the reason says "more than". */
const MISSED_COUNT_CAP = 10_000;

/**
 * What a tick at `now` does for a trigger whose earliest unprocessed fire time is `due`.
 * A fire time within `graceMs` of now is on time and runs. Older ones were missed (the system was
 * down or paused it): policy `skip` records one skipped fire for them; `catchup` runs once for all
 * of them, unless an on-time fire in the same tick already runs.
 */
export function planDueFires(
  s: TimeSchedule,
  due: Date,
  now: Date,
  o: { graceMs: number; missedPolicy: MissedPolicy },
): { fires: DueFire[]; nextFireAt: Date | null } {
  if (due > now) return { fires: [], nextFireAt: due };
  const times = [due, ...fireTimesAfter(s, due, { count: MISSED_COUNT_CAP, until: now })];
  const onTime = times.filter((t) => now.getTime() - t.getTime() <= o.graceMs);
  const missed = times.filter((t) => now.getTime() - t.getTime() > o.graceMs);
  const fires: DueFire[] = onTime.map((t) => ({ scheduledFor: t, status: "pending", reason: null }));
  if (missed.length) {
    const last = missed[missed.length - 1];
    const zone = s.config.timezone;
    const count = missed.length >= MISSED_COUNT_CAP ? `more than ${MISSED_COUNT_CAP}` : String(missed.length);
    const span =
      missed.length === 1
        ? `at ${describeInstant(missed[0], zone)}`
        : `from ${describeInstant(missed[0], zone)} to ${describeInstant(last, zone)}`;
    const what = `missed ${count} fire time${missed.length === 1 ? "" : "s"} ${span} while no scheduler was running`;
    if (o.missedPolicy === "skip") {
      fires.unshift({ scheduledFor: last, status: "skipped", reason: `${what} (missed-fire policy: skip)` });
    } else if (onTime.length) {
      fires.unshift({ scheduledFor: last, status: "skipped", reason: `${what}; no catch-up run: the on-time fire at ${describeInstant(onTime[0], zone)} runs instead` });
    } else {
      fires.unshift({ scheduledFor: last, status: "pending", reason: `catch-up run: ${what} (missed-fire policy: catchup)` });
    }
  }
  return { fires, nextFireAt: nextFireAfter(s, now) };
}
