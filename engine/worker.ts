/**
 * A worker process: graphile-worker running our node task, plus what graphile-worker does not do
 * on its own: heartbeats, so jobs locked by a worker that died (SIGKILL, power loss) are released
 * within seconds instead of after its 4-hour timeout; and aborting running items on cancel.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { EventEmitter } from "node:events";
import pg from "pg";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import type { Database } from "../db/index.js";
import { quietLogger } from "../db/index.js";
import type { NodeRegistry } from "../nodes/registry.js";
import type { MediaStorage, SecretReader } from "../nodes/contract.js";
import { AbortRegistry } from "./aborts.js";
import { RunEventHub } from "./events.js";
import { createNodeTask, type ProviderFactory } from "./executor.js";
import { NODE_TASK } from "./jobs.js";
import { envSecrets } from "./secrets.js";
import { ProviderLimits, providerLimitsFromEnv } from "./limits.js";

export interface WorkerOptions {
  database: Database;
  registry: NodeRegistry;
  storage: MediaStorage;
  providers: ProviderFactory;
  secretsFor?: (runId: string) => SecretReader | Promise<SecretReader>;
  /** Jobs this process runs at once (GENJED_CONCURRENCY). */
  concurrency?: number;
  /** A process not seen for this long is dead and its jobs are released. */
  staleAfterMs?: number;
  heartbeatMs?: number;
  pollIntervalMs?: number;
  /** Shared event hub (the server has one already); one is made when absent. */
  hub?: RunEventHub;
  /** Calls at once per provider in this process, e.g. { replicate: 2 } (GENJED_PROVIDER_LIMITS). */
  providerLimits?: Record<string, number>;
  /** Extra graphile-worker tasks (triggers, review deadlines...). */
  tasks?: Record<string, import("graphile-worker").Task>;
}

export interface WorkerHandle {
  processId: string;
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const { database } = opts;
  const processId = randomUUID();
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const staleAfterMs = opts.staleAfterMs ?? 30_000;
  const aborts = new AbortRegistry();
  const workerIds = new Set<string>();

  const ownHub = !opts.hub;
  const hub = opts.hub ?? new RunEventHub(database.sql);
  if (ownHub) await hub.start();
  const unsubscribe = hub.subscribe((e) => {
    if (e.kind === "run" && (e.status === "canceled" || e.status === "failed")) aborts.abortRun(e.runId, `run ${e.status}`);
  });

  const beat = async () => {
    await database.sql`
      insert into worker_heartbeats (process_id, worker_ids, hostname, pid, last_seen)
      values (${processId}, ${JSON.stringify([...workerIds])}::jsonb, ${os.hostname()}, ${process.pid}, now())
      on conflict (process_id) do update set worker_ids = excluded.worker_ids, last_seen = now()`;
  };
  const sweep = async () => {
    const dead = await database.sql<{ processId: string; workerIds: string[] }[]>`
      delete from worker_heartbeats where last_seen < now() - ${staleAfterMs / 1000} * interval '1 second'
      returning process_id as "processId", worker_ids as "workerIds"`;
    const ids = dead.flatMap((d) => d.workerIds);
    if (ids.length) await database.sql`select graphile_worker.force_unlock_workers(${ids}::text[])`;
  };

  await beat();
  // Our own emitter, passed in, so no worker:create of the pool is missed during start-up.
  const events = new EventEmitter() as WorkerEvents;
  // Jobs are locked by the pool's id (or a worker's, depending on graphile-worker's mode): record both.
  events.on("pool:create", ({ workerPool }) => {
    workerIds.add(workerPool.id);
  });
  events.on("worker:create", ({ worker }) => {
    workerIds.add(worker.workerId);
    void beat().catch(() => {});
  });
  // Our own pool, so a dropped idle connection (database restart) is logged instead of crashing the process.
  const pgPool = new pg.Pool({ connectionString: database.url, max: (opts.concurrency ?? 4) + 2 });
  pgPool.on("error", (err) => console.error(`[worker] database connection lost: ${err.message}`));
  pgPool.on("connect", (client) => client.on("error", (err) => console.error(`[worker] database connection lost: ${err.message}`)));
  const runner: Runner = await run({
    events,
    pgPool,
    concurrency: opts.concurrency ?? 4,
    noHandleSignals: true,
    pollInterval: opts.pollIntervalMs ?? 1000,
    logger: quietLogger,
    taskList: {
      ...opts.tasks,
      [NODE_TASK]: createNodeTask({
        sql: database.sql,
        registry: opts.registry,
        storage: opts.storage,
        providers: opts.providers,
        secretsFor: opts.secretsFor ?? (() => envSecrets),
        aborts,
        limits: new ProviderLimits(opts.providerLimits ?? providerLimitsFromEnv()),
      }),
    },
  });
  await beat();

  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    beat()
      .then(sweep)
      .catch(() => {});
  }, heartbeatMs);
  timer.unref();
  // Sweep once at start too: a restarted machine releases what its previous life held.
  await sweep().catch(() => {});

  return {
    processId,
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await runner.stop();
      await pgPool.end().catch(() => {});
      await database.sql`delete from worker_heartbeats where process_id = ${processId}`.catch(() => {});
      if (ownHub) await hub.stop();
    },
  };
}
