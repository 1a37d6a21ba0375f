/** Workspace spending limits as the engine enforces them: the daily cap and the default run budget. */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunView } from "../schemas/index.js";
import { startTestEngine, type TestEngine } from "../test/engine.js";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { checkDailyCap, workspaceSpend } from "./spend-limits.js";

let engine: TestEngine;
let main: string;
let other: string;

beforeAll(async () => {
  engine = await startTestEngine(testRegistry());
  main = (await engine.db.sql<{ id: string }[]>`select id from workspaces where is_default`)[0].id;
  other = (await engine.db.sql<{ id: string }[]>`insert into workspaces (name) values ('other') returning id`)[0].id;
});
afterAll(async () => {
  await engine?.stop();
});
beforeEach(async () => {
  // Each test starts from a clean day.
  await engine.db.sql`delete from runs`;
  await engine.db.sql`update workspaces set daily_cap_usd = null, default_run_budget_usd = null`;
});

/** free -> paid: a distinct tag each time, so the cache never serves the paid node. */
const paidChain = (usd: number) =>
  graph(
    [
      { id: "free", type: "test.step", config: { add: 1, tag: randomBytes(4).toString("hex") } },
      { id: "paid", type: "test.step", config: { usd, add: 1, tag: randomBytes(4).toString("hex") } },
      { id: "after", type: "test.step", config: { add: 1 } },
    ],
    [
      ["free", "out", "paid", "in"],
      ["paid", "out", "after", "in"],
    ],
  );
const node = (run: RunView, id: string) => run.nodes.find((n) => n.nodeId === id)!;

describe("daily spending cap", () => {
  it("halts a run before a paid node that would take the workspace over its cap; the node never starts", async () => {
    await engine.db.sql`update workspaces set daily_cap_usd = 1 where id = ${main}`;
    const first = await engine.run(paidChain(0.6));
    expect(first.status).toBe("succeeded");
    expect(await workspaceSpend(engine.db.sql, main)).toEqual({ spentUsd: 0.6, reservedUsd: 0 });

    const second = await engine.run(paidChain(0.5));
    expect(second.status).toBe("failed");
    expect(second.error).toMatchObject({
      code: "DAILY_CAP_EXCEEDED",
      message: expect.stringMatching(/node "paid" would cost about \$0\.5000; the workspace spent \$0\.6000 in the last 24 hours of its \$1\.00 daily cap/),
      details: { dailyCapUsd: 1, spentUsd: 0.6, estimateUsd: 0.5 },
    });
    expect(node(second, "free").status).toBe("succeeded");
    expect(node(second, "paid")).toMatchObject({ status: "failed", attempts: 0, startedAt: null, costUsd: 0 });
    // Nothing downstream ever runs.
    expect(second.nodes.some((n) => n.nodeId === "after" && n.attempts > 0)).toBe(false);
    const [after] = await engine.db.sql<{ status: string }[]>`select status from run_nodes where run_id = ${second.id} and node_id = 'after'`;
    expect(after.status).not.toBe("succeeded");
    const logs = await engine.db.sql`select 1 from node_logs where run_id = ${second.id} and node_id = 'paid'`;
    expect(logs).toHaveLength(0);
    expect(second.costUsd).toBe(0);

    // Under the cap, the same work runs; another workspace has its own (no) cap.
    expect((await engine.run(paidChain(0.4))).status).toBe("succeeded");
    expect((await engine.run(paidChain(0.5), { workspaceId: other })).status).toBe("succeeded");
  });

  it("counts only the last 24 hours", async () => {
    await engine.db.sql`update workspaces set daily_cap_usd = 1 where id = ${main}`;
    const old = await engine.run(paidChain(0.9));
    expect(old.status).toBe("succeeded");
    expect((await engine.run(paidChain(0.5))).error).toMatchObject({ code: "DAILY_CAP_EXCEEDED" });
    await engine.db.sql`update node_runs set finished_at = now() - interval '25 hours', started_at = now() - interval '25 hours' where run_id = ${old.id}`;
    await engine.db.sql`update runs set finished_at = now() - interval '25 hours' where id = ${old.id}`;
    expect((await engine.run(paidChain(0.5))).status).toBe("succeeded");
  });

  it("paid nodes of several runs starting at once cannot together overshoot the cap", async () => {
    await engine.db.sql`update workspaces set daily_cap_usd = 1 where id = ${main}`;
    const doc = () => graph([{ id: "paid", type: "test.step", config: { usd: 0.4, delayMs: 300, tag: randomBytes(4).toString("hex") } }]);
    // Three runs, each locking only its own run row: the workspace lock is what serialises their checks.
    const runs = await Promise.all([engine.run(doc()), engine.run(doc()), engine.run(doc())]);
    expect(runs.map((r) => r.status).sort()).toEqual(["failed", "succeeded", "succeeded"]);
    expect(runs.find((r) => r.status === "failed")!.error).toMatchObject({ code: "DAILY_CAP_EXCEEDED" });
    expect(runs.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(0.8);
  });
  it("a second check in the same workspace waits for the first to commit its reservation (the workspace row lock)", async () => {
    await engine.db.sql`update workspaces set daily_cap_usd = 1 where id = ${main}`;
    const fakeRun = async () => {
      const [r] = await engine.db.sql<{ id: string }[]>`
        insert into runs (name, document, plan, status, workspace_id) values ('r', '{}'::jsonb, '{}'::jsonb, 'running', ${main}) returning id`;
      await engine.db.sql`insert into node_runs (run_id, node_id, item, status) values (${r.id}, 'paid', '', 'queued')`;
      return r.id;
    };
    const [one, two] = [await fakeRun(), await fakeRun()];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((r) => (releaseFirst = r));
    let firstChecked!: () => void;
    const checked = new Promise<void>((r) => (firstChecked = r));
    const first = engine.db.sql.begin(async (tx) => {
      const verdict = await checkDailyCap(tx, one, 0.4, "paid");
      // What the executor does next in the same transaction: mark the item running with its reservation.
      await tx`update node_runs set status = 'running', reserved_usd = 0.4 where run_id = ${one}`;
      firstChecked();
      await firstHolds;
      return verdict;
    });
    await checked;
    let secondDone = false;
    const second = engine.db.sql.begin((tx) => checkDailyCap(tx, two, 0.7, "paid")).finally(() => (secondDone = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(secondDone).toBe(false);
    releaseFirst();
    expect(await first).toBeNull();
    // It saw the first item's reservation: 0.4 running + 0.7 would pass the $1 cap.
    expect(await second).toMatchObject({ code: "DAILY_CAP_EXCEEDED", details: { reservedUsd: 0.4, estimateUsd: 0.7 } });
  });
});

describe("default run budget", () => {
  it("applies when neither the request nor the graph sets a budget", async () => {
    await engine.db.sql`update workspaces set default_run_budget_usd = 0.3 where id = ${main}`;
    const capped = await engine.run(paidChain(0.5));
    expect(capped.budgetUsd).toBe(0.3);
    expect(capped.error).toMatchObject({ code: "BUDGET_EXCEEDED" });
    const explicit = await engine.run(paidChain(0.5), { budgetUsd: 2 });
    expect(explicit).toMatchObject({ status: "succeeded", budgetUsd: 2 });
    const unlimited = await engine.run(paidChain(0.5), { workspaceId: other });
    expect(unlimited).toMatchObject({ status: "succeeded", budgetUsd: null });
  });
});
