/**
 * Calendar ranges as plain dates (YYYY-MM-DD), so the grid never depends on the browser's own time
 * zone: the server groups items into local days of the calendar's zone, the grid only lays dates out.
 */
export type CalendarMode = "week" | "month";

const parse = (date: string) => {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
};
const format = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return format(d);
}

/** Monday of the week holding `date` (weeks start on Monday, as in most of Europe and ISO 8601). */
export function weekStart(date: string): string {
  const day = parse(date).getUTCDay();
  return addDays(date, -((day + 6) % 7));
}

/** The days a view shows: a week, or the whole weeks (Monday-first) covering the month of `date`. */
export function viewRange(mode: CalendarMode, date: string): { start: string; days: number; label: string } {
  if (mode === "week") {
    const start = weekStart(date);
    return { start, days: 7, label: `${pretty(start)} – ${pretty(addDays(start, 6), true)}` };
  }
  const first = `${date.slice(0, 7)}-01`;
  const next = addMonths(first, 1);
  const start = weekStart(first);
  const end = addDays(weekStart(addDays(next, -1)), 7);
  const days = Math.round((parse(end).getTime() - parse(start).getTime()) / 86_400_000);
  return { start, days, label: parse(first).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }) };
}

export function addMonths(date: string, months: number): string {
  const d = parse(`${date.slice(0, 7)}-01`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return format(d);
}

/** The view before or after the current one. */
export function step(mode: CalendarMode, date: string, direction: 1 | -1): string {
  return mode === "week" ? addDays(date, 7 * direction) : addMonths(date, direction);
}

/** Today's date in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function pretty(date: string, withYear = false): string {
  return parse(date).toLocaleDateString("en-GB", { day: "numeric", month: "short", ...(withYear ? { year: "numeric" } : {}), timeZone: "UTC" });
}

export const weekdayOf = (date: string) => parse(date).toLocaleDateString("en-GB", { weekday: "short", timeZone: "UTC" });

export const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
