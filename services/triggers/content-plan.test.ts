import { describe, expect, it } from "vitest";
import { ContentPlanBodySchema } from "../../schemas/triggers.js";
import { planEntries, planSlots } from "./content-plan.js";

const body = (o: Record<string, unknown>) =>
  ContentPlanBodySchema.parse({ graphId: "00000000-0000-4000-8000-000000000000", channels: ["instagram_reels"], postsPerDay: 3, ...o });

describe("content plan slots", () => {
  it("spreads posts from 09:00 to 21:00 when no slots are given, or uses one slot per post", () => {
    expect(planSlots(3, [])).toEqual(["09:00", "15:00", "21:00"]);
    expect(planSlots(1, [])).toEqual(["09:00"]);
    expect(planSlots(2, ["18:30", "08:00"])).toEqual(["08:00", "18:30"]);
    expect(() => planSlots(3, ["09:00"])).toThrow(/slots: give one time slot per post: 3 post\(s\) a day but 1 slot/);
    expect(() => planSlots(2, ["09:00", "09:00"])).toThrow(/09:00 is given twice/);
  });

  it("makes 7 days x slots x channels at local times, across the October DST change", () => {
    const entries = planEntries(
      body({ channels: ["instagram_reels", "tiktok"], slots: ["09:00", "13:00", "18:00"], timezone: "Europe/Copenhagen", start: "2025-10-23" }),
      new Date("2025-10-20T00:00:00Z"),
    );
    expect(entries).toHaveLength(7 * 3 * 2);
    const nine = entries.filter((e) => e.time === "09:00" && e.channel === "tiktok").map((e) => e.at);
    expect(nine).toEqual([
      "2025-10-23T07:00:00.000Z",
      "2025-10-24T07:00:00.000Z",
      "2025-10-25T07:00:00.000Z",
      "2025-10-26T08:00:00.000Z",
      "2025-10-27T08:00:00.000Z",
      "2025-10-28T08:00:00.000Z",
      "2025-10-29T08:00:00.000Z",
    ]);
  });

  it("leaves out today's slots that already passed", () => {
    const entries = planEntries(body({ slots: ["09:00", "13:00", "18:00"], timezone: "UTC", start: "2025-06-01" }), new Date("2025-06-01T12:00:00Z"));
    expect(entries[0]).toMatchObject({ date: "2025-06-01", time: "13:00" });
    expect(entries).toHaveLength(7 * 3 - 1);
  });
});
