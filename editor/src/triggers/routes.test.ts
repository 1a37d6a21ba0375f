import { describe, expect, it } from "vitest";
import { hrefOf, parseRoute } from "../lib/router.js";
import { itemHref } from "../calendar/CalendarGrid.js";

describe("trigger and calendar routes", () => {
  it("parses and builds the triggers page, the calendar and a run deep link", () => {
    expect(parseRoute("#/graphs/g1/triggers")).toEqual({ page: "triggers", graphId: "g1" });
    expect(parseRoute("#/calendar")).toEqual({ page: "calendar" });
    expect(parseRoute("#/graphs/g1/runs/r1")).toEqual({ page: "editor", graphId: "g1", runId: "r1" });
    expect(parseRoute("#/graphs/g1")).toEqual({ page: "editor", graphId: "g1" });
    for (const r of ["#/graphs/g1/triggers", "#/calendar", "#/graphs/g1/runs/r1", "#/graphs/g1"]) expect(hrefOf(parseRoute(r))).toBe(r);
  });

  it("calendar items open the post, the run, or the trigger", () => {
    const base = { at: "", time: "09:00", title: "t", channel: null, triggerId: "t1", status: null };
    expect(itemHref({ ...base, kind: "published", url: "https://x.test/p", runId: "r", graphId: "g" })).toBe("https://x.test/p");
    expect(itemHref({ ...base, kind: "fired", url: null, runId: "r", graphId: "g" })).toBe("#/graphs/g/runs/r");
    expect(itemHref({ ...base, kind: "scheduled", url: null, runId: null, graphId: "g" })).toBe("#/graphs/g/triggers");
  });
});
