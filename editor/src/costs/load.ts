/** Loading what the costs page needs from the runs API (runs list + details of recent runs). */
import type { GraphDocument, RunView } from "../../../schemas/index.js";
import { api } from "../api/client.js";
import type { RunSummary } from "../api/types.js";

export interface CostData {
  runs: RunSummary[];
  details: { run: RunView; document: GraphDocument | null }[];
}

/** Run `fn` over `items` with at most `limit` in flight (the server shares two cores). */
async function mapLimit<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

export async function loadCostData(detailCount = 40): Promise<CostData> {
  const runs = await api.listRuns(undefined, 500);
  const versions = new Map<string, Promise<GraphDocument | null>>();
  const docOf = (run: RunView) => {
    if (!run.graphId || !run.versionId) return Promise.resolve(null);
    const key = run.versionId;
    if (!versions.has(key)) versions.set(key, api.getVersion(run.graphId, run.versionId).then((v) => v.document ?? null, () => null));
    return versions.get(key)!;
  };
  const details = await mapLimit(runs.slice(0, detailCount), 4, async (r) => {
    const run = await api.getRun(r.id);
    return { run, document: await docOf(run) };
  });
  return { runs, details };
}
