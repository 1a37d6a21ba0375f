/**
 * Calendar API: the next 7 days across both Copenhagen DST changes, fired runs and publications
 * on their local day, and the content plan helper creating a week of scheduled runs at once.
 */
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TriggerScheduler } from "../../services/triggers/scheduler.js";
import { createTrigger } from "../../services/triggers/store.js";
import { qaGate } from "../../nodes/qa-gate/definition.js";
import { CreateTriggerBodySchema, type CalendarView } from "../../schemas/triggers.js";
import { startTestEngine, type TestEngine } from "../../test/engine.js";
import { graph } from "../../test/graphs.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, savedGraph, triggerTestEnv } from "../../test/triggers.js";
import { signedInOwner, type Requester } from "../../test/auth.js";
import { guard } from "../auth/middleware.js";
import { underPrefix } from "../auth/policy.js";
import { authSettings } from "../auth/settings.js";
import { CALENDAR_ACCESS, createCalendarApp } from "./calendar.js";
import { systemScope } from "../../lib/scope.js";

let engine: TestEngine;
const clock = new FakeClock("2025-10-20T12:00:00Z");
let app: Requester;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry().register(qaGate), { workers: 0 });
  // The real auth guard and rules, around the calendar app with a fake clock.
  const api = new Hono();
  api.use("/api/*", guard(engine.db, authSettings(), underPrefix("/api/calendar", CALENDAR_ACCESS)));
  api.route("/api/calendar", createCalendarApp(() => triggerTestEnv(engine.db, engine.registry, clock)));
  app = await signedInOwner(api, engine.db.sql);
});
afterAll(async () => {
  await engine?.stop();
});

const env = () => triggerTestEnv(engine.db, engine.registry, clock);
const calendar = async (query: string) => {
  const res = await app.request(`/api/calendar?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CalendarView;
};
const only = (graphId: string) => `graphId=${graphId}`;

describe("calendar API", () => {
  it("returns the next 7 local days correctly across the end of summer time (last Sunday of October)", async () => {
    clock.set("2025-10-20T12:00:00Z");
    const { graphId } = await savedGraph(engine.db, graph([{ id: "a", type: "test.const" }], [], undefined));
    await createTrigger(env(), graphId, CreateTriggerBodySchema.parse({ kind: "cron", name: "Morning post", channel: "instagram_reels", config: { expression: "0 9 * * *", timezone: "Europe/Copenhagen" } }), systemScope("test"));
    const view = await calendar(`start=2025-10-23&days=7&timezone=Europe/Copenhagen&${only(graphId)}`);
    expect(view.from).toBe("2025-10-22T22:00:00.000Z");
    expect(view.to).toBe("2025-10-29T23:00:00.000Z");
    expect(view.days.map((d) => d.date)).toEqual(["2025-10-23", "2025-10-24", "2025-10-25", "2025-10-26", "2025-10-27", "2025-10-28", "2025-10-29"]);
    expect(view.days.map((d) => d.items.map((i) => [i.time, i.at]))).toEqual([
      [["09:00", "2025-10-23T07:00:00.000Z"]],
      [["09:00", "2025-10-24T07:00:00.000Z"]],
      [["09:00", "2025-10-25T07:00:00.000Z"]],
      [["09:00", "2025-10-26T08:00:00.000Z"]],
      [["09:00", "2025-10-27T08:00:00.000Z"]],
      [["09:00", "2025-10-28T08:00:00.000Z"]],
      [["09:00", "2025-10-29T08:00:00.000Z"]],
    ]);
    expect(view.days[0].items[0]).toMatchObject({ kind: "scheduled", channel: "instagram_reels", graphId, title: "test graph · Morning post", runId: null });

    // The same week on a UTC calendar: the local 09:00 moves from 07:00 to 08:00.
    const utc = await calendar(`start=2025-10-23&days=7&timezone=UTC&${only(graphId)}`);
    expect(utc.days.map((d) => d.items.map((i) => i.time).join())).toEqual(["07:00", "07:00", "07:00", "08:00", "08:00", "08:00", "08:00"]);
  });

  it("an hourly schedule has 25 items on the long day and 23 on the short one", async () => {
    clock.set("2025-10-20T12:00:00Z");
    const { graphId } = await savedGraph(engine.db, graph([{ id: "a", type: "test.const" }]));
    await createTrigger(env(), graphId, CreateTriggerBodySchema.parse({ kind: "cron", config: { expression: "@hourly", timezone: "Europe/Copenhagen" } }), systemScope("test"));
    const october = await calendar(`start=2025-10-25&days=3&timezone=Europe/Copenhagen&${only(graphId)}`);
    expect(october.days.map((d) => d.items.length)).toEqual([24, 25, 24]);
    const march = await calendar(`start=2026-03-28&days=3&timezone=Europe/Copenhagen&${only(graphId)}`);
    expect(march.days.map((d) => d.items.length)).toEqual([24, 23, 24]);
    expect(march.days[1].items.map((i) => i.time).slice(0, 3)).toEqual(["00:00", "01:00", "03:00"]);
  });

  it("shows what fired (with its run) and what was published (with the post's URL) on their local day", async () => {
    clock.set("2025-10-25T21:59:00Z");
    const { graphId } = await savedGraph(engine.db, graph([{ id: "a", type: "test.const" }]));
    const t = await createTrigger(env(), graphId, CreateTriggerBodySchema.parse({ kind: "cron", channel: "tiktok", config: { expression: "0 0 * * *", timezone: "Europe/Copenhagen" } }), systemScope("test"));
    clock.set("2025-10-25T22:00:03Z"); // midnight in Copenhagen, start of Sunday 26
    await new TriggerScheduler(env()).tick();
    const [run] = await engine.db.sql<{ id: string }[]>`select id from runs where trigger->>'triggerId' = ${t!.id}`;
    await engine.db.sql`
      insert into publications (idempotency_key, run_id, node_id, item, channel, status, request, url, published_at)
      values (${`k-${run.id}`}, ${run.id}, 'publish', '', 'tiktok', 'published', ${JSON.stringify({ caption: "Aurora bottle, now in green" })}::jsonb,
              'https://www.tiktok.com/@northwind/video/1', '2025-10-26T10:15:00Z')`;
    const view = await calendar(`start=2025-10-26&days=1&timezone=Europe/Copenhagen&${only(graphId)}`);
    expect(view.days[0].items.map((i) => [i.kind, i.time, i.runId, i.status, i.url])).toEqual([
      ["fired", "00:00", run.id, "running", null],
      ["published", "11:15", run.id, "published", "https://www.tiktok.com/@northwind/video/1"],
    ]);
    expect(view.days[0].items[1].title).toBe("Aurora bottle, now in green");
    const other = await calendar(`start=2025-10-26&days=1&timezone=Europe/Copenhagen&${only(graphId)}&channel=instagram_reels`);
    expect(other.days[0].items).toEqual([]);
  });

  it("answers a bad query with 400 naming the parameter", async () => {
    for (const [q, re] of [["timezone=Mars/Base", /timezone: unknown time zone/], ["start=26-10-2025", /start: expected a date/], ["days=100", /days/]] as const) {
      const res = await app.request(`/api/calendar?${q}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(re);
    }
  });
});

