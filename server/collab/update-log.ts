/**
 * Serialised, retrying writer of one graph's Yjs updates. Updates that arrive while a write is in
 * flight are merged into the next one, so a burst of keystrokes becomes a few rows, and a failed
 * write (database restarting) is retried with the pending updates kept in order: nothing
 * acknowledged by the doc is dropped while the process lives, and `flush()` waits for all of it.
 */
import * as Y from "yjs";
import type { Sql } from "../../db/index.js";
import { appendUpdate, compactUpdates, isGraphGone } from "./persistence.js";

export interface UpdateLogOptions {
  /** Merge the stored rows into one once this many have accumulated. */
  compactAfter: number;
  /** Called once when the graph row is gone (deleted): the room should close. */
  onGone: () => void;
  onError: (err: unknown) => void;
  retryMs?: number;
}

export class UpdateLog {
  private pending: Uint8Array[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly graphId: string,
    private rows: number,
    private readonly opts: UpdateLogOptions,
  ) {}

  get storedRows(): number {
    return this.rows;
  }

  append(update: Uint8Array): void {
    if (this.stopped) return;
    this.pending.push(update);
    if (!this.running) this.running = this.drain().finally(() => (this.running = null));
  }

  /** Resolves when every update appended so far is stored (or the log was stopped). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Stop writing (graph deleted). Pending updates are discarded: there is nowhere to put them. */
  stop(): void {
    this.stopped = true;
    this.pending = [];
  }

  private async drain(): Promise<void> {
    while (this.pending.length && !this.stopped) {
      const batch = this.pending.splice(0);
      try {
        await appendUpdate(this.sql, this.graphId, batch.length === 1 ? batch[0] : Y.mergeUpdates(batch));
        this.rows++;
        if (this.rows >= this.opts.compactAfter) this.rows = await compactUpdates(this.sql, this.graphId);
      } catch (err) {
        if (isGraphGone(err)) {
          this.stop();
          this.opts.onGone();
          return;
        }
        this.opts.onError(err);
        this.pending.unshift(...batch);
        await new Promise((r) => setTimeout(r, this.opts.retryMs ?? 1000));
      }
    }
  }
}
