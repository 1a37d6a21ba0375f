import { compile } from "../../engine/compile.js";
import { getRun, startRunFromDocument, RunInputError } from "../../engine/runs.js";
import { createProductRegistry } from "../../nodes/index.js";
import type { CompileError, RunEvent, RunView } from "../../schemas/index.js";
import { readJsonFile } from "./read-json.js";
import { withInputs, type Overrides } from "./run-inputs.js";
import { readConfig } from "../config.js";
import { runRedactor } from "../auth/redact.js";
import { startRuntime } from "../runtime.js";
import { systemScope } from "../../lib/scope.js";

/** The CLI runs on the server host with its database credentials: it reads the run it started. */
const CLI_SCOPE = systemScope("cli: genjed run");

export function formatCompileError(e: CompileError): string {
  const where = [e.nodeId && `node ${e.nodeId}`, e.port && `port ${e.port}`, e.field && `field ${e.field}`, e.edgeId && `edge ${e.edgeId}`]
    .filter(Boolean)
    .join(", ");
  return `  ${e.code}${where ? ` (${where})` : ""}: ${e.message}`;
}

export async function validateCommand(file: string): Promise<number> {
  const doc = await readJsonFile(file);
  const result = compile(doc, createProductRegistry());
  if (!result.ok) {
    console.error(`${file}: ${result.errors.length} error(s)`);
    for (const e of result.errors) console.error(formatCompileError(e));
    return 1;
  }
  const { plan } = result;
  console.log(`${file}: ok — ${plan.order.length} nodes, estimated $${plan.estimate.usd.toFixed(4)}, about ${Math.ceil(plan.estimate.seconds)} s`);
  return 0;
}

const ICON: Record<string, string> = {
  pending: "·",
  queued: "…",
  running: "▶",
  cached: "≡",
  succeeded: "✓",
  failed: "✗",
  skipped: "↷",
  waiting: "⏸",
  canceled: "■",
};

export async function runCommand(file: string, o: { json: boolean; budgetUsd?: number; overrides?: Overrides }): Promise<number> {
  const doc = await readJsonFile(file);
  const registry = createProductRegistry();
  const precheck = compile(withInputs(doc, o.overrides), registry);
  if (!precheck.ok) {
    console.error(`${file}: ${precheck.errors.length} error(s)`);
    for (const e of precheck.errors) console.error(formatCompileError(e));
    return 1;
  }
  const config = readConfig();
  // Human output goes to stderr when --json owns stdout.
  const say = (m: string) => (o.json ? process.stderr : process.stdout).write(`${m}\n`);
  const runtime = await startRuntime({ config, server: false, scheduler: false, registry, log: (m) => say(m) });
  const { sql } = runtime.database;
  const tty = !o.json && process.stdout.isTTY;
  let runId = "";
  const lastStatus = new Map<string, string>();
  try {
    const done = new Promise<void>((resolve) => {
      const off = runtime.deps.hub.subscribe((e: RunEvent) => {
        if (e.runId !== runId) return;
        // Progress ticks repeat the status: print only changes.
        const key = `${e.kind === "node" ? `${e.nodeId}[${e.item}]` : ""}`;
        if (e.kind === "node" && !tty && lastStatus.get(key) !== e.status) {
          lastStatus.set(key, e.status);
          say(`${ICON[e.status] ?? "?"} ${e.nodeId}${e.item ? `[${e.item}]` : ""} ${e.status}${e.costUsd ? ` $${e.costUsd.toFixed(4)}` : ""}`);
        }
        if (e.kind === "run" && ["succeeded", "failed", "canceled", "waiting"].includes(e.status)) {
          off();
          resolve();
        }
      });
    });
    try {
      ({ runId } = await startRunFromDocument(sql, registry, { document: doc, budgetUsd: o.budgetUsd, overrides: o.overrides, trigger: { kind: "cli", file } }));
    } catch (e) {
      if (e instanceof RunInputError) {
        for (const err of e.errors) console.error(formatCompileError(err));
        return 1;
      }
      throw e;
    }
    say(`Run ${runId} started (estimate $${precheck.plan.estimate.usd.toFixed(4)}).`);
    const timer = tty ? setInterval(() => void drawProgress(sql, runId), 250) : null;
    // The run may have finished before the subscription saw it.
    const first = await getRun(sql, runId, CLI_SCOPE);
    if (!first || !["succeeded", "failed", "canceled", "waiting"].includes(first.status)) await done;
    if (timer) clearInterval(timer);
    // What the CLI prints is a view like the API's: the workspace's secret values are scrubbed.
    const run = (await runRedactor(runtime.deps, runId))((await getRun(sql, runId, CLI_SCOPE))!);
    if (tty) await drawProgress(sql, runId, true);
    report(run, say);
    if (o.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    return run.status === "succeeded" ? 0 : 1;
  } finally {
    await runtime.stop();
  }
}

let drawnLines = 0;
async function drawProgress(sql: import("../../db/index.js").Sql, runId: string, final = false): Promise<void> {
  const run = await getRun(sql, runId, CLI_SCOPE);
  if (!run) return;
  const byNode = new Map<string, RunView["nodes"]>();
  for (const n of run.nodes) byNode.set(n.nodeId, [...(byNode.get(n.nodeId) ?? []), n]);
  const lines = [...byNode].map(([id, items]) => {
    const done = items.filter((i) => ["succeeded", "cached", "failed", "skipped", "canceled"].includes(i.status)).length;
    const progress = items.reduce((s, i) => s + (["succeeded", "cached"].includes(i.status) ? 1 : i.progress), 0) / items.length;
    const width = 20;
    const bar = "█".repeat(Math.round(progress * width)).padEnd(width, "░");
    const status = summarize(items.map((i) => i.status));
    return `${ICON[status] ?? "?"} ${id.padEnd(24).slice(0, 24)} ${bar} ${String(done).padStart(3)}/${items.length} ${status}`;
  });
  if (drawnLines) process.stdout.write(`\x1b[${drawnLines}A`);
  for (const l of lines) process.stdout.write(`\x1b[2K${l}\n`);
  drawnLines = final ? 0 : lines.length;
}

function summarize(statuses: string[]): string {
  for (const s of ["failed", "running", "waiting", "queued", "canceled"]) if (statuses.includes(s)) return s;
  if (statuses.every((s) => s === "cached")) return "cached";
  if (statuses.every((s) => s === "skipped")) return "skipped";
  return statuses.every((s) => ["succeeded", "cached", "skipped"].includes(s)) ? "succeeded" : "pending";
}

function report(run: RunView, say: (m: string) => void): void {
  say(`Run ${run.status}: cost $${run.costUsd.toFixed(4)} (estimate $${run.estimateUsd.toFixed(4)})`);
  if (run.error) say(`  ${run.error.code}: ${run.error.message}`);
  for (const n of run.nodes.filter((x) => x.status === "failed")) {
    say(`  ✗ ${n.nodeId}${n.item ? `[${n.item}]` : ""}: ${n.error?.message ?? "failed"}`);
  }
  if (run.status === "waiting") say("  The run waits for a human review; decide it in the editor's review queue.");
}
