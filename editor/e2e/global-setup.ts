/**
 * Browser tests run against the real product: the editor is built, and `genjed start` runs with an
 * embedded PostgreSQL in a temporary GENJED_HOME on a free port (what `npm start` does for a user).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { freePort } from "../../db/embedded.js";

declare module "vitest" {
  export interface ProvidedContext {
    e2eBaseUrl: string;
    /** The workspace owner the server was started with (GENJED_ADMIN_EMAIL/PASSWORD). */
    e2eOwner: { email: string; password: string };
  }
}

const OWNER = { email: "owner@e2e.test", password: "e2e-owner-password-1" };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = path.join(ROOT, "test-artifacts", "e2e");

let server: ChildProcess | undefined;
let home: string | undefined;

export async function setup(project: TestProject) {
  await mkdir(ARTIFACTS, { recursive: true });
  const { build } = await import("vite");
  // Vitest runs with NODE_ENV=test, which would give React's development build (StrictMode
  // double effects, slower): test what users get.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: path.join(ROOT, "editor/vite.config.ts"), mode: "production", logLevel: "warn" });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }

  home = await mkdtemp(path.join(os.tmpdir(), "genjed-e2e-"));
  const port = await freePort();
  const log = createWriteStream(path.join(ARTIFACTS, "server.log"));
  const env = { ...process.env, PORT: String(port), GENJED_HOME: home, GENJED_CONCURRENCY: "4", GENJED_ADMIN_EMAIL: OWNER.email, GENJED_ADMIN_PASSWORD: OWNER.password };
  // Local providers only: nothing in these tests may reach the internet.
  delete env.REPLICATE_API_TOKEN;
  delete env.DATABASE_URL;
  server = spawn(process.execPath, [path.join(ROOT, "bin/genjed.js"), "start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.pipe(log);
  server.stderr!.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => server!.once("exit", (code) => reject(new Error(`genjed start exited with ${code}; see ${path.join(ARTIFACTS, "server.log")}`))));
  await Promise.race([waitForHealth(url, 180_000), exited]);
  project.provide("e2eBaseUrl", url);
  project.provide("e2eOwner", OWNER);
}

export async function teardown() {
  if (server && server.exitCode === null) {
    const done = new Promise((r) => server!.once("exit", r));
    server.kill("SIGINT");
    const timer = setTimeout(() => server?.kill("SIGKILL"), 30_000);
    await done;
    clearTimeout(timer);
  }
  if (home) await rm(home, { recursive: true, force: true });
}

async function waitForHealth(url: string, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < end) {
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${url} not healthy after ${timeoutMs} ms (${last})`);
}
