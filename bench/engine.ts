/**
 * Engine benchmarks (issue 2):
 *  1. a chain of 200 no-op nodes through the engine vs 200 raw graphile-worker jobs that each add
 *     the next: per-step ms and their ratio (goal: engine <= 2x the raw floor);
 *  2. a fan-out of 1,000 items: node executions per second;
 *  3. compile time of a 10,000-node graph.
 */
import { performance } from "node:perf_hooks";
import path from "node:path";
import { run as runGraphileWorker, type Runner } from "graphile-worker";
import { quietLogger, type Database } from "../db/index.js";
import { compile } from "../engine/compile.js";
import { startRunFromDocument, waitForRun } from "../engine/runs.js";
import { createMediaStorage } from "../services/storage.js";
import { startWorker } from "../engine/worker.js";
import { chain, graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";

const STEPS = 200;

async function rawChain(database: Database, concurrency: number): Promise<number> {
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const runner: Runner = await runGraphileWorker({
    connectionString: database.url,
    concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger,
    taskList: {
      bench_step: async (payload, helpers) => {
        const { i } = payload as { i: number };
        if (i + 1 >= STEPS) resolveDone();
        else await helpers.addJob("bench_step", { i: i + 1 });
      },
    },
  });
  const t0 = performance.now();
  await runner.addJob("bench_step", { i: 0 });
  await done;
  const ms = performance.now() - t0;
  await runner.stop();
  return ms;
}

export async function benchEngine(database: Database, home: string): Promise<Record<string, number | string>> {
  const registry = testRegistry();
  const concurrency = 4;
  const storage = createMediaStorage({ root: path.join(home, "media"), sql: database.sql });

  // Warm both paths once (connections, prepared statements, JIT).
  await rawChain(database, concurrency);
  const rawMs = await rawChain(database, concurrency);

  const worker = await startWorker({ database, registry, storage, providers: {}, concurrency, pollIntervalMs: 1000 });
  try {
    const warm = await startRunFromDocument(database.sql, registry, { document: chain(20, "test.pass") });
    await waitForRun(database.sql, warm.runId, { timeoutMs: 60_000 });

    // A fresh add value per run so nothing is served from the cache.
    const doc = chain(STEPS, "test.pass");
    doc.nodes[0].config = { value: Date.now() };
    const t0 = performance.now();
    const { runId } = await startRunFromDocument(database.sql, registry, { document: doc });
    const run = await waitForRun(database.sql, runId, { timeoutMs: 300_000 });
    const engineMs = performance.now() - t0;
    if (run.status !== "succeeded") throw new Error(`chain run ${run.status}`);

    const items = 1000;
    const fan = graph(
      [
        { id: "l", type: "test.list", config: { count: items } },
        { id: "s", type: "test.pass", config: { salt: Date.now() } },
        { id: "c", type: "test.collect" },
      ],
      [
        ["l", "items", "s", "in"],
        ["s", "out", "c", "items"],
      ],
    );
    const f0 = performance.now();
    const fr = await startRunFromDocument(database.sql, registry, { document: fan });
    const fanRun = await waitForRun(database.sql, fr.runId, { timeoutMs: 600_000 });
    const fanMs = performance.now() - f0;
    if (fanRun.status !== "succeeded") throw new Error(`fan-out run ${fanRun.status}`);

    const big = chain(10_000);
    compile(big, registry);
    const c0 = performance.now();
    const compiled = compile(big, registry);
    const compileMs = performance.now() - c0;
    if (!compiled.ok) throw new Error("10k graph did not compile");

    const rawStep = rawMs / STEPS;
    const engineStep = engineMs / STEPS;
    return {
      "chain: raw graphile-worker ms/step": round(rawStep),
      "chain: engine ms/step": round(engineStep),
      "chain: engine / raw ratio (goal <= 2)": round(engineStep / rawStep),
      "fan-out 1,000 items: node executions/s": round((items + 2) / (fanMs / 1000)),
      "compile 10,000 nodes: ms": round(compileMs),
    };
  } finally {
    await worker.stop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
