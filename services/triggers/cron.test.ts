import { describe, expect, it } from "vitest";
import { cronTimesAfter, describeCron, normalizeCron, ScheduleError, validateCron } from "./cron.js";

const iso = (ds: Date[]) => ds.map((d) => d.toISOString());

describe("cron expressions", () => {
  it("accepts 5 fields and presets, refuses other field counts naming the expression", () => {
    expect(normalizeCron("  0   9 * * 1-5 ")).toBe("0 9 * * 1-5");
    expect(normalizeCron("hourly")).toBe("0 * * * *");
    expect(normalizeCron("@daily")).toBe("0 0 * * *");
    expect(() => normalizeCron("0 0 9 * * *")).toThrow(/expected 5 fields .* got 6/);
    expect(() => normalizeCron("* * * *")).toThrow(ScheduleError);
  });

  it("names the bad field: a value out of range, or an unknown time zone", () => {
    const bad = (() => {
      try {
        validateCron("61 * * * *", "UTC");
      } catch (e) {
        return e as ScheduleError;
      }
    })();
    expect(bad).toBeInstanceOf(ScheduleError);
    expect(bad!.field).toBe("expression");
    expect(bad!.message).toMatch(/61/);
    expect(() => validateCron("0 9 * * *", "Mars/Olympus")).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it("says the schedule in words", () => {
    expect(describeCron("0 9 * * 1-5")).toBe("At 09:00, Monday through Friday");
    expect(describeCron("*/15 * * * *")).toBe("Every 15 minutes");
  });

  it("reads the expression in its time zone, across both DST changes in Copenhagen", () => {
    // 09:00 local is 07:00Z in summer time (CEST) and 08:00Z after the last Sunday of October.
    expect(iso(cronTimesAfter("0 9 * * *", "Europe/Copenhagen", new Date("2025-10-24T12:00:00Z"), { count: 4 }))).toEqual([
      "2025-10-25T07:00:00.000Z",
      "2025-10-26T08:00:00.000Z",
      "2025-10-27T08:00:00.000Z",
      "2025-10-28T08:00:00.000Z",
    ]);
    // And back to 07:00Z after the last Sunday of March.
    expect(iso(cronTimesAfter("0 9 * * *", "Europe/Copenhagen", new Date("2025-03-29T12:00:00Z"), { count: 2 }))).toEqual([
      "2025-03-30T07:00:00.000Z",
      "2025-03-31T07:00:00.000Z",
    ]);
  });

  it("fires a local time that happens twice (fall back) once, and one skipped by spring forward after the jump", () => {
    const fallBack = cronTimesAfter("30 2 * * *", "Europe/Copenhagen", new Date("2025-10-25T12:00:00Z"), { count: 2 });
    expect(iso(fallBack)).toEqual(["2025-10-26T00:30:00.000Z", "2025-10-27T01:30:00.000Z"]);
    const springForward = cronTimesAfter("30 2 * * *", "Europe/Copenhagen", new Date("2025-03-29T12:00:00Z"), { count: 2 });
    expect(iso(springForward)).toEqual(["2025-03-30T01:30:00.000Z", "2025-03-31T00:30:00.000Z"]);
    // Hourly on the 23-hour day has 23 fires.
    const hourly = cronTimesAfter("0 * * * *", "Europe/Copenhagen", new Date("2025-03-29T22:59:00Z"), { count: 100, until: new Date("2025-03-30T21:59:00Z") });
    expect(hourly).toHaveLength(23);
  });

  it("stops at `until` and never repeats the start time", () => {
    const t = cronTimesAfter("*/10 * * * *", "UTC", new Date("2025-01-01T00:00:00Z"), { count: 100, until: new Date("2025-01-01T00:35:00Z") });
    expect(iso(t)).toEqual(["2025-01-01T00:10:00.000Z", "2025-01-01T00:20:00.000Z", "2025-01-01T00:30:00.000Z"]);
  });
});
