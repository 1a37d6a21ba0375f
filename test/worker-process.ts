/**
 * A worker in its own OS process, for the crash test: `tsx test/worker-process.ts` with DATABASE_URL
 * and GENJED_HOME. It prints "ready" once it takes jobs; the test kills it with SIGKILL.
 */
import path from "node:path";
import { connectDatabase } from "../db/index.js";
import { startWorker } from "../engine/index.js";
import { createMediaStorage } from "../services/storage.js";
import { testRegistry } from "./nodes.js";

const database = connectDatabase(process.env.DATABASE_URL!);
await startWorker({
  database,
  registry: testRegistry(),
  storage: createMediaStorage({ root: path.join(process.env.GENJED_HOME!, "media"), sql: database.sql }),
  providers: {},
  concurrency: 2,
  pollIntervalMs: 200,
  heartbeatMs: 500,
});
process.stdout.write("ready\n");
