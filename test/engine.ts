/** A real engine for tests: its own database, a real graphile-worker, real media storage. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { NodeRegistry } from "../nodes/registry.js";
import { startRunFromDocument, startWorker, waitForRun, type ProviderFactory, type StartRunOptions, type WorkerHandle, type WorkerOptions } from "../engine/index.js";
import { createMediaStorage, type WorkerMediaStorage } from "../services/storage.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

export interface TestEngine {
  db: TestDatabase;
  home: string;
  registry: NodeRegistry;
  /** The workers' media storage (blobs under home/media). */
  storage: WorkerMediaStorage;
  workers: WorkerHandle[];
  startWorker(extra?: Partial<WorkerOptions>): Promise<WorkerHandle>;
  start(document: unknown, o?: Omit<StartRunOptions, "document">): Promise<string>;
  run(document: unknown, o?: Omit<StartRunOptions, "document"> & { timeoutMs?: number }): ReturnType<typeof waitForRun>;
  stop(): Promise<void>;
}

export async function startTestEngine(registry: NodeRegistry, o: { providers?: ProviderFactory; workers?: number; concurrency?: number } = {}): Promise<TestEngine> {
  const db = await createTestDatabase();
  const home = await mkdtemp(path.join(os.tmpdir(), "genjed-engine-"));
  const storage = createMediaStorage({ root: path.join(home, "media"), sql: db.sql });
  const workers: WorkerHandle[] = [];
  const engine: TestEngine = {
    db,
    home,
    registry,
    storage,
    workers,
    async startWorker(extra = {}) {
      const w = await startWorker({
        database: db,
        registry,
        storage,
        providers: o.providers ?? {},
        concurrency: o.concurrency ?? 4,
        pollIntervalMs: 200,
        ...extra,
      });
      workers.push(w);
      return w;
    },
    async start(document, opts = {}) {
      return (await startRunFromDocument(db.sql, registry, { document, ...opts })).runId;
    },
    async run(document, opts = {}) {
      const runId = await engine.start(document, opts);
      return waitForRun(db.sql, runId, { timeoutMs: opts.timeoutMs ?? 30_000 });
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await db.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < (o.workers ?? 1); i++) await engine.startWorker();
  return engine;
}

/** The final output of one node in a finished run (gathered over items). */
export async function nodeOutput(engine: TestEngine, runId: string, nodeId: string): Promise<Record<string, unknown> | null> {
  const [row] = await engine.db.sql<{ output: Record<string, unknown> | null }[]>`
    select output from run_nodes where run_id = ${runId} and node_id = ${nodeId}`;
  return row?.output ?? null;
}
