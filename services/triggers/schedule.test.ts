import { describe, expect, it } from "vitest";
import { CronConfigSchema, ScheduleConfigSchema } from "../../schemas/triggers.js";
import { fireTimesAfter, planDueFires, type TimeSchedule } from "./schedule.js";

const cron = (expression: string, timezone = "UTC", missedPolicy: "skip" | "catchup" = "skip"): TimeSchedule => ({
  kind: "cron",
  config: CronConfigSchema.parse({ expression, timezone, missedPolicy }),
});
const at = (s: string) => new Date(s);
const grace = { graceMs: 60_000 };

describe("planDueFires (what a tick does with due fire times)", () => {
  it("runs a fire time that is due now and moves to the next one", () => {
    const s = cron("0 * * * *");
    const plan = planDueFires(s, at("2025-06-01T10:00:00Z"), at("2025-06-01T10:00:01Z"), { ...grace, missedPolicy: "skip" });
    expect(plan.fires).toEqual([{ scheduledFor: at("2025-06-01T10:00:00Z"), status: "pending", reason: null }]);
    expect(plan.nextFireAt).toEqual(at("2025-06-01T11:00:00Z"));
  });

  it("does nothing before the fire time", () => {
    const plan = planDueFires(cron("0 * * * *"), at("2025-06-01T10:00:00Z"), at("2025-06-01T09:59:59Z"), { ...grace, missedPolicy: "skip" });
    expect(plan).toEqual({ fires: [], nextFireAt: at("2025-06-01T10:00:00Z") });
  });

  it("missed-fire policy skip: after downtime, one skipped record for the missed times and no run", () => {
    const plan = planDueFires(cron("0 * * * *"), at("2025-06-01T10:00:00Z"), at("2025-06-01T13:30:00Z"), { ...grace, missedPolicy: "skip" });
    expect(plan.fires).toHaveLength(1);
    expect(plan.fires[0]).toMatchObject({ scheduledFor: at("2025-06-01T13:00:00Z"), status: "skipped" });
    expect(plan.fires[0].reason).toMatch(/missed 4 fire times from .*10:00.* to .*13:00.*missed-fire policy: skip/);
    expect(plan.nextFireAt).toEqual(at("2025-06-01T14:00:00Z"));
  });

  it("missed-fire policy catchup: one run for all the missed times", () => {
    const plan = planDueFires(cron("0 * * * *"), at("2025-06-01T10:00:00Z"), at("2025-06-01T13:30:00Z"), { ...grace, missedPolicy: "catchup" });
    expect(plan.fires).toHaveLength(1);
    expect(plan.fires[0]).toMatchObject({ scheduledFor: at("2025-06-01T13:00:00Z"), status: "pending" });
    expect(plan.fires[0].reason).toMatch(/^catch-up run: missed 4 fire times/);
  });

  it("catchup is not doubled when an on-time fire runs in the same tick", () => {
    const plan = planDueFires(cron("0 * * * *"), at("2025-06-01T10:00:00Z"), at("2025-06-01T13:00:20Z"), { ...grace, missedPolicy: "catchup" });
    expect(plan.fires.map((f) => [f.scheduledFor.toISOString(), f.status])).toEqual([
      ["2025-06-01T12:00:00.000Z", "skipped"],
      ["2025-06-01T13:00:00.000Z", "pending"],
    ]);
  });

  it("one-off schedules fire each listed time once and then have no next time", () => {
    const s: TimeSchedule = { kind: "schedule", config: ScheduleConfigSchema.parse({ times: ["2025-06-01T09:00:00Z", "2025-06-01T18:00:00+02:00"] }) };
    expect(fireTimesAfter(s, at("2025-06-01T00:00:00Z"), { count: 10 }).map((d) => d.toISOString())).toEqual([
      "2025-06-01T09:00:00.000Z",
      "2025-06-01T16:00:00.000Z",
    ]);
    const last = planDueFires(s, at("2025-06-01T16:00:00Z"), at("2025-06-01T16:00:05Z"), { ...grace, missedPolicy: "skip" });
    expect(last.fires).toHaveLength(1);
    expect(last.nextFireAt).toBeNull();
  });
});
