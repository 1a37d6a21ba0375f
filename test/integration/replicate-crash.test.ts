/**
 * A worker SIGKILLed while its Replicate prediction runs: the prediction id was checkpointed with
 * the node item when it was created, so the worker that takes the item over polls the same
 * prediction. One prediction is created and paid for, and its cost is recorded once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { waitForRun } from "../../engine/runs.js";
import { nodeOutput, startTestEngine, type TestEngine } from "../engine.js";
import { startFakeReplicate, type FakeReplicate } from "../fakes/replicate-server.js";
import { graph } from "../graphs.js";
import { testRegistry } from "../nodes.js";
import { imageGenerate } from "../../nodes/image-generate/definition.js";
import { createLocalProvider } from "../../nodes/providers/local/index.js";
import { createReplicateProvider } from "../../nodes/providers/replicate/index.js";
import { REPLICATE_MODELS } from "../../nodes/providers/replicate/models.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let engine: TestEngine;
let fake: FakeReplicate;
let child: ChildProcess | undefined;
const saved = { url: process.env.REPLICATE_BASE_URL, token: process.env.REPLICATE_API_TOKEN };

beforeAll(async () => {
  fake = await startFakeReplicate();
  // Slow enough that the worker is killed while the prediction is still processing.
  fake.model(REPLICATE_MODELS["flux-schnell"].ref, { output: { kind: "image", width: 64, height: 64 }, durationMs: 3_000 });
  process.env.REPLICATE_BASE_URL = fake.baseUrl;
  process.env.REPLICATE_API_TOKEN = fake.token;
  engine = await startTestEngine(testRegistry().register(imageGenerate), { workers: 0 });
}, 120_000);
afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  await engine?.stop();
  await fake?.close();
  for (const [k, v] of [["REPLICATE_BASE_URL", saved.url], ["REPLICATE_API_TOKEN", saved.token]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

function spawnWorker(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", path.join(root, "test/replicate-worker-process.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: engine.db.url, GENJED_HOME: engine.home },
    stdio: ["ignore", "pipe", "inherit"],
  });
}

/** A live worker in this process takes the run over and finishes it; then it leaves. */
async function finishElsewhere(runId: string) {
  const worker = await engine.startWorker({
    providers: { local: createLocalProvider, replicate: (ctx) => createReplicateProvider(ctx, { baseUrl: process.env.REPLICATE_BASE_URL, pollIntervalMs: 50 }) },
    staleAfterMs: 2_000,
    heartbeatMs: 500,
  });
  try {
    return await waitForRun(engine.db.sql, runId, { timeoutMs: 60_000 });
  } finally {
    await worker.stop();
    engine.workers.splice(engine.workers.indexOf(worker), 1);
  }
}

const imageGraph = (prompt: string, retry?: { maxAttempts: number; backoffMs: number }) =>
  graph(
    [
      { id: "prompt", type: "test.const", config: { value: prompt } },
      { id: "img", type: "image.generate", config: { provider: "replicate", model: "flux-schnell", aspectRatio: "1:1", seed: 7 }, ...(retry ? { retry } : {}) },
    ],
    [["prompt", "out", "img", "prompt"]],
  );

it("a worker killed (SIGKILL) during a Replicate prediction: the next worker polls the same prediction, one is created and paid once", async () => {
  child = spawnWorker();
  const [first] = await once(child.stdout!, "data");
  expect(String(first)).toContain("ready");

  const runId = await engine.start(imageGraph("a red sneaker"), { budgetUsd: 1 });
  for (let i = 0; fake.created === 0; i++) {
    if (i > 1200) throw new Error("the worker never created a prediction");
    await new Promise((r) => setTimeout(r, 25));
  }
  // Killed mid-prediction: it is processing at Replicate, the worker is polling it.
  await new Promise((r) => setTimeout(r, 400));
  child.kill("SIGKILL");
  await once(child, "exit");
  expect(fake.created).toBe(1);

  const run = await finishElsewhere(runId);
  expect(run.status).toBe("succeeded");
  expect(fake.created).toBe(1);
  const creates = fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/predictions"));
  expect(creates).toHaveLength(1);
  const node = run.nodes.find((n) => n.nodeId === "img")!;
  expect(node.attempts).toBe(2);
  expect(node.costBreakdown).toEqual([{ usd: 0.003, detail: "flux-schnell x1 output" }]);
  expect(run.costUsd).toBeCloseTo(0.003, 6);
  const out = (await nodeOutput(engine, runId, "img")) as { image: { meta: { predictionId: string } } };
  expect(fake.prediction(out.image.meta.predictionId)?.status).toBe("succeeded");
  const logs = (await engine.db.sql`select message from node_logs where run_id = ${runId} order by id`).map((l) => l.message).join("\n");
  expect(logs).toMatch(/resuming Replicate prediction \S+ from an earlier attempt/);
}, 120_000);

it("a prediction billed by an attempt that failed afterwards (its output download broke) is not billed again by the worker that retries it", async () => {
  const created = fake.created;
  fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "succeeded", durationMs: 200 }]);
  // The first worker's download fails twice (its one retry included): that attempt fails, retryably.
  fake.failFiles([{ status: 503 }, { status: 503 }]);
  child = spawnWorker();
  const [first] = await once(child.stdout!, "data");
  expect(String(first)).toContain("ready");
  const runId = await engine.start(imageGraph("billed once", { maxAttempts: 3, backoffMs: 3_000 }), { budgetUsd: 1 });
  for (let i = 0; ; i++) {
    const [row] = await engine.db.sql`select status, attempts from node_runs where run_id = ${runId} and node_id = 'img'`;
    if (row?.status === "queued" && row.attempts === 1) break;
    if (i > 1200) throw new Error("the first attempt never failed");
    await new Promise((r) => setTimeout(r, 25));
  }
  // The retry waits out its backoff; the worker that ran attempt 1 goes away meanwhile.
  child.kill("SIGKILL");
  await once(child, "exit");

  const run = await finishElsewhere(runId);
  expect(run.status).toBe("succeeded");
  expect(fake.created - created).toBe(1);
  const node = run.nodes.find((n) => n.nodeId === "img")!;
  expect(node.attempts).toBe(2);
  expect(node.costBreakdown).toEqual([{ usd: 0.003, detail: "flux-schnell x1 output" }]);
  expect(run.costUsd).toBeCloseTo(0.003, 6);
}, 120_000);