describe("content plan", () => {
  const qaGraph = () =>
    savedGraph(engine.db, graph([{ id: "a", type: "test.const" }, { id: "qa", type: "qa.gate" }], []));
  const plan = (body: Record<string, unknown>) => app.request("/api/calendar/plan", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("previews, then creates 7 days x 3 posts per channel as scheduled runs that show on the calendar and fire", async () => {
    clock.set("2025-10-20T12:00:00Z");
    const { graphId } = await savedGraph(engine.db, graph([{ id: "a", type: "test.const" }]));
    const body = { graphId, channels: ["instagram_reels", "tiktok"], postsPerDay: 3, slots: ["09:00", "13:00", "18:00"], timezone: "Europe/Copenhagen", start: "2025-10-23" };
    const preview = await plan({ ...body, dryRun: true });
    expect(preview.status).toBe(200);
    const p = await preview.json();
    expect(p.entries).toHaveLength(42);
    expect(p.triggers).toEqual([]);
    expect((await calendar(`start=2025-10-23&days=7&timezone=Europe/Copenhagen&${only(graphId)}`)).days.flatMap((d) => d.items)).toEqual([]);

    const created = await plan(body);
    expect(created.status).toBe(201);
    const c = await created.json();
    expect(c.triggers.map((t: { channel: string; kind: string; name: string }) => [t.kind, t.channel, t.name])).toEqual([
      ["schedule", "instagram_reels", "Content plan · instagram_reels · 2025-10-23 to 2025-10-29"],
      ["schedule", "tiktok", "Content plan · tiktok · 2025-10-23 to 2025-10-29"],
    ]);
    const week = await calendar(`start=2025-10-23&days=7&timezone=Europe/Copenhagen&${only(graphId)}`);
    expect(week.days.map((d) => d.items.length)).toEqual([6, 6, 6, 6, 6, 6, 6]);
    expect(week.days[3].items.map((i) => `${i.time} ${i.channel}`)).toEqual([
      "09:00 instagram_reels", "09:00 tiktok", "13:00 instagram_reels", "13:00 tiktok", "18:00 instagram_reels", "18:00 tiktok",
    ]);

    // At 13:00 local on the DST Sunday (12:00Z) both channels' posts start their runs.
    clock.set("2025-10-26T12:00:02Z");
    await new TriggerScheduler(env()).tick();
    const runs = await engine.db.sql<{ trigger: { channel: string; scheduledFor: string } }[]>`
      select trigger from runs where graph_id = ${graphId} order by trigger->>'channel'`;
    expect(runs.map((r) => [r.trigger.channel, r.trigger.scheduledFor])).toEqual([
      ["instagram_reels", "2025-10-26T12:00:00.000Z"],
      ["tiktok", "2025-10-26T12:00:00.000Z"],
    ]);
  });

  it("sets the channel on nodes that have one, and refuses channels they do not know", async () => {
    clock.set("2025-10-20T12:00:00Z");
    const { graphId } = await qaGraph();
    const bad = await plan({ graphId, channels: ["instagram_reels", "myspace"], postsPerDay: 1, start: "2025-10-23" });
    expect(bad.status).toBe(400);
    const err = (await bad.json()).error;
    expect(err.details.field).toBe("channels.1");
    expect(err.message).toMatch(/node "qa" does not know channel "myspace"; use one of .*instagram_reels/);

    const ok = await (await plan({ graphId, channels: ["tiktok"], postsPerDay: 1, start: "2025-10-23", dryRun: true })).json();
    expect(ok.channelOptions).toContain("tiktok");
    const made = await (await plan({ graphId, channels: ["tiktok"], postsPerDay: 1, start: "2025-10-23" })).json();
    expect(made.triggers[0]).toMatchObject({ overrides: { qa: { channel: "tiktok" } }, config: { times: expect.any(Array) } });
    expect(made.triggers[0].config.times).toHaveLength(7);

    const slots = await plan({ graphId, channels: ["tiktok"], postsPerDay: 3, slots: ["09:00"] });
    expect(slots.status).toBe(400);
    expect((await slots.json()).error.details.field).toBe("slots");
  });
});
