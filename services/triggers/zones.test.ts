import { describe, expect, it } from "vitest";
import { addDays, describeInstant, isValidZone, localDate, localToInstant, startOfLocalDay } from "./zones.js";

describe("time zones", () => {
  it("local days are 25 and 23 hours long on DST changes", () => {
    const z = "Europe/Copenhagen";
    const len = (d: string) => (startOfLocalDay(addDays(d, 1), z).getTime() - startOfLocalDay(d, z).getTime()) / 3_600_000;
    expect(len("2025-10-26")).toBe(25);
    expect(len("2025-03-30")).toBe(23);
    expect(len("2025-06-01")).toBe(24);
  });

  it("converts local wall-clock times, moving a missing one forward and taking the first of a repeated one", () => {
    const z = "Europe/Copenhagen";
    expect(localToInstant("2025-03-30", "02:30", z).toISOString()).toBe("2025-03-30T01:30:00.000Z");
    expect(localToInstant("2025-10-26", "02:30", z).toISOString()).toBe("2025-10-26T00:30:00.000Z");
    expect(localDate(new Date("2025-10-25T22:30:00Z"), z)).toBe("2025-10-26");
    expect(describeInstant(new Date("2025-10-26T08:00:00Z"), z)).toMatch(/^Sun 26 Oct 2025, 09:00/);
  });

  it("knows real zone names", () => {
    expect(isValidZone("America/New_York")).toBe(true);
    expect(isValidZone("Nowhere/Else")).toBe(false);
  });
});
