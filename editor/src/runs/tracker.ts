/**
 * Follows one run: loads it, listens to GET /api/runs/:id/events (a `snapshot` first, then
 * `node` / `run` / `log` events), and refetches the run when nodes finish so their outputs and
 * errors (not carried by events) appear. The browser's EventSource reconnects by itself; the
 * snapshot sent on every (re)connect makes up for anything missed meanwhile.
 */
import { RunEventSchema, type RunView } from "../../../schemas/index.js";
import { api, runEventsUrl } from "../api/client.js";
import { createStore, type Store } from "../lib/store.js";
import { applyEvent, emptyRunState, isFinal, withRun, type RunState } from "./run-state.js";

export class RunTracker {
  readonly state: Store<RunState> = createStore<RunState>(emptyRunState);
  private source: EventSource | null = null;
  private runId: string | null = null;
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;

  get currentRunId() {
    return this.runId;
  }

  /** Show a run (null clears the canvas of run state). */
  async show(runId: string | null): Promise<void> {
    this.stop();
    this.runId = runId;
    if (!runId) {
      this.state.set(emptyRunState);
      return;
    }
    this.state.set({ ...emptyRunState, stream: "connecting" });
    const [run, logs] = await Promise.all([api.getRun(runId), api.runLogs(runId).catch(() => [])]);
    if (this.runId !== runId) return;
    this.state.set({ ...withRun(emptyRunState, run), logs, stream: isFinal(run.status) ? "closed" : "connecting" });
    if (!isFinal(run.status)) this.listen(runId);
  }

  /** Start listening again (after a retry made a finished run active). */
  resume() {
    if (this.runId && !this.source) this.listen(this.runId);
  }

  stop() {
    this.source?.close();
    this.source = null;
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    this.refetchTimer = null;
  }

  destroy() {
    this.stop();
    this.runId = null;
  }

  private listen(runId: string) {
    const es = new EventSource(runEventsUrl(runId));
    this.source = es;
    const alive = () => this.source === es && this.runId === runId;
    es.onopen = () => alive() && this.patch({ stream: "live" });
    es.onerror = () => {
      if (!alive()) return;
      // CLOSED means the server refused (404): stop; otherwise EventSource retries by itself.
      if (es.readyState === EventSource.CLOSED) {
        this.source = null;
        this.patch({ stream: "closed" });
      } else this.patch({ stream: "reconnecting" });
    };
    es.addEventListener("snapshot", (e) => {
      if (!alive()) return;
      const run = parse(e as MessageEvent) as RunView | null;
      if (run && run.id === runId) this.state.set((s) => ({ ...withRun(s, run), stream: "live" }));
      this.closeIfFinal();
    });
    const onEvent = (e: Event) => {
      if (!alive()) return;
      const parsed = RunEventSchema.safeParse(parse(e as MessageEvent));
      if (!parsed.success) return;
      const event = parsed.data;
      this.state.set((s) => applyEvent(s, event));
      if (event.kind === "node" && ["succeeded", "cached", "failed", "waiting", "skipped", "canceled"].includes(event.status)) this.scheduleRefetch();
      if (event.kind === "run" && isFinal(event.status)) this.scheduleRefetch(0);
    };
    for (const name of ["node", "run", "log", "message"]) es.addEventListener(name, onEvent);
  }

  private closeIfFinal() {
    const run = this.state.get().run;
    if (run && isFinal(run.status)) {
      this.source?.close();
      this.source = null;
      this.patch({ stream: "closed" });
    }
  }

  /** Outputs and errors come with the full run: fetch it shortly after nodes finish (batched). */
  private scheduleRefetch(ms = 250) {
    if (this.refetchTimer) clearTimeout(this.refetchTimer);
    const runId = this.runId;
    this.refetchTimer = setTimeout(async () => {
      this.refetchTimer = null;
      if (!runId) return;
      try {
        const run = await api.getRun(runId);
        if (this.runId !== runId) return;
        this.state.set((s) => withRun(s, run));
        this.closeIfFinal();
      } catch {
        // the stream goes on; the next finished node fetches again
      }
    }, ms);
  }

  private patch(p: Partial<RunState>) {
    this.state.set((s) => ({ ...s, ...p }));
  }
}

function parse(e: MessageEvent): unknown {
  try {
    return JSON.parse(String(e.data));
  } catch {
    return null;
  }
}
