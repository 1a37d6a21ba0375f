/**
 * Compile errors and the cost estimate while editing: the document is sent to POST /api/validate
 * a moment after the last edit (by anyone), and the answer is kept per node so each node, port
 * and form field can show its own errors.
 */
import type * as Y from "yjs";
import type { CompileError, Estimate } from "../../../schemas/index.js";
import { readGraphDocument } from "../../../schemas/graph-ydoc.js";
import { api, errorMessage } from "../api/client.js";
import { createStore, type Store } from "../lib/store.js";

export interface ValidationState {
  checking: boolean;
  /** Set when the server could not be asked (errors then are from the last successful check). */
  failure: string | null;
  errors: CompileError[];
  byNode: Record<string, CompileError[]>;
  estimate: Estimate | null;
  /** The graph has errors, so `estimate` is the last one computed before them. */
  estimateStale: boolean;
}

const NONE: CompileError[] = [];
export const noErrors = NONE;

export class Validator {
  readonly state: Store<ValidationState> = createStore<ValidationState>({
    checking: false,
    failure: null,
    errors: [],
    byNode: {},
    estimate: null,
    estimateStale: false,
  });
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: AbortController | null = null;
  private lastSent = "";

  constructor(
    private readonly doc: Y.Doc,
    private readonly delayMs = 400,
  ) {
    doc.on("update", this.onUpdate);
  }

  destroy() {
    this.doc.off("update", this.onUpdate);
    if (this.timer) clearTimeout(this.timer);
    this.inflight?.abort();
  }

  /** Validate now (first load, or "retry" after a failure). */
  run = async () => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const document = readGraphDocument(this.doc);
    const body = JSON.stringify(document);
    if (body === this.lastSent && !this.state.get().failure) return;
    this.inflight?.abort();
    const ctrl = new AbortController();
    this.inflight = ctrl;
    this.state.set((s) => ({ ...s, checking: true }));
    try {
      const result = await api.validate(document, ctrl.signal);
      if (ctrl.signal.aborted) return;
      this.lastSent = body;
      this.state.set({
        checking: false,
        failure: null,
        errors: result.errors,
        byNode: groupByNode(result.errors),
        estimate: result.estimate ?? this.state.get().estimate,
        estimateStale: !result.estimate,
      });
    } catch (err) {
      if (ctrl.signal.aborted) return;
      this.state.set((s) => ({ ...s, checking: false, failure: errorMessage(err) }));
    }
  };

  private onUpdate = () => {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.run, this.delayMs);
  };
}

export function groupByNode(errors: CompileError[]): Record<string, CompileError[]> {
  const out: Record<string, CompileError[]> = {};
  for (const e of errors) {
    const ids = e.code === "CYCLE" && e.nodes?.length ? e.nodes : e.nodeId ? [e.nodeId] : [];
    for (const id of ids) (out[id] ??= []).push(e);
  }
  return out;
}
