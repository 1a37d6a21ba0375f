import { describe, expect, it } from "vitest";
import { addDays, step, todayIn, viewRange, weekStart } from "./grid.js";

describe("calendar grid ranges", () => {
  it("weeks start on Monday", () => {
    expect(weekStart("2025-10-26")).toBe("2025-10-20"); // a Sunday
    expect(weekStart("2025-10-20")).toBe("2025-10-20");
    expect(viewRange("week", "2025-10-23")).toMatchObject({ start: "2025-10-20", days: 7 });
  });

  it("months cover whole Monday-first weeks", () => {
    // October 2025 starts on a Wednesday and ends on a Friday: 29 Sep .. 2 Nov, 5 weeks.
    expect(viewRange("month", "2025-10-15")).toEqual({ start: "2025-09-29", days: 35, label: "October 2025" });
    // March 2026: Sunday the 1st .. Tuesday the 31st: 23 Feb .. 5 Apr, 6 weeks.
    expect(viewRange("month", "2026-03-10")).toMatchObject({ start: "2026-02-23", days: 42 });
  });

  it("steps by week or by month, across year ends", () => {
    expect(step("week", "2025-12-29", 1)).toBe("2026-01-05");
    expect(step("month", "2025-12-15", 1)).toBe("2026-01-01");
    expect(step("month", "2026-01-31", -1)).toBe("2025-12-01");
    expect(addDays("2025-03-30", 1)).toBe("2025-03-31");
  });

  it("knows today's date in another zone", () => {
    const at = new Date("2025-10-25T22:30:00Z");
    expect(todayIn("Europe/Copenhagen", at)).toBe("2025-10-26");
    expect(todayIn("UTC", at)).toBe("2025-10-25");
    expect(todayIn("America/New_York", at)).toBe("2025-10-25");
  });
});
