/**
 * Evaluates the alert rules after each run: it listens to run events (RunEventHub) and, when a run
 * ends or starts waiting for review, evaluates (debounced, so a burst of runs costs one pass).
 * A slow timer also re-evaluates, since a metric can cross its threshold with no run ending (the
 * review queue drains, publications fail in the scheduler).
 */
import { evaluateAlerts, type AlertContext } from "../../services/alerts.js";
import type { NodeRegistry } from "../../nodes/registry.js";
import type { BackgroundLoop } from "./loop.js";

/** Generating node types: the ones that call a provider. */
export const generationTypesOf = (registry: NodeRegistry) => registry.all().filter((d) => (d.providers?.length ?? 0) > 0).map((d) => d.type);

export function alertEvaluatorLoop(o: { debounceMs?: number; intervalMs?: number; log?: (m: string) => void } = {}): BackgroundLoop {
  return async (deps) => {
    const log = o.log ?? ((m: string) => console.log(m));
    const generationTypes = generationTypesOf(deps.registry);
    let timer: NodeJS.Timeout | null = null;
    let lastRun: string | null = null;
    let running: Promise<void> | null = null;
    const evaluate = () => {
      running = (running ?? Promise.resolve())
        .then(async () => {
          // Every workspace is evaluated over its own runs; the run that woke us is credited in its own.
          const workspaces = await deps.database.sql<{ id: string }[]>`select id from workspaces order by created_at`;
          const [woke] = lastRun ? await deps.database.sql<{ ws: string }[]>`select workspace_id as ws from runs where id = ${lastRun}` : [];
          for (const { id: workspaceId } of workspaces) {
            const ctx: AlertContext = { generationTypes, workspaceId };
            const { fired, resolved } = await evaluateAlerts(deps.database.sql, { ...ctx, runId: woke?.ws === workspaceId ? lastRun : null });
            for (const id of fired) log(`alert firing: ${id} (workspace ${workspaceId})`);
            for (const id of resolved) log(`alert resolved: ${id} (workspace ${workspaceId})`);
          }
        })
        .catch((err) => log(`alerts: evaluation failed: ${(err as Error).message}`));
      return running;
    };
    const soon = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void evaluate();
      }, o.debounceMs ?? 500);
    };
    const unsubscribe = deps.hub.subscribe((e) => {
      if (e.kind === "run" && ["succeeded", "failed", "canceled", "waiting"].includes(e.status)) {
        lastRun = e.runId;
        soon();
      }
    });
    const every = setInterval(() => void evaluate(), o.intervalMs ?? 5 * 60_000);
    every.unref();
    void evaluate();
    return {
      async stop() {
        unsubscribe();
        clearInterval(every);
        if (timer) clearTimeout(timer);
        await running;
      },
    };
  };
}

export const alertEvaluator = alertEvaluatorLoop();
