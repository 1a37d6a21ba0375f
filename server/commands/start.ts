import { connectDatabase, migrate, startEmbeddedPostgres } from "../../db/index.js";
import { readConfig, redactUrl } from "../config.js";
import { startRuntime, PROJECT_ROOT, EDITOR_DIST } from "../runtime.js";
import path from "node:path";

/** Wait for Ctrl-C / SIGTERM, then stop cleanly (worker releases or finishes jobs, PostgreSQL stops). */
function untilSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (sig: string) => {
      if (stopping) {
        console.log("Forced exit.");
        process.exit(130);
      }
      stopping = true;
      console.log(`\n${sig}: shutting down (Ctrl-C again to force) ...`);
      stop().then(
        () => resolve(0),
        (e) => {
          console.error(`shutdown failed: ${(e as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
  });
}

export async function startCommand(o: { dev: boolean }): Promise<number> {
  const config = readConfig();
  const runtime = await startRuntime({ config });
  let stopVite = async () => {};
  let url = runtime.url!;
  if (o.dev) {
    const { createServer } = await import("vite");
    // The port comes from editor/vite.config.ts (GENJED_EDITOR_PORT, default 5173); it proxies /api to us.
    const vite = await createServer({ configFile: path.join(PROJECT_ROOT, "editor/vite.config.ts") });
    await vite.listen();
    url = (vite.resolvedUrls?.local[0] ?? "http://localhost:5173").replace(/\/$/, "");
    stopVite = () => vite.close();
    if (runtime.signInUrl) {
      // The one-time link printed above points at the API port; in dev mode the editor is Vite's.
      const link = new URL(runtime.signInUrl);
      console.log(`In dev mode, open the sign-in link on the editor instead:\n  ${url}${link.pathname}${link.hash}`);
    }
  }
  console.log(`\nGenjed Studio is running at ${url}`);
  console.log(`  data: ${config.home}${config.databaseUrl ? `  database: ${redactUrl(config.databaseUrl)}` : " (embedded PostgreSQL)"}`);
  if (!o.dev && !(await import("node:fs")).existsSync(path.join(EDITOR_DIST, "index.html"))) {
    console.log("  (the editor is not built: run `npm run build`)");
  }
  console.log("Press Ctrl-C to stop.");
  return untilSignal(async () => {
    await stopVite();
    await runtime.stop();
  });
}

export async function workerCommand(): Promise<number> {
  const config = readConfig();
  const runtime = await startRuntime({ config, server: false, scheduler: false });
  console.log(`Worker running (concurrency ${config.concurrency}). Press Ctrl-C to stop.`);
  return untilSignal(runtime.stop);
}

export async function migrateCommand(): Promise<number> {
  const config = readConfig();
  let url = config.databaseUrl;
  let stop = async () => {};
  if (!url) {
    const pg = await startEmbeddedPostgres(path.join(config.home, "pg"));
    url = pg.url;
    stop = pg.stop;
  }
  const database = connectDatabase(url, { max: 2 });
  try {
    await migrate(database);
    console.log("Database is up to date.");
  } finally {
    await database.close();
    await stop();
  }
  return 0;
}
