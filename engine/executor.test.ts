import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../test/engine.js";
import type { RunEvent } from "../schemas/index.js";
import { RunEventHub } from "./events.js";
import { cancelRun, getRun, retryNode, waitForRun, resolveWaitingItem, RunInputError } from "./runs.js";
import { systemScope } from "../lib/scope.js";

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
});
afterAll(() => engine?.stop());

const statusOf = (run: { nodes: { nodeId: string; item: string; status: string }[] }) =>
  Object.fromEntries(run.nodes.map((n) => [`${n.nodeId}${n.item ? `[${n.item}]` : ""}`, n.status]));

describe("executor", () => {
  it("runs a diamond: the join waits for both branches and sees both outputs", async () => {
    const run = await engine.run(
      graph(
        [
          { id: "a", type: "test.const", config: { value: 1 } },
          { id: "b", type: "test.step", config: { add: 10, delayMs: 50 } },
          { id: "c", type: "test.step", config: { add: 100 } },
          { id: "d", type: "test.step" },
        ],
        [
          ["a", "out", "b", "in"],
          ["a", "out", "c", "in"],
          ["b", "out", "d", "in"],
          ["c", "out", "d", "other"],
        ],
      ),
    );
    expect(run.status).toBe("succeeded");
    expect(statusOf(run)).toEqual({ a: "succeeded", b: "succeeded", c: "succeeded", d: "succeeded" });
    expect(await nodeOutput(engine, run.id, "d")).toEqual({ out: { of: 11, other: 101 } });
    const at = (id: string, k: "startedAt" | "finishedAt") => Date.parse(run.nodes.find((n) => n.nodeId === id)![k]!);
    expect(at("d", "startedAt")).toBeGreaterThanOrEqual(at("b", "finishedAt"));
    expect(at("d", "startedAt")).toBeGreaterThanOrEqual(at("c", "finishedAt"));
  });

  it("fans out over 100 items and gathers the results in order", async () => {
    const run = await engine.run(
      graph(
        [
          { id: "l", type: "test.list", config: { count: 100 } },
          { id: "s", type: "test.step", config: { add: 1000 } },
          { id: "c", type: "test.collect" },
        ],
        [
          ["l", "items", "s", "in"],
          ["s", "out", "c", "items"],
        ],
      ),
    );
    expect(run.status).toBe("succeeded");
    expect(run.nodes.filter((n) => n.nodeId === "s")).toHaveLength(100);
    expect(await nodeOutput(engine, run.id, "c")).toEqual({ out: Array.from({ length: 100 }, (_, i) => 1000 + i) });
  });

  it("maps over nested lists and gathers a list of lists, each inner list to one item of a list port", async () => {
    const run = await engine.run(
      graph(
        [
          { id: "l", type: "test.list", config: { count: 3 } },
          { id: "r", type: "test.repeat", config: { times: 2 } },
          { id: "s", type: "test.step", config: { tag: "v" } },
          { id: "c", type: "test.collect" },
        ],
        [
          ["l", "items", "r", "in"],
          ["r", "items", "s", "in"],
          ["s", "out", "c", "items"],
        ],
      ),
    );
    expect(run.status).toBe("succeeded");
    expect(run.nodes.filter((n) => n.nodeId === "s").map((n) => n.item)).toEqual(["0.0", "0.1", "1.0", "1.1", "2.0", "2.1"]);
    // collect takes a list: mapped once per outer item, each given its inner list.
    expect(run.nodes.filter((n) => n.nodeId === "c").map((n) => n.item)).toEqual(["0", "1", "2"]);
    const out = (await nodeOutput(engine, run.id, "c"))!.out as unknown[];
    expect(out).toHaveLength(3);
    expect(out[2]).toEqual([
      { tag: "v", value: { value: 2, copy: 0 }, via: "primary" },
      { tag: "v", value: { value: 2, copy: 1 }, via: "primary" },
    ]);
  });

  it("never runs more items of a run at once than settings.concurrency", async () => {
    const run = await engine.run(
      graph(
        [
          { id: "l", type: "test.list", config: { count: 6 } },
          { id: "s", type: "test.step", config: { delayMs: 150, add: 7 } },
        ],
        [["l", "items", "s", "in"]],
        { concurrency: 2 },
      ),
    );
    expect(run.status).toBe("succeeded");
    const spans = run.nodes.filter((n) => n.nodeId === "s").map((n) => [Date.parse(n.startedAt!), Date.parse(n.finishedAt!)]);
    const maxOverlap = Math.max(...spans.map(([start]) => spans.filter(([s2, e2]) => s2 <= start && start < e2).length));
    expect(maxOverlap).toBe(2);
  });

  it("retries with backoff, then moves down the fallback chain", async () => {
    const run = await engine.run(
      graph([
        {
          id: "s",
          type: "test.step",
          config: { add: 1, brokenProviders: ["primary"], fallback: [{ provider: "backup" }], tag: "x" },
          retry: { maxAttempts: 2, backoffMs: 50 },
        },
        { id: "f", type: "test.step", config: { failAttempts: 1, add: 5 }, retry: { maxAttempts: 3, backoffMs: 20 } },
      ]),
    );
    expect(run.status).toBe("succeeded");
    const s = run.nodes.find((n) => n.nodeId === "s")!;
    expect(s.output).toEqual({ out: { tag: "x", value: 1, via: "backup" } });
    expect(s.provider).toBe("backup");
    const f = run.nodes.find((n) => n.nodeId === "f")!;
    expect(f).toMatchObject({ status: "succeeded", attempts: 2 });
    const logs = await engine.db.sql`select message from node_logs where run_id = ${run.id} and node_id = 's' order by id`;
    expect(logs.map((l) => l.message).join("\n")).toMatch(/retrying in 50 ms[\s\S]*falling back to backup/);
 
    // Each attempt is logged with its stage and outcome; durationMs is the attempt that finished.
    expect(s.attemptLog!.map((a) => [a.stage, a.attempt, a.outcome])).toEqual([
      [0, 1, "failed"],
      [0, 2, "failed"],
      [1, 1, "succeeded"],
    ]);
    const last = s.attemptLog!.at(-1)!;
    expect(Math.abs(s.durationMs! - (Date.parse(last.endedAt!) - Date.parse(last.startedAt)))).toBeLessThanOrEqual(2); // ms rounding
  });

  it("fails a node when the whole chain fails, skips its downstream, and lets other branches finish", async () => {
    const run = await engine.run(
      graph(
        [
          { id: "bad", type: "test.step", config: { brokenProviders: ["primary"] }, retry: { maxAttempts: 2, backoffMs: 10 } },
          { id: "after", type: "test.step" },
          { id: "other", type: "test.step", config: { delayMs: 100 } },
        ],
        [["bad", "out", "after", "in"]],
      ),
    );
    expect(run.status).toBe("failed");
    expect(statusOf(run)).toEqual({ bad: "failed", after: "skipped", other: "succeeded" });
    const bad = run.nodes.find((n) => n.nodeId === "bad")!;
    expect(bad.attempts).toBe(2);
    expect(bad.error).toMatchObject({ message: "primary is down" });
  });

  it("does not retry a permanent error, but still tries the fallback chain", async () => {
    const run = await engine.run(graph([{ id: "p", type: "test.step", config: { permanentError: true }, retry: { maxAttempts: 5, backoffMs: 10 } }]));
    expect(run.nodes[0]).toMatchObject({ status: "failed", attempts: 1, error: { code: "STEP_BAD_INPUT" } });
    const logs = await engine.db.sql`select count(*)::int as n from node_logs where run_id = ${run.id}`;
    expect(logs[0].n).toBe(1);

    const fallback = await engine.run(
      graph([
        {
          id: "p",
          type: "test.step",
          config: { refusingProviders: ["primary"], fallback: [{ provider: "backup" }], add: 3 },
          retry: { maxAttempts: 5, backoffMs: 10 },
        },
      ]),
    );
    expect(fallback.nodes[0]).toMatchObject({ status: "succeeded", provider: "backup", output: { out: 3 } });
    const tries = await engine.db.sql`select message from node_logs where run_id = ${fallback.id} order by id`;
    expect(tries.filter((t) => /attempt \d via primary/.test(t.message))).toHaveLength(1);
  });

  it("halts at the budget: a paid node that would go over is never started", async () => {
    const run = await engine.run(
      graph(
        [
          { id: "a", type: "test.step", config: { usd: 0.4, add: 1 } },
          { id: "b", type: "test.step", config: { usd: 0.4, add: 2 } },
          { id: "c", type: "test.step", config: { usd: 0.4, add: 3 } },
        ],
        [
          ["a", "out", "b", "in"],
          ["b", "out", "c", "in"],
        ],
      ),
      { budgetUsd: 1 },
    );
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(statusOf(run)).toEqual({ a: "succeeded", b: "succeeded", c: "failed" });
    const c = run.nodes.find((n) => n.nodeId === "c")!;
    expect(c.attempts).toBe(0);
    expect(c.startedAt).toBeNull();
    expect(run.costUsd).toBeCloseTo(0.8);
  });

  it("cancels: queued work is removed, running work is aborted, the run ends canceled", async () => {
    const runId = await engine.start(
      graph(
        [
          { id: "l", type: "test.list", config: { count: 20 } },
          { id: "slow", type: "test.step", config: { delayMs: 30_000 } },
        ],
        [["l", "items", "slow", "in"]],
        { concurrency: 2 },
      ),
    );
    // Wait until two items are running.
    for (let i = 0; i < 200; i++) {
      const r = await getRun(engine.db.sql, runId, systemScope("test"));
      if (r!.nodes.filter((n) => n.status === "running").length === 2) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const events: RunEvent[] = [];
    const hub = new RunEventHub(engine.db.sql);
    hub.subscribe((e) => e.runId === runId && events.push(e));
    await hub.start();
    const t0 = Date.now();
    expect(await cancelRun(engine.db.sql, runId, systemScope("test"))).toBe(true);
    const run = await waitForRun(engine.db.sql, runId, { timeoutMs: 10_000 });
    expect(run.status).toBe("canceled");
    // Aborted, not waited out: the slow items would take 30 s.
    for (let i = 0; i < 100; i++) {
      const r = await getRun(engine.db.sql, runId, systemScope("test"));
      if (r!.nodes.every((n) => n.status !== "running")) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(Date.now() - t0).toBeLessThan(5_000);
    const after = await getRun(engine.db.sql, runId, systemScope("test"));
    const slow = after!.nodes.filter((n) => n.nodeId === "slow");
    expect(slow.every((n) => n.status === "canceled")).toBe(true);
    const [{ jobs }] = await engine.db.sql`select count(*)::int as jobs from graphile_worker.jobs where key like ${`node:${runId}:%`}`;
    expect(jobs).toBe(0);
    // Every item is announced canceled (the 18 queued ones by the cancel, the 2 running ones as they
    // stop), and the run's own event says canceled.
    for (let i = 0; i < 100 && new Set(events.filter((e) => e.kind === "node" && e.status === "canceled").map((e) => (e as { item: string }).item)).size < 20; i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    await hub.stop();
    const canceledItems = new Set(events.filter((e) => e.kind === "node" && e.nodeId === "slow" && e.status === "canceled").map((e) => (e as { item: string }).item));
    expect(canceledItems.size).toBe(20);
    expect(events.some((e) => e.kind === "run" && e.status === "canceled")).toBe(true);
  });

  it("reuses cached outputs at $0 when an unchanged graph runs again", async () => {
    const doc = graph(
      [
        { id: "l", type: "test.list", config: { count: 3 } },
        { id: "paid", type: "test.step", config: { usd: 0.05, add: 1 } },
      ],
      [["l", "items", "paid", "in"]],
    );
    const first = await engine.run(doc);
    expect(first.costUsd).toBeCloseTo(0.15);
    const second = await engine.run(doc);
    expect(second.status).toBe("succeeded");
    expect(second.costUsd).toBe(0);
    expect(new Set(second.nodes.map((n) => n.status))).toEqual(new Set(["cached"]));
    expect(second.nodes.find((n) => n.nodeId === "paid" && n.item === "2")!.output).toEqual({ out: 3 });
    // A changed config misses the cache for that node only.
    const changed = structuredClone(doc);
    changed.nodes[1].config = { usd: 0.05, add: 2 };
    const third = await engine.run(changed);
    expect(third.nodes.find((n) => n.nodeId === "l")!.status).toBe("cached");
    expect(third.nodes.filter((n) => n.nodeId === "paid").every((n) => n.status === "succeeded")).toBe(true);
  });

  it("retries a failed node on request and continues downstream", async () => {
    const runId = await engine.start(
      graph(
        [
          { id: "flaky", type: "test.step", config: { failAttempts: 1, add: 1 }, retry: { maxAttempts: 1 } },
          { id: "next", type: "test.step", config: { add: 1 } },
        ],
        [["flaky", "out", "next", "in"]],
      ),
    );
    const failed = await waitForRun(engine.db.sql, runId);
    expect(statusOf(failed)).toEqual({ flaky: "failed", next: "skipped" });
    await retryNode(engine.db.sql, runId, "flaky", systemScope("test"));
    const done = await waitForRun(engine.db.sql, runId);
    // A retry is a fresh execution (attempt 1 again), so this flaky node fails the same way: the
    // point is that it ran again and its downstream was reconsidered, not skipped forever.
    expect(statusOf(done)).toEqual({ flaky: "failed", next: "skipped" });
    const [{ n }] = await engine.db.sql`select count(*)::int as n from node_logs where run_id = ${runId} and node_id = 'flaky'`;
    expect(n).toBe(2);
    // Retry with a config patch (what a review's "revise" sends upstream): now it succeeds and the downstream runs.
    await retryNode(engine.db.sql, runId, "flaky", systemScope("test"), { failAttempts: 0 });
    const fixed = await waitForRun(engine.db.sql, runId);
    expect(fixed.status).toBe("succeeded");
    expect(statusOf(fixed)).toEqual({ flaky: "succeeded", next: "succeeded" });
    expect(await nodeOutput(engine, runId, "next")).toEqual({ out: 2 });
  });

  it("pauses a waiting item and resumes it from a decision in one transaction", async () => {
    const runId = await engine.start(
      graph(
        [
          { id: "a", type: "test.const", config: { value: 7 } },
          { id: "w", type: "test.wait" },
          { id: "after", type: "test.step", config: { add: 1 } },
        ],
        [
          ["a", "out", "w", "in"],
          ["w", "out", "after", "in"],
        ],
      ),
    );
    const waiting = await waitForRun(engine.db.sql, runId, { until: ["waiting"] });
    expect(statusOf(waiting)).toMatchObject({ w: "waiting" });
    expect(await resolveWaitingItem(engine.db.sql, runId, "w", "", { status: "succeeded", output: { out: 41 } })).toBe(true);
    expect(await resolveWaitingItem(engine.db.sql, runId, "w", "", { status: "succeeded", output: { out: 0 } })).toBe(false);
    const done = await waitForRun(engine.db.sql, runId);
    expect(done.status).toBe("succeeded");
    expect(await nodeOutput(engine, runId, "after")).toEqual({ out: 42 });
  });

  it("fails an item whose input does not match its port's type, naming node, port, item and field, before run()", async () => {
    const image = { hash: "a".repeat(64), mime: "image/png", size: 10, url: "/media/a", kind: "image", meta: { width: 64 } };
    const video = { ...image, mime: "video/mp4", kind: "video" };
    const run = await engine.run(
      graph(
        [
          { id: "emit", type: "test.emit-image", config: { image: { ...image, hash: "not-a-hash" }, images: [image, video] } },
          { id: "one", type: "test.image-size", retry: { maxAttempts: 3, backoffMs: 10 } },
          { id: "each", type: "test.image-size" },
        ],
        [
          ["emit", "image", "one", "image"],
          ["emit", "images", "each", "image"],
        ],
      ),
    );
    expect(run.status).toBe("failed");
    expect(statusOf(run)).toMatchObject({ emit: "succeeded", one: "failed", "each[0]": "succeeded", "each[1]": "failed" });
    const one = run.nodes.find((n) => n.nodeId === "one")!;
    // Permanent: no retry can fix a wrong value, and the node never ran.
    expect(one.attempts).toBe(0);
    expect(one.error).toMatchObject({
      code: "PORT_VALUE_INVALID",
      details: { nodeId: "one", item: "", port: "image", path: ["hash"] },
    });
    expect(one.error!.message).toMatch(/^node "one" \(test.image-size\): input image.hash: /);
    const each1 = run.nodes.find((n) => n.nodeId === "each" && n.item === "1")!;
    expect(each1.error).toMatchObject({
      code: "PORT_VALUE_INVALID",
      message: 'node "each" (test.image-size) item 1: input image: expected an image, got a video (video/mp4)',
      details: { nodeId: "each", item: "1", port: "image", path: [] },
    });
    expect(await nodeOutput(engine, run.id, "each")).toMatchObject({ width: [64, { $skipped: true }] });
  });

  it("refuses a graph with errors before creating anything", async () => {
    await expect(engine.start(graph([{ id: "c", type: "test.collect" }]))).rejects.toBeInstanceOf(RunInputError);
  });

  it("fails an attempt past the node's timeoutMs as NODE_TIMEOUT naming node and item, aborts ctx.signal and retries it", async () => {
    const run = await engine.run(
      graph([
        { id: "polite", type: "test.slow", config: { hangAttempts: 1 }, retry: { maxAttempts: 2, backoffMs: 10 } },
        // A node that ignores its signal still loses the attempt at the timeout: the engine does not wait for it.
        { id: "deaf", type: "test.slow", config: { hangAttempts: 1, ignoreSignal: true, hangMs: 1_500 }, retry: { maxAttempts: 2, backoffMs: 10 } },
        { id: "stuck", type: "test.slow", config: { hangAttempts: 5 }, retry: { maxAttempts: 2, backoffMs: 10 } },
      ]),
    );
    expect(run.status).toBe("failed");
    const byId = (id: string) => run.nodes.find((n) => n.nodeId === id)!;
    for (const id of ["polite", "deaf"]) {
      expect(byId(id)).toMatchObject({ status: "succeeded", attempts: 2, output: { out: { attempt: 2, aborted: false } } });
      expect(byId(id).attemptLog!.map((a) => a.outcome)).toEqual(["failed", "succeeded"]);
    }
    const stuck = byId("stuck");
    expect(stuck).toMatchObject({ status: "failed", attempts: 2, error: { code: "NODE_TIMEOUT" } });
    expect(stuck.error!.message).toMatch(/node "stuck" \(test\.slow\) ran past its 150 ms timeout/);
    // The deaf node's first attempt ended at the timeout, not when its 1.5 s sleep did.
    const first = byId("deaf").attemptLog![0];
    expect(Date.parse(first.endedAt!) - Date.parse(first.startedAt)).toBeLessThan(1_200);
    // When it finally wakes, its logs and costs go nowhere (the item finished with attempt 2).
    await new Promise((r) => setTimeout(r, 1_900 - (Date.now() - Date.parse(first.startedAt))));
    const late = await engine.db.sql`select message from node_logs where run_id = ${run.id} and message like '%woke up late%'`;
    expect(late).toHaveLength(0);
    const [deaf] = await engine.db.sql<{ cost: number }[]>`select cost_usd::float8 as cost from node_runs where run_id = ${run.id} and node_id = 'deaf'`;
    expect(deaf.cost).toBe(0);
  });

  it("refuses a secret the node did not declare (SECRET_NOT_DECLARED, not retried) and hands out declared ones", async () => {
    const run = await engine.run(
      graph([
        { id: "ok", type: "test.secret" },
        { id: "sneaky", type: "test.secret", config: { name: "DATABASE_PASSWORD" }, retry: { maxAttempts: 3, backoffMs: 10 } },
      ]),
    );
    const byId = (id: string) => run.nodes.find((n) => n.nodeId === id)!;
    expect(byId("ok")).toMatchObject({ status: "succeeded", output: { out: { set: false } } });
    expect(byId("sneaky")).toMatchObject({ status: "failed", attempts: 1, error: { code: "SECRET_NOT_DECLARED" } });
    expect(byId("sneaky").error!.message).toMatch(/test\.secret read the secret "DATABASE_PASSWORD" without declaring it \(declared: TEST_DECLARED\)/);
  });
});

describe("provider limits", () => {
  let limited: TestEngine;
  beforeAll(async () => {
    limited = await startTestEngine(testRegistry(), { workers: 0 });
    await limited.startWorker({ providerLimits: { backup: 1 } });
  });
  afterAll(() => limited?.stop());

  it("limits calls per provider by the provider the node's providerOf(config) names", async () => {
    const run = await limited.run(
      graph(
        [
          { id: "l", type: "test.list", config: { count: 4 } },
          { id: "s", type: "test.step", config: { delayMs: 150, provider: "backup" } },
        ],
        [["l", "items", "s", "in"]],
      ),
    );
    expect(run.status).toBe("succeeded");
    const items = run.nodes.filter((n) => n.nodeId === "s");
    expect(items.map((n) => n.provider)).toEqual(["backup", "backup", "backup", "backup"]);
    const spans = items.map((n) => [Date.parse(n.startedAt!), Date.parse(n.finishedAt!)]);
    // Started (claimed) at once, but each ran its 150 ms only while holding the one "backup" slot.
    const total = Math.max(...spans.map(([, e]) => e)) - Math.min(...spans.map(([s]) => s));
    expect(total).toBeGreaterThanOrEqual(4 * 150);
  });
});
