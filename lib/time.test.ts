import { describe, expect, it } from "vitest";
import { sourcesMatching } from "../test/source-files.js";
import { iso, ms } from "./time.js";

describe("iso", () => {
  it("writes PostgreSQL's timestamptz text, ISO text and Dates as ISO 8601 UTC; null stays null", () => {
    expect(iso("2026-01-31 12:00:00.123456+00")).toBe("2026-01-31T12:00:00.123Z");
    expect(iso("2026-01-31 17:30:00+05:30")).toBe("2026-01-31T12:00:00.000Z");
    expect(iso("2026-01-31T12:00:00Z")).toBe("2026-01-31T12:00:00.000Z");
    expect(iso(new Date(Date.UTC(2026, 0, 31, 12)))).toBe("2026-01-31T12:00:00.000Z");
    expect(iso(null)).toBeNull();
    expect(iso(undefined)).toBeNull();
    expect(ms("2026-01-31 12:00:00+00")).toBe(Date.UTC(2026, 0, 31, 12));
  });

  it("is written once, here (it was written six times)", async () => {
    expect(await sourcesMatching(/(?:const|function)\s+(?:iso|isoOrNull)\b\s*[=(<]/)).toEqual(["lib/time.ts"]);
  });
});
