/**
 * Time zone arithmetic for schedules and the calendar. Luxon does the DST work: a local day can be
 * 23 or 25 hours long, and a local time can be missing (spring forward) or happen twice (fall back).
 */
import { DateTime } from "luxon";

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** The instant local midnight starts `date` (YYYY-MM-DD) in `zone`. */
export function startOfLocalDay(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).startOf("day").toJSDate();
}

/** The local date `days` after `date`, as YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** Today's date in `zone`. */
export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at).setZone(zone).toISODate()!;
}

export function localTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at).setZone(zone).toFormat("HH:mm");
}

/** "Sun 26 Oct 2025, 09:00 GMT+1": what a person reads in a list of fire times. */
export function describeInstant(at: Date, zone: string): string {
  return DateTime.fromJSDate(at).setZone(zone).toFormat("ccc d LLL yyyy, HH:mm ZZZZ");
}

/**
 * The instant a wall-clock time happens on a local date. A time skipped by a spring-forward jump
 * moves forward by the jump (02:30 -> 03:30), as cron does; a time that happens twice takes the first.
 */
export function localToInstant(date: string, time: string, zone: string): Date {
  const [hour, minute] = time.split(":").map(Number);
  const [year, month, day] = date.split("-").map(Number);
  // The wall time read as UTC, minus each offset the zone uses around then; keep those that read back right.
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const offsets = new Set([-3, 0, 3].map((h) => DateTime.fromMillis(wall + h * 3_600_000, { zone }).offset));
  const matches = [...offsets]
    .map((offset) => wall - offset * 60_000)
    .filter((ms) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd HH:mm") === `${date} ${time}`);
  if (matches.length) return new Date(Math.min(...matches));
  // Skipped by a spring-forward jump: Luxon moves it forward by the jump.
  return DateTime.fromObject({ year, month, day, hour, minute }, { zone }).toJSDate();
}
