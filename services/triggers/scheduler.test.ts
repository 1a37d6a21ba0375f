/**
 * The scheduler against a real PostgreSQL and the real engine, driven by a fake clock: fires on
 * time, exactly once with two schedulers racing, missed-fire policies after downtime, overlap
 * policies, pausing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type Database } from "../../db/index.js";
import { graph } from "../../test/graphs.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../../test/engine.js";
import { testRegistry } from "../../test/nodes.js";
import { FakeClock, savedGraph, triggerTestEnv } from "../../test/triggers.js";
import { CreateTriggerBodySchema } from "../../schemas/triggers.js";
import { cancelRun, waitForRun } from "../../engine/runs.js";
import { insertFire } from "./fires.js";
import { TriggerScheduler } from "./scheduler.js";
import { createTrigger, listFires, updateTrigger } from "./store.js";
import { systemScope } from "../../lib/scope.js";

let engine: TestEngine;
let second: Database;

beforeAll(async () => {
  // No worker: runs stay "running", which is what overlap policies look at. One test starts a worker.
  engine = await startTestEngine(testRegistry(), { workers: 0 });
  second = connectDatabase(engine.db.url);
});
afterAll(async () => {
  await second?.close();
  await engine?.stop();
});

const doc = graph([
  { id: "a", type: "test.const", config: { value: 1 } },
  { id: "b", type: "test.step", config: { add: 2 } },
], [["a", "out", "b", "in"]]);

async function setup(clock: FakeClock, trigger: Record<string, unknown>) {
  const env = triggerTestEnv(engine.db, engine.registry, clock);
  const { graphId, versionId } = await savedGraph(engine.db, doc);
  const t = await createTrigger(env, graphId, CreateTriggerBodySchema.parse(trigger), systemScope("test"));
  return { env, graphId, versionId, trigger: t!, scheduler: new TriggerScheduler(env) };
}

const runsOf = (triggerId: string) =>
  engine.db.sql<{ id: string; status: string; trigger: Record<string, unknown>; versionId: string }[]>`
    select id, status, trigger, version_id as "versionId" from runs where trigger->>'triggerId' = ${triggerId} order by created_at`;

describe("cron triggers", () => {
  it("fire on time under a fake clock, once, with the saved version and the fire recorded on the run", async () => {
    const clock = new FakeClock("2025-10-24T06:00:00Z");
    const { scheduler, trigger, versionId, env } = await setup(clock, {
      kind: "cron",
      overlap: "allow",
      config: { expression: "0 9 * * *", timezone: "Europe/Copenhagen" },
    });
    expect(trigger.nextFireAt).toBe("2025-10-24T07:00:00.000Z");
    expect(trigger.schedule!.description).toBe("At 09:00");

    clock.set("2025-10-24T06:59:59Z");
    expect((await scheduler.tick()).fired).toEqual([]);
    expect(await runsOf(trigger.id)).toHaveLength(0);

    clock.set("2025-10-24T07:00:00.400Z");
    const { fired } = await scheduler.tick();
    expect(fired).toEqual([expect.objectContaining({ status: "started", runId: expect.any(String) })]);
    await scheduler.tick();
    const runs = await runsOf(trigger.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ versionId, trigger: { kind: "cron", triggerId: trigger.id, scheduledFor: "2025-10-24T07:00:00.000Z" } });

    const fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires).toEqual([expect.objectContaining({ status: "started", runId: runs[0].id, scheduledFor: "2025-10-24T07:00:00.000Z" })]);
    // Next: Saturday 09:00 CEST, then Sunday 09:00 CET (the clocks went back in between).
    const [{ next_fire_at }] = await engine.db.sql`select next_fire_at from triggers where id = ${trigger.id}`;
    expect(new Date(next_fire_at).toISOString()).toBe("2025-10-25T07:00:00.000Z");
    clock.set("2025-10-25T07:00:01Z");
    await scheduler.tick();
    clock.set("2025-10-26T07:00:01Z");
    await scheduler.tick();
    expect(await runsOf(trigger.id)).toHaveLength(2);
    clock.set("2025-10-26T08:00:01Z");
    await scheduler.tick();
    expect((await runsOf(trigger.id)).map((r) => r.trigger.scheduledFor)).toEqual([
      "2025-10-24T07:00:00.000Z",
      "2025-10-25T07:00:00.000Z",
      "2025-10-26T08:00:00.000Z",
    ]);
  });

  it("start exactly one run per fire time with two schedulers on two connections racing", async () => {
    const clock = new FakeClock("2025-06-01T09:59:30Z");
    const { trigger, env } = await setup(clock, { kind: "cron", overlap: "allow", config: { expression: "* * * * *" } });
    const a = new TriggerScheduler(env);
    const b = new TriggerScheduler({ ...env, database: second });
    for (let minute = 0; minute < 12; minute++) {
      clock.set(new Date(Date.UTC(2025, 5, 1, 10, minute, 0, 250)));
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    }
    const runs = await runsOf(trigger.id);
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => r.trigger.scheduledFor)).size).toBe(12);
    const fires = await listFires(env, trigger.id, systemScope("test"), { limit: 100 });
    expect(fires.filter((f) => f.status === "started")).toHaveLength(12);
    // Even a scheduler acting on a stale read cannot record a fire time twice: the key is unique.
    const again = await insertFire(second.sql, { triggerId: trigger.id, dedupeKey: `at:${fires[0].scheduledFor}`, status: "pending", firedAt: clock.now() });
    expect(again).toBeNull();
  });

  it("missed-fire policy skip: after downtime the missed times are recorded as skipped and nothing runs until the next one", async () => {
    const clock = new FakeClock("2025-06-01T10:00:30Z");
    const { trigger, env } = await setup(clock, { kind: "cron", config: { expression: "0 * * * *", missedPolicy: "skip" } });
    // The system is down from 10:00:30 to 14:30; a freshly started scheduler takes over.
    clock.set("2025-06-01T14:30:00Z");
    await new TriggerScheduler(env).tick();
    expect(await runsOf(trigger.id)).toHaveLength(0);
    const [fire] = await listFires(env, trigger.id, systemScope("test"));
    expect(fire).toMatchObject({ status: "skipped", runId: null, scheduledFor: "2025-06-01T14:00:00.000Z" });
    expect(fire.reason).toMatch(/missed 4 fire times .*11:00.*14:00.*missed-fire policy: skip/);
    clock.set("2025-06-01T15:00:02Z");
    await new TriggerScheduler(env).tick();
    expect((await runsOf(trigger.id)).map((r) => r.trigger.scheduledFor)).toEqual(["2025-06-01T15:00:00.000Z"]);
  });

  it("missed-fire policy catchup: one run for everything missed", async () => {
    const clock = new FakeClock("2025-06-01T10:00:30Z");
    const { trigger, env } = await setup(clock, { kind: "cron", config: { expression: "0 * * * *", missedPolicy: "catchup" } });
    clock.set("2025-06-01T14:30:00Z");
    await new TriggerScheduler(env).tick();
    await new TriggerScheduler(env).tick();
    const runs = await runsOf(trigger.id);
    expect(runs).toHaveLength(1);
    const [fire] = await listFires(env, trigger.id, systemScope("test"));
    expect(fire).toMatchObject({ status: "started", runId: runs[0].id });
    expect(fire.reason).toMatch(/^catch-up run: missed 4 fire times/);
  });

  it("pausing stops it; resuming starts from now without counting the pause as missed", async () => {
    const clock = new FakeClock("2025-06-01T09:00:30Z");
    const { trigger, env, scheduler } = await setup(clock, { kind: "cron", config: { expression: "0 * * * *", missedPolicy: "catchup" } });
    const paused = await updateTrigger(env, trigger.id, { enabled: false }, systemScope("test"));
    expect(paused).toMatchObject({ enabled: false, nextFireAt: null });
    for (const t of ["2025-06-01T10:00:01Z", "2025-06-01T11:00:01Z", "2025-06-01T12:00:01Z"]) {
      clock.set(t);
      await scheduler.tick();
    }
    expect(await runsOf(trigger.id)).toHaveLength(0);
    expect(await listFires(env, trigger.id, systemScope("test"))).toEqual([]);

    clock.set("2025-06-01T12:10:00Z");
    const resumed = await updateTrigger(env, trigger.id, { enabled: true }, systemScope("test"));
    expect(resumed!.nextFireAt).toBe("2025-06-01T13:00:00.000Z");
    clock.set("2025-06-01T13:00:01Z");
    await scheduler.tick();
    const fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires.map((f) => [f.status, f.reason])).toEqual([["started", null]]);
  });
});

describe("overlap policies (previous run still going)", () => {
  async function twoFires(overlap: string) {
    const clock = new FakeClock("2025-06-01T09:59:30Z");
    const s = await setup(clock, { kind: "cron", overlap, config: { expression: "*/5 * * * *" } });
    clock.set("2025-06-01T10:00:01Z");
    await s.scheduler.tick();
    clock.set("2025-06-01T10:05:01Z");
    await s.scheduler.tick();
    return { ...s, clock };
  }

  it("skip: the second fire is skipped, naming the run still going", async () => {
    const { trigger, env } = await twoFires("skip");
    const runs = await runsOf(trigger.id);
    expect(runs).toHaveLength(1);
    const fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires[0]).toMatchObject({ status: "skipped", runId: null, scheduledFor: "2025-06-01T10:05:00.000Z" });
    expect(fires[0].reason).toBe(`previous run ${runs[0].id} is still running (overlap policy: skip)`);
  });

  it("queue: the second fire waits and starts when the first run ends", async () => {
    const { trigger, env, scheduler } = await twoFires("queue");
    const [first] = await runsOf(trigger.id);
    let fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires[0]).toMatchObject({ status: "queued", runId: null });
    expect(fires[0].reason).toMatch(new RegExp(`waiting for run ${first.id}`));
    await scheduler.tick();
    expect(await runsOf(trigger.id)).toHaveLength(1);

    await cancelRun(engine.db.sql, first.id, systemScope("test"));
    await scheduler.tick();
    const runs = await runsOf(trigger.id);
    expect(runs).toHaveLength(2);
    fires = await listFires(env, trigger.id, systemScope("test"));
    expect(fires[0]).toMatchObject({ status: "started", runId: runs[1].id, reason: null });
    expect(runs[1].trigger.scheduledFor).toBe("2025-06-01T10:05:00.000Z");
  });

  it("allow: both run at once", async () => {
    const { trigger } = await twoFires("allow");
    expect((await runsOf(trigger.id)).map((r) => r.status)).toEqual(["running", "running"]);
  });
});

describe("a fired run executes", () => {
  it("runs the graph with the trigger's overrides through the real worker", async () => {
    const clock = new FakeClock("2025-06-01T09:59:30Z");
    const { trigger, scheduler } = await setup(clock, { kind: "cron", overrides: { a: { value: 40 } }, config: { expression: "0 10 * * *" } });
    const worker = await engine.startWorker();
    try {
      clock.set("2025-06-01T10:00:02Z");
      const { fired } = await scheduler.tick();
      const run = await waitForRun(engine.db.sql, fired[0]!.runId!);
      expect(run.status).toBe("succeeded");
      expect(await nodeOutput(engine, run.id, "b")).toEqual({ out: 42 });
      expect((await runsOf(trigger.id))[0].status).toBe("succeeded");
    } finally {
      await worker.stop();
      engine.workers.splice(engine.workers.indexOf(worker), 1);
    }
  });
});
