/**
 * A worker in its own OS process for the publishing crash test: `tsx test/control-worker-process.ts`
 * with DATABASE_URL, GENJED_HOME and the platform endpoints/credentials in the environment. It
 * prints "ready" once it takes jobs; the test kills it with SIGKILL in the middle of a publish.
 */
import path from "node:path";
import { connectDatabase } from "../db/index.js";
import { controlProviders } from "../services/control-providers.js";
import { startWorker } from "../engine/index.js";
import { createMediaStorage } from "../services/storage.js";
import { createLocalProvider } from "../nodes/providers/local/index.js";
import { publishChannel } from "../nodes/publish-channel/definition.js";
import { productConstNode, videoConstNode } from "./publish.js";
import { testRegistry } from "./nodes.js";

const database = connectDatabase(process.env.DATABASE_URL!);
await startWorker({
  database,
  registry: testRegistry().register(publishChannel).register(videoConstNode).register(productConstNode),
  storage: createMediaStorage({ root: path.join(process.env.GENJED_HOME!, "media"), sql: database.sql }),
  providers: { local: createLocalProvider, ...controlProviders(database.sql) },
  concurrency: 2,
  pollIntervalMs: 200,
  heartbeatMs: 500,
});
process.stdout.write("ready\n");
