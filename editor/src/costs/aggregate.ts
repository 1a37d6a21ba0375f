/**
 * Spend analysis computed from runs: per run, per day, per node type and per model. Node types
 * come from the run's graph version (RunView names nodes by id only); models from the cost
 * breakdown each node records ("flux-schnell x4 outputs" -> "flux-schnell").
 */
import type { GraphDocument, RunView } from "../../../schemas/index.js";
import type { RunSummary } from "../api/types.js";

export interface SpendRow {
  key: string;
  usd: number;
  count: number;
}

export interface DaySpend {
  day: string;
  usd: number;
  runs: number;
}

/** The model (or local renderer) a cost line is for. */
export function modelOf(detail: string): string {
  const m = /^(\S+)\s+(x\d+|\d[\d.]*\s|\d+\s|\S+\s+(?:input|s of|characters|on))/.exec(detail);
  if (m && !/^(local|rule-based)$/i.test(m[1])) return m[1];
  return detail.replace(/\s+x?\d.*$/, "").trim() || "unspecified";
}

export const dayOf = (iso: string) => iso.slice(0, 10);

/** Spend per calendar day (UTC) over `days` days ending today, zero-filled so the chart has no gaps. */
export function spendByDay(runs: RunSummary[], days: number, today = new Date()): DaySpend[] {
  const out = new Map<string, DaySpend>();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - i));
    const key = d.toISOString().slice(0, 10);
    out.set(key, { day: key, usd: 0, runs: 0 });
  }
  for (const r of runs) {
    const row = out.get(dayOf(r.createdAt));
    if (!row) continue;
    row.usd += r.costUsd || 0;
    row.runs += 1;
  }
  return [...out.values()];
}

function add(map: Map<string, SpendRow>, key: string, usd: number) {
  const row = map.get(key) ?? { key, usd: 0, count: 0 };
  row.usd += usd;
  row.count += 1;
  map.set(key, row);
}

const sorted = (m: Map<string, SpendRow>) => [...m.values()].sort((a, b) => b.usd - a.usd || b.count - a.count || a.key.localeCompare(b.key));

/** Spend per node type and per model across run details (each node-run item counts once). */
export function spendByTypeAndModel(details: { run: RunView; document: GraphDocument | null }[]): { byType: SpendRow[]; byModel: SpendRow[] } {
  const byType = new Map<string, SpendRow>();
  const byModel = new Map<string, SpendRow>();
  for (const { run, document } of details) {
    const typeOf = new Map((document?.nodes ?? []).map((n) => [n.id, n.type]));
    for (const n of run.nodes) {
      add(byType, typeOf.get(n.nodeId) ?? "unknown type", n.costUsd || 0);
      if (n.costBreakdown.length) for (const c of n.costBreakdown) add(byModel, modelOf(c.detail), c.usd);
      else if (n.provider && n.costUsd > 0) add(byModel, n.provider, n.costUsd);
    }
  }
  return { byType: sorted(byType), byModel: sorted(byModel) };
}
