/**
 * The trigger scheduler: turns due fire times into fires, polls due condition feeds, and retries
 * open fires (queued behind a running run, or left pending by a crashed process). Any number of
 * schedulers may run against one database: due triggers are claimed with SKIP LOCKED and every fire
 * is unique per trigger, so each fire time starts at most one run.
 * The clock is injected (env.now), so tests drive ticks with a fake one instead of waiting.
 */
import { isTerminalRunStatus, type RunStatus } from "../../schemas/index.js";
import type { RunEventHub } from "../../engine/events.js";
import { pollCondition, type PollResult } from "./condition.js";
import { lockDueTriggers, type TriggerEnv } from "./env.js";
import { iso } from "../../lib/time.js";
import { dispatchFire, insertFire, openFires, type DispatchOutcome } from "./fires.js";
import { planDueFires } from "./schedule.js";
import { timeScheduleOf } from "./store.js";

export interface SchedulerOptions {
  /** A fire time this late still runs as on time; older ones fall under the missed-fire policy. */
  graceMs?: number;
  /** A fire left pending this long (its process died mid-dispatch) is picked up again. */
  pendingRetryMs?: number;
  /** Triggers handled per tick and kind. */
  batch?: number;
  /** Feeds fetched at once. */
  pollConcurrency?: number;
}

export interface TickReport {
  fired: (DispatchOutcome | null)[];
  polled: PollResult[];
  drained: (DispatchOutcome | null)[];
}

export class TriggerScheduler {
  private readonly graceMs: number;
  private readonly pendingRetryMs: number;
  private readonly batch: number;
  private readonly pollConcurrency: number;
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly env: TriggerEnv,
    o: SchedulerOptions = {},
  ) {
    this.graceMs = o.graceMs ?? 60_000;
    this.pendingRetryMs = o.pendingRetryMs ?? 10_000;
    this.batch = o.batch ?? 100;
    this.pollConcurrency = o.pollConcurrency ?? 4;
  }

  /** Everything due at env.now(), once. Tests call this with a fake clock. */
  async tick(): Promise<TickReport> {
    const fired = await this.fireDue();
    const polled = await this.pollDue();
    const drained = await this.drain();
    return { fired, polled, drained };
  }

  /** Record the fires of cron and schedule triggers that came due, then start their runs. */
  async fireDue(): Promise<(DispatchOutcome | null)[]> {
    const now = this.env.now();
    const created = await this.env.database.sql.begin(async (tx) => {
      const ids: string[] = [];
      for (const t of await lockDueTriggers(tx, ["cron", "schedule"], now, this.batch)) {
        const s = timeScheduleOf(t)!;
        let plan: ReturnType<typeof planDueFires>;
        try {
          plan = planDueFires(s, new Date(t.nextFireAt!), now, { graceMs: this.graceMs, missedPolicy: s.config.missedPolicy });
        } catch (err) {
          // A stored schedule that no longer parses (a time zone gone from the runtime): stop it, say why.
          await tx`update triggers set next_fire_at = null, last_error = ${`schedule cannot be computed: ${(err as Error).message}`} where id = ${t.id}`;
          continue;
        }
        for (const f of plan.fires) {
          const id = await insertFire(tx, {
            triggerId: t.id,
            dedupeKey: `at:${f.scheduledFor.toISOString()}`,
            status: f.status,
            reason: f.reason,
            scheduledFor: f.scheduledFor,
            firedAt: now,
          });
          if (id && f.status === "pending") ids.push(id);
        }
        await tx`update triggers set next_fire_at = ${iso(plan.nextFireAt)}::timestamptz where id = ${t.id}`;
      }
      return ids;
    });
    const out: (DispatchOutcome | null)[] = [];
    for (const id of created) out.push(await dispatchFire(this.env, id));
    return out;
  }

  /** Claim due condition triggers (moving their next poll on), then poll them a few at a time. */
  async pollDue(): Promise<PollResult[]> {
    const now = this.env.now();
    const claimed = await this.env.database.sql.begin(async (tx) => {
      const rows = await lockDueTriggers(tx, ["condition"], now, this.batch);
      for (const t of rows) {
        const every = Number((t.config as { intervalSeconds?: number }).intervalSeconds ?? 300);
        await tx`update triggers set next_fire_at = ${iso(new Date(now.getTime() + every * 1000))}::timestamptz where id = ${t.id}`;
      }
      return rows;
    });
    const results: PollResult[] = [];
    const queue = [...claimed];
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) {
        try {
          const r = await pollCondition(this.env, t);
          if (r.fireId) await dispatchFire(this.env, r.fireId);
          results.push(r);
        } catch (err) {
          this.env.log?.(`trigger ${t.id}: poll failed: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.pollConcurrency, queue.length) }, worker));
    return results;
  }

  /** Queued fires whose turn may have come, and pending fires a dead process left behind. */
  async drain(): Promise<(DispatchOutcome | null)[]> {
    const pendingBefore = new Date(this.env.now().getTime() - this.pendingRetryMs);
    const ids = await openFires(this.env.database.sql, { pendingBefore, limit: this.batch });
    const out: (DispatchOutcome | null)[] = [];
    for (const id of ids) out.push(await dispatchFire(this.env, id));
    return out;
  }

  /**
   * Run in the background: fires and retries every `intervalMs`, feeds on their own loop (a slow
   * feed never delays a cron fire). With a hub, a finished run drains queued fires at once.
   */
  start(o: { intervalMs?: number; hub?: RunEventHub } = {}): void {
    const every = o.intervalMs ?? 1000;
    this.stopped = false;
    this.loop(async () => {
      await this.fireDue();
      await this.drain();
    }, every);
    this.loop(() => this.pollDue(), every);
    this.unsubscribe = o.hub?.subscribe((e) => {
      if (e.kind === "run" && isTerminalRunStatus(e.status as RunStatus)) this.track(this.drain());
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await Promise.allSettled([...this.running]);
  }

  private loop(step: () => Promise<unknown>, every: number): void {
    const next = () => {
      if (this.stopped) return;
      const t = setTimeout(async () => {
        this.timers = this.timers.filter((x) => x !== t);
        await this.track(step());
        next();
      }, every);
      this.timers.push(t);
    };
    next();
  }

  private async track(p: Promise<unknown>): Promise<void> {
    this.running.add(p);
    try {
      await p;
    } catch (err) {
      this.env.log?.(`trigger scheduler: ${(err as Error).message}`);
    } finally {
      this.running.delete(p);
    }
  }
}
