import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../test/engine.js";
import { waitForRun } from "./runs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine(testRegistry(), { workers: 0 });
});
afterAll(() => engine?.stop());

it("a worker killed with SIGKILL mid-node loses nothing: another worker finishes the run, no completed node runs again", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/worker-process.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: engine.db.url, GENJED_HOME: engine.home },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [first] = await once(child.stdout!, "data");
  expect(String(first)).toContain("ready");

  const runId = await engine.start(
    graph(
      [
        { id: "first", type: "test.const", config: { value: 1 } },
        { id: "before", type: "test.step", config: { add: 1 } },
        { id: "slow", type: "test.step", config: { add: 10, delayMs: 1500 } },
        { id: "after", type: "test.step", config: { add: 100 } },
      ],
      [
        ["first", "out", "before", "in"],
        ["before", "out", "slow", "in"],
        ["slow", "out", "after", "in"],
      ],
    ),
  );
  // Kill the worker while it is inside "slow".
  for (let i = 0; ; i++) {
    // Running, and its first log line written (so this execution is counted below).
    const [r] = await engine.db.sql`select 1 from node_logs where run_id = ${runId} and node_id = 'slow'`;
    if (r) break;
    if (i > 400) throw new Error("slow never started");
    await new Promise((res) => setTimeout(res, 25));
  }
  child.kill("SIGKILL");
  await once(child, "exit");
  // Nobody works on the run for a while (a real outage lasts longer): that time is not the node's.
  await new Promise((res) => setTimeout(res, 1_000));

  // A live worker notices the dead one's silence and takes its job over.
  const t0 = Date.now();
  await engine.startWorker({ staleAfterMs: 2_000, heartbeatMs: 500 });
  const run = await waitForRun(engine.db.sql, runId, { timeoutMs: 60_000 });
  expect(run.status).toBe("succeeded");
  expect(Date.now() - t0).toBeLessThan(60_000);
  expect(await nodeOutput(engine, runId, "after")).toEqual({ out: 112 });

  // Completed nodes ran exactly once; only the interrupted one ran twice (at-least-once).
  const executions = await engine.db.sql<{ nodeId: string; n: number }[]>`
    select node_id as "nodeId", count(*)::int as n from node_logs where run_id = ${runId} group by node_id`;
  expect(Object.fromEntries(executions.map((e) => [e.nodeId, e.n]))).toEqual({ before: 1, slow: 2, after: 1 });
  const slow = run.nodes.find((n) => n.nodeId === "slow")!;
  expect(slow.attempts).toBe(2);

  // durationMs is the attempt that finished (1.5 s of work), not first start -> end through the
  // dead worker's silence (the pause below plus the time to notice it: over 1.5 s here).
  const wall = Date.parse(slow.finishedAt!) - Date.parse(slow.startedAt!);
  expect(wall).toBeGreaterThan(3_000);
  expect(slow.durationMs).toBeGreaterThanOrEqual(1_450);
  expect(slow.durationMs).toBeLessThan(2_300);
  expect(slow.attemptLog!.map((a) => [a.attempt, a.outcome, a.endedAt === null])).toEqual([
    [1, "lost", true],
    [2, "succeeded", false],
  ]);
  const last = slow.attemptLog![1];
  expect(Date.parse(last.endedAt!) - Date.parse(last.startedAt)).toBeCloseTo(slow.durationMs!, -2);
}, 90_000);
