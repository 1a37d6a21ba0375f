/** In-process registry of running node items, so a cancel event can abort them. */
export class AbortRegistry {
  private readonly byRun = new Map<string, Set<AbortController>>();

  register(runId: string): { signal: AbortSignal; release(): void } {
    const controller = new AbortController();
    let set = this.byRun.get(runId);
    if (!set) this.byRun.set(runId, (set = new Set()));
    set.add(controller);
    return {
      signal: controller.signal,
      release: () => {
        set!.delete(controller);
        if (set!.size === 0) this.byRun.delete(runId);
      },
    };
  }

  abortRun(runId: string, reason: string): number {
    const set = this.byRun.get(runId);
    if (!set) return 0;
    for (const c of set) c.abort(new Error(reason));
    return set.size;
  }

  abortAll(reason: string): void {
    for (const runId of this.byRun.keys()) this.abortRun(runId, reason);
  }
}
