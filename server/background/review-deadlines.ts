/**
 * Applies a review's default action once its deadline passes. Deadlines are hours away, so a sweep
 * every few seconds is precise enough and survives restarts for free (the deadline is in the
 * waiting payload). Several servers may sweep at once: a decision is transactional and the loser
 * of a race is told "already decided", which the sweep ignores.
 */
import { applyOverdueDefaults } from "../../services/review-decisions.js";
import type { BackgroundLoop } from "./loop.js";

export function reviewDeadlineLoop(o: { intervalMs?: number; log?: (m: string) => void } = {}): BackgroundLoop {
  return async (deps) => {
    const log = o.log ?? ((m: string) => console.log(m));
    let running: Promise<void> | null = null;
    const sweep = () => {
      running ??= applyOverdueDefaults(deps.database.sql, deps.registry)
        .then((n) => {
          if (n > 0) log(`reviews: applied the default action to ${n} overdue review(s)`);
        })
        .catch((err) => log(`reviews: deadline sweep failed: ${(err as Error).message}`))
        .finally(() => {
          running = null;
        });
      return running;
    };
    const timer = setInterval(sweep, o.intervalMs ?? 15_000);
    timer.unref();
    void sweep();
    return {
      async stop() {
        clearInterval(timer);
        await running;
      },
    };
  };
}

export const reviewDeadlines = reviewDeadlineLoop();
