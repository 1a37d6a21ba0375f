/**
 * Everything `genjed start` runs in one process: PostgreSQL (embedded unless DATABASE_URL),
 * migrations, template seeding, the worker, the background loops and the HTTP server.
 */
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { connectDatabase, migrate, startEmbeddedPostgres, type Database, type EmbeddedDatabase } from "../db/index.js";
import { RunEventHub } from "../engine/events.js";
import { publicUrlSource, recordPublicUrl } from "../services/public-url.js";
import { createMediaStorage } from "../services/storage.js";
import { sealPlainWebhookSecrets } from "../services/triggers/webhook-secret.js";
import { startWorker, type WorkerHandle } from "../engine/worker.js";
import { createProductRegistry } from "../nodes/index.js";
import { createDefaultProviders } from "../nodes/providers/factory.js";
import { controlProviders } from "../services/control-providers.js";
import type { NodeRegistry } from "../nodes/registry.js";
import { createApp } from "./app.js";
import { collabAuthorizer } from "./auth/collab-access.js";
import { ensureOwner, type OwnerSetup } from "./auth/owner.js";
import { checkSecretKey, loadSecretKey } from "./auth/secret-key.js";
import { authSettingsFromEnv } from "./auth/settings.js";
import { secretsForRun } from "../services/secrets/workspace-secrets.js";
import { createCollabService, type CollabService } from "./collab/index.js";
import type { Config } from "./config.js";
import type { ServerDeps } from "./deps.js";
import { backgroundLoops, features } from "./features.js";
import { seedTemplates } from "./seed.js";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, "examples/templates");
export const EDITOR_DIST = path.join(PROJECT_ROOT, "editor/dist");

export interface RuntimeOptions {
  config: Config;
  server?: boolean;
  worker?: boolean;
  /** Background loops (server/background/): triggers, publications, review deadlines, alerts. */
  scheduler?: boolean;
  registry?: NodeRegistry;
  log?: (message: string) => void;
}

export interface Runtime {
  url: string | null;
  /** The owner's one-time sign-in link, on a start where nobody can sign in yet (else null). */
  signInUrl: string | null;
  database: Database;
  deps: ServerDeps;
  stop(): Promise<void>;
}

export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const { config } = o;
  const log = o.log ?? ((m: string) => console.log(m));
  await mkdir(config.home, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => log(`shutdown: ${(e as Error).message}`));
  };
  try {
    let url = config.databaseUrl;
    if (!url) {
      log(`Starting embedded PostgreSQL in ${path.join(config.home, "pg")} ...`);
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres(path.join(config.home, "pg"));
      stops.push(() => embedded.stop());
      url = embedded.url;
    }
    const database = connectDatabase(url, { max: 20 });
    stops.push(() => database.close());
    await migrate(database);
    const seeded = await seedTemplates(database, TEMPLATES_DIR);
    if (seeded > 0) log(`Added ${seeded} template graph(s).`);

    // Identity and secrets: the key that encrypts workspace secrets (every process must share it),
    // and on a first start the owner account with its one-time sign-in link (printed below).
    const secretKey = await loadSecretKey(config.home, process.env, log);
    await checkSecretKey(database.sql, secretKey);
    // Webhook secrets written as plain text by an older version are sealed before anything serves.
    const sealed = await sealPlainWebhookSecrets(database.sql, secretKey);
    if (sealed > 0) log(`Encrypted ${sealed} webhook signing secret(s) stored as plain text by an earlier version.`);
    const auth = authSettingsFromEnv(process.env, secretKey);
    const owner: OwnerSetup | null = o.server !== false ? await ensureOwner(database, { env: process.env, log }) : null;

    const registry = o.registry ?? createProductRegistry();
    const mediaRoot = path.join(config.home, "media");
    const storage = createMediaStorage({ root: mediaRoot, sql: database.sql, tempRoot: path.join(config.home, "tmp") });
    const hub = new RunEventHub(database.sql);
    await hub.start();
    stops.push(() => hub.stop());

    let collab: CollabService | undefined;
    if (o.server !== false) collab = createCollabService({ sql: database.sql, log, authorize: collabAuthorizer(database, auth) });
    // One public URL for the server and every worker: GENJED_PUBLIC_URL, else what the server records below.
    const publicUrl = publicUrlSource(database.sql, { configured: config.publicUrl ?? null, port: config.port });
    const deps: ServerDeps = { database, registry, hub, mediaRoot, collab, editorDist: EDITOR_DIST, templatesDir: TEMPLATES_DIR, auth, publicUrl };

    if (o.worker !== false) {
      const worker: WorkerHandle = await startWorker({
        database,
        registry,
        storage,
        // Generation providers, plus the publication ledger and metrics store the control nodes use.
        providers: { ...createDefaultProviders({ replicateBaseUrl: process.env.REPLICATE_BASE_URL }), ...controlProviders(database.sql, { publicUrl }) },
        concurrency: config.concurrency,
        hub,
        secretsFor: secretsForRun(database, secretKey),
      });
      stops.push(() => worker.stop());
    }
    if (o.scheduler !== false) {
      for (const loop of backgroundLoops) {
        const s = await loop(deps);
        stops.push(() => s.stop());
      }
    }
    let listenUrl: string | null = null;
    let signInUrl: string | null = null;
    if (o.server !== false) {
      const app = createApp(deps, features);
      const server = await new Promise<Server>((resolve, reject) => {
        const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s as Server));
        (s as Server).once("error", reject);
      });
      server.on("upgrade", (req, socket, head) => {
        if (!collab!.handleUpgrade(req, socket, head)) socket.destroy();
      });
      stops.push(async () => {
        await collab!.close();
        server.closeAllConnections?.();
        await new Promise<void>((r) => server.close(() => r()));
      });
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : config.port;
      listenUrl = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
      await recordPublicUrl(database.sql, config.publicUrl ?? listenUrl);
      if (owner?.signInPath) {
        signInUrl = `${listenUrl}${owner.signInPath}`;
        log(`\nSign in as the owner${owner.createdEmail ? ` (${owner.createdEmail})` : ""} with this one-time link, and choose a password:\n  ${listenUrl}${owner.signInPath}\n`);
      }
    }
    return { url: listenUrl, signInUrl, database, deps, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
