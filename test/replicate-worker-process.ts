/**
 * A worker in its own OS process for the Replicate crash test: `tsx test/replicate-worker-process.ts`
 * with DATABASE_URL, GENJED_HOME, REPLICATE_BASE_URL (the fake) and REPLICATE_API_TOKEN. It
 * prints "ready" once it takes jobs; the test kills it with SIGKILL while a prediction runs.
 */
import path from "node:path";
import { connectDatabase } from "../db/index.js";
import { startWorker } from "../engine/index.js";
import { createMediaStorage } from "../services/storage.js";
import { imageGenerate } from "../nodes/image-generate/definition.js";
import { createLocalProvider } from "../nodes/providers/local/index.js";
import { createReplicateProvider } from "../nodes/providers/replicate/index.js";
import { testRegistry } from "./nodes.js";

const database = connectDatabase(process.env.DATABASE_URL!);
await startWorker({
  database,
  registry: testRegistry().register(imageGenerate),
  storage: createMediaStorage({ root: path.join(process.env.GENJED_HOME!, "media"), sql: database.sql }),
  providers: { local: createLocalProvider, replicate: (ctx) => createReplicateProvider(ctx, { baseUrl: process.env.REPLICATE_BASE_URL, pollIntervalMs: 50, retry: { maxRetries: 1, baseDelayMs: 20, maxDelayMs: 50 } }) },
  concurrency: 2,
  pollIntervalMs: 200,
  heartbeatMs: 500,
});
process.stdout.write("ready\n");
