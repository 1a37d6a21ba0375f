/**
 * Cron expressions: standard 5 fields (minute hour day-of-month month day-of-week) read in an IANA
 * time zone, plus presets. cron-parser computes fire times (DST-aware, each local time at most once);
 * cronstrue says them in words.
 */
import { CronExpressionParser } from "cron-parser";
import cronstrue from "cronstrue";
import { CRON_PRESETS } from "../../schemas/triggers.js";
import { isValidZone } from "./zones.js";

/** A schedule that cannot be used, naming the config field at fault. */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const ALIASES: Record<string, string> = {
  "@hourly": CRON_PRESETS.hourly,
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  ...CRON_PRESETS,
};

/** Presets and @aliases become their 5-field form; anything else must have exactly 5 fields. */
export function normalizeCron(expression: string): string {
  const trimmed = expression.trim().replace(/\s+/g, " ");
  const alias = ALIASES[trimmed.toLowerCase()];
  if (alias) return alias;
  const fields = trimmed.split(" ");
  if (fields.length !== 5) {
    throw new ScheduleError(
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}: "${trimmed}"`,
      "expression",
    );
  }
  return trimmed;
}

/** The normalised expression, or a ScheduleError naming `expression` or `timezone`. */
export function validateCron(expression: string, timezone: string): string {
  const normalized = normalizeCron(expression);
  if (!isValidZone(timezone)) throw new ScheduleError(`unknown time zone "${timezone}" (use an IANA name like Europe/Copenhagen)`, "timezone");
  try {
    CronExpressionParser.parse(normalized, { tz: timezone, strict: false });
  } catch (err) {
    throw new ScheduleError(`invalid cron expression "${normalized}": ${(err as Error).message}`, "expression");
  }
  // cron-parser accepts what cronstrue may not (and vice versa): both must understand it.
  describeCron(normalized);
  return normalized;
}

export function describeCron(expression: string): string {
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch (err) {
    throw new ScheduleError(`invalid cron expression "${expression}": ${String((err as Error).message ?? err)}`, "expression");
  }
}

/**
 * Fire times strictly after `after`, in order: up to `count`, and (when given) not later than `until`.
 * Fire times are whole minutes, so `after` may itself be a fire time without being repeated.
 */
export function cronTimesAfter(expression: string, timezone: string, after: Date, o: { count: number; until?: Date }): Date[] {
  const it = CronExpressionParser.parse(expression, { tz: timezone, currentDate: after });
  const out: Date[] = [];
  while (out.length < o.count) {
    const next = it.next().toDate();
    if (o.until && next > o.until) break;
    out.push(next);
  }
  return out;
}
