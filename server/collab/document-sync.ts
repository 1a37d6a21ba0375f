/**
 * Keeps graphs.document (the JSON that REST reads and runs snapshot) equal to the live Y.Doc.
 * Debounced: a drag produces dozens of updates a second, the column is written at most every
 * `waitMs` while edits keep coming, and never later than `maxWaitMs` after the first of them.
 */
import type * as Y from "yjs";
import type { Sql } from "../../db/index.js";
import { canonicalJson } from "../../lib/canonical-json.js";
import { readGraphDocument } from "../../schemas/graph-ydoc.js";
import { writeGraphDocumentColumn } from "./persistence.js";

export interface DocumentSyncOptions {
  waitMs: number;
  maxWaitMs: number;
  onGone: () => void;
  onError: (err: unknown) => void;
}

export class DocumentSync {
  private timer: NodeJS.Timeout | null = null;
  private firstDirtyAt = 0;
  private lastWritten: string;
  private writing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly graphId: string,
    private readonly doc: Y.Doc,
    private readonly fallbackName: () => string,
    initialDocument: unknown,
    private readonly opts: DocumentSyncOptions,
  ) {
    this.lastWritten = canonicalJson(initialDocument);
  }

  /** Note that the doc changed. */
  schedule(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (!this.timer) this.firstDirtyAt = now;
    else clearTimeout(this.timer);
    const due = Math.min(this.opts.waitMs, Math.max(0, this.firstDirtyAt + this.opts.maxWaitMs - now));
    this.timer = setTimeout(() => void this.flush(), due);
  }

  /** Write now if the doc differs from what the column holds; resolves once written. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing;
    if (this.stopped) return;
    this.writing = this.write().finally(() => (this.writing = null));
    await this.writing;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async write(): Promise<void> {
    const document = readGraphDocument(this.doc, this.fallbackName());
    const json = canonicalJson(document);
    if (json === this.lastWritten) return;
    try {
      const exists = await writeGraphDocumentColumn(this.sql, this.graphId, document.name, document);
      if (!exists) {
        this.stop();
        this.opts.onGone();
        return;
      }
      this.lastWritten = json;
    } catch (err) {
      this.opts.onError(err);
      // Try again later: the Y.Doc (and its update log) still hold the truth.
      if (!this.stopped) this.schedule();
    }
  }
}
