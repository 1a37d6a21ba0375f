/**
 * Per-provider concurrency limits within one worker process (e.g. at most 2 Replicate calls at
 * once), on top of the run's own `settings.concurrency`. A waiting item holds no database lock.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(go);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal!.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(go);
    });
    this.active++;
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.();
    };
  }
}

export class ProviderLimits {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(limits: Record<string, number> = {}) {
    for (const [provider, n] of Object.entries(limits)) {
      if (n >= 1) this.semaphores.set(provider, new Semaphore(Math.floor(n)));
    }
  }

  /** Wait for a slot of `provider` (no limit configured: immediately). */
  acquire(provider: string | null, signal?: AbortSignal): Promise<() => void> {
    const s = provider ? this.semaphores.get(provider) : undefined;
    return s ? s.acquire(signal) : Promise.resolve(() => {});
  }
}

/** Limits from the environment: GENJED_PROVIDER_LIMITS="replicate=2,local=2". */
export function providerLimitsFromEnv(value = process.env.GENJED_PROVIDER_LIMITS): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (value ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, n] = part.split("=");
    const limit = Number(n);
    if (!name || !Number.isInteger(limit) || limit < 1) throw new Error(`GENJED_PROVIDER_LIMITS: "${part}" should look like replicate=2`);
    out[name.trim()] = limit;
  }
  return out;
}
