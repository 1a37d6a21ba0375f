/**
 * `npm run bench`: every benchmark against a real embedded PostgreSQL in a temp GENJED_HOME.
 * Prints one table of measured numbers; README quotes them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { connectDatabase, migrate, startEmbeddedPostgres } from "../db/index.js";
import { benchBodyLimit } from "./body-limit.js";
import { benchCancel } from "./cancel.js";
import { benchEngine } from "./engine.js";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readConfig } from "../server/config.js";
import { EDITOR_DIST, startRuntime } from "../server/runtime.js";

type Bench = { name: string; run: (ctx: { url: string; home: string }) => Promise<Record<string, number | string>> };

async function main() {
  const only = process.argv[2];
  const home = await mkdtemp(path.join(os.tmpdir(), "genjed-bench-"));
  const pg = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(path.join(home, "pg"));
  const url = process.env.DATABASE_URL ?? pg!.url;
  const database = connectDatabase(url, { max: 20 });
  await migrate(database);
  const benches: Bench[] = [
    { name: "engine", run: ({ home }) => benchEngine(database, home) },
    { name: "cancel", run: () => benchCancel(database) },
    { name: "body-limit", run: ({ url, home }) => benchBodyLimit(url, home) },
  ];
  for (const extra of await optionalBenches()) benches.push(extra);
  const results: [string, string, number | string][] = [];
  try {
    for (const b of benches) {
      if (only && b.name !== only) continue;
      process.stderr.write(`running ${b.name} ...\n`);
      const r = await b.run({ url, home });
      for (const [k, v] of Object.entries(r)) results.push([b.name, k, v]);
    }
  } finally {
    await database.close();
    await pg?.stop();
    await rm(home, { recursive: true, force: true });
  }
  const width = Math.max(...results.map(([, k]) => k.length));
  console.log(`\nGenjed Studio benchmarks (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version})\n`);
  for (const [b, k, v] of results) console.log(`${b.padEnd(10)} ${k.padEnd(width)}  ${v}`);
}

/** Benchmarks owned by other areas (media, editor) register here. */
async function optionalBenches(): Promise<Bench[]> {
  const { benchComposite } = await import("./composite.js");
  return [
    { name: "composite", run: ({ url, home }) => benchComposite({ url, home }) },
    { name: "editor", run: ({ url, home }) => runEditorBench(url, home) },
  ];
}

/** The editor benchmark drives the real built editor in headless Chromium against a real server. */
async function runEditorBench(url: string, home: string): Promise<Record<string, number | string>> {
  if (!existsSync("/usr/bin/chromium")) return { skipped: "Chromium is not installed (apt-get install chromium)" };
  if (!existsSync(path.join(EDITOR_DIST, "index.html"))) execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
  const owner = { email: "bench@genjed.local", password: "bench-password-1234" };
  Object.assign(process.env, { GENJED_ADMIN_EMAIL: owner.email, GENJED_ADMIN_PASSWORD: owner.password });
  const { benchEditor } = await import("./editor.js");
  const runtime = await startRuntime({
    config: { ...readConfig({ GENJED_HOME: path.join(home, "editor-home") }), port: 0, databaseUrl: url },
    log: () => {},
  });
  try {
    return await benchEditor(runtime.url!, owner);
  } finally {
    await runtime.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
