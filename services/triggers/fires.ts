/**
 * Fires: one row per fire time, webhook delivery or feed change set (unique per trigger, so racing
 * schedulers record it once), and the dispatch that turns a fire into a run under the trigger's
 * overlap policy. Dispatch holds the fire row and the trigger row while it decides, so two fires of
 * one trigger never both see "no run going" and both start.
 */
import { toJsonb, type Queryable } from "../../db/index.js";
import { graphs } from "../../db/schema.js";
import { eq } from "drizzle-orm";
import type { GraphDocument } from "../../schemas/index.js";
import type { FireStatus } from "../../schemas/triggers.js";
import { createVersion, getVersion, latestVersion, type VersionRecord } from "../graphs.js";
import { RunInputError, startRunFromDocument } from "../../engine/runs.js";
import { lockTrigger, type TriggerEnv, type TriggerRow } from "./env.js";
import { iso } from "../../lib/time.js";
import { systemScope } from "../../lib/scope.js";

/** Firing runs a trigger's own graph: the trigger row already names it, whatever its workspace. */
const FIRE_SCOPE = systemScope("trigger fire: resolves the version of the trigger's own graph");
import { mergeOverrides, type Overrides } from "./inputs.js";

export interface NewFire {
  triggerId: string;
  dedupeKey: string;
  status: FireStatus;
  reason?: string | null;
  scheduledFor?: Date | null;
  firedAt: Date;
  overrides?: Overrides;
  detail?: unknown;
}

/** The fire's id, or null when this trigger already has a fire with that key (a race or a replay). */
export async function insertFire(q: Queryable, f: NewFire): Promise<string | null> {
  const [row] = await q<{ id: string }[]>`
    insert into trigger_fires (trigger_id, dedupe_key, status, reason, scheduled_for, fired_at, overrides, detail)
    values (${f.triggerId}, ${f.dedupeKey}, ${f.status}, ${f.reason ?? null}, ${iso(f.scheduledFor)}::timestamptz, ${iso(f.firedAt)}::timestamptz,
            ${toJsonb(f.overrides ?? {})}::jsonb, ${toJsonb(f.detail ?? null)}::jsonb)
    on conflict (trigger_id, dedupe_key) do nothing
    returning id`;
  return row?.id ?? null;
}

export type DispatchOutcome = { status: "started"; runId: string; reason: string | null } | { status: "queued" | "skipped" | "failed" | "pending"; runId: null; reason: string | null };

/** A start that cannot succeed by trying again: no saved document, a graph that does not compile. */
export class PermanentStartError extends Error {}

/** Attempts at starting a run before a fire is marked failed (transient errors: database, storage). */
const MAX_START_ATTEMPTS = 5;

/** Statuses of a run that is still going: overlap policies wait for these. */
const ACTIVE_RUN = ["queued", "running", "waiting"];

/** The immutable version a trigger runs: its pinned one, or the latest saved (a first snapshot when none was saved). */
export async function resolveVersion(env: TriggerEnv, trigger: Pick<TriggerRow, "graphId" | "versionId">): Promise<VersionRecord> {
  if (trigger.versionId) {
    const v = await getVersion(env.database, trigger.graphId, trigger.versionId, FIRE_SCOPE);
    if (!v) throw new PermanentStartError(`the pinned version ${trigger.versionId} no longer exists`);
    return v;
  }
  const latest = await latestVersion(env.database, trigger.graphId, FIRE_SCOPE);
  if (latest) return latest;
  const [g] = await env.database.db.select({ document: graphs.document }).from(graphs).where(eq(graphs.id, trigger.graphId));
  if (!g) throw new PermanentStartError("the graph no longer exists");
  const created = await createVersion(env.database, trigger.graphId, g.document as GraphDocument, FIRE_SCOPE, "snapshot for trigger");
  if (!created) throw new PermanentStartError("the graph no longer exists");
  return created;
}

/**
 * Start the fire's run, or record why not (overlap: skipped or queued; start failure: failed).
 * Returns null when the fire is not open or another process holds it.
 */
export async function dispatchFire(env: TriggerEnv, fireId: string): Promise<DispatchOutcome | null> {
  const { sql } = env.database;
  return sql.begin(async (tx) => {
    const [fire] = await tx<
      { id: string; triggerId: string; status: FireStatus; reason: string | null; overrides: Overrides; scheduledFor: string | null; firedAt: string; createdAt: string; attempts: number }[]
    >`
      select id, trigger_id as "triggerId", status, reason, overrides, scheduled_for as "scheduledFor", fired_at as "firedAt",
             created_at as "createdAt", attempts
      from trigger_fires where id = ${fireId} and status in ('pending', 'queued') for update skip locked`;
    if (!fire) return null;
    const trigger = await lockTrigger(tx, fire.triggerId);
    if (!trigger) return null;
    const settle = async (status: FireStatus, reason: string | null, runId: string | null = null, attempt = false) => {
      await tx`update trigger_fires set status = ${status}, reason = ${reason}, run_id = ${runId}, attempts = attempts + ${attempt ? 1 : 0} where id = ${fireId}`;
      if (runId) {
        await tx`update triggers set last_fired_at = ${iso(env.now())}::timestamptz where id = ${trigger.id}`;
        await reportStart(tx, env, trigger, { id: fireId, scheduledFor: iso(fire.scheduledFor) }, runId);
      }
      return (runId ? { status: "started", runId, reason } : { status, runId: null, reason }) as DispatchOutcome;
    };

    // Started before a crash lost this row's update? The run records its fire.
    const [earlier] = await tx<{ id: string }[]>`
      select id from runs where created_at >= ${iso(fire.createdAt)}::timestamptz and trigger->>'fireId' = ${fireId} limit 1`;
    if (earlier) return settle("started", fire.reason, earlier.id);
    if (!trigger.enabled && fire.status === "queued") return { status: "queued", runId: null, reason: "the trigger is paused" };

    if (trigger.overlap !== "allow") {
      const [active] = await tx<{ id: string; status: string }[]>`
        select r.id, r.status from trigger_fires f join runs r on r.id = f.run_id
        where f.trigger_id = ${trigger.id} and r.status = any(${ACTIVE_RUN}::text[])
        order by r.created_at limit 1`;
      // Queued fires start in the order they came.
      const [ahead] =
        trigger.overlap === "queue"
          ? await tx`
              select 1 from trigger_fires where trigger_id = ${trigger.id} and status = 'queued' and id <> ${fireId}
                and (fired_at, created_at) < (${iso(fire.firedAt)}::timestamptz, ${iso(fire.createdAt)}::timestamptz) limit 1`
          : [];
      if (active && trigger.overlap === "skip") return settle("skipped", `previous run ${active.id} is still ${active.status} (overlap policy: skip)`);
      if (active || ahead) {
        const why = active ? `waiting for run ${active.id} (still ${active.status}) to finish` : "waiting for earlier queued fires";
        return settle("queued", `${why} (overlap policy: queue)`);
      }
    }

    try {
      const version = await resolveVersion(env, trigger);
      const { runId } = await startRunFromDocument(sql, env.registry, {
        document: version.document,
        graphId: trigger.graphId,
        versionId: version.id,
        budgetUsd: trigger.budgetUsd,
        overrides: mergeOverrides(trigger.overrides as Overrides, fire.overrides),
        trigger: {
          kind: trigger.kind,
          triggerId: trigger.id,
          triggerName: trigger.name,
          fireId,
          scheduledFor: iso(fire.scheduledFor),
          channel: trigger.channel,
        },
      });
      // A queued fire's "waiting for..." note is done; keep a catch-up note.
      return settle("started", fire.status === "queued" ? null : fire.reason, runId, true);
    } catch (err) {
      if (err instanceof RunInputError) {
        const details = err.errors.slice(0, 3).map((e) => e.message).join("; ");
        return settle("failed", `the graph cannot run: ${details || err.message}`, null, true);
      }
      if (err instanceof PermanentStartError) return settle("failed", err.message, null, true);
      const message = `starting the run failed: ${(err as Error).message}`;
      if (fire.attempts + 1 >= MAX_START_ATTEMPTS) return settle("failed", `${message} (gave up after ${MAX_START_ATTEMPTS} attempts)`, null, true);
      env.log?.(`trigger ${trigger.id}: ${message}; will retry`);
      return settle(fire.status, message, null, true);
    }
  });
}

/** Tell the server a fire started its run (for the audit log), in the fire's transaction. */
async function reportStart(tx: Queryable, env: TriggerEnv, trigger: TriggerRow, fire: { id: string; scheduledFor: string | null }, runId: string): Promise<void> {
  if (!env.onRunStarted) return;
  const [run] = await tx<{ workspaceId: string | null; versionId: string | null }[]>`
    select workspace_id as "workspaceId", version_id as "versionId" from runs where id = ${runId}`;
  await env.onRunStarted(tx, {
    runId,
    workspaceId: run?.workspaceId ?? null,
    triggerId: trigger.id,
    triggerKind: trigger.kind,
    triggerName: trigger.name,
    fireId: fire.id,
    graphId: trigger.graphId,
    versionId: run?.versionId ?? null,
    scheduledFor: fire.scheduledFor,
    budgetUsd: trigger.budgetUsd,
  });
}

/** Open fires to (re)try: pending ones left by a crashed process, and queued ones whose turn may have come. */
export async function openFires(q: Queryable, o: { pendingBefore: Date; limit: number }): Promise<string[]> {
  const rows = await q<{ id: string }[]>`
    (select f.id, f.fired_at from trigger_fires f where f.status = 'pending' and f.fired_at < ${iso(o.pendingBefore)}::timestamptz order by f.fired_at limit ${o.limit})
    union all
    (select distinct on (f.trigger_id) f.id, f.fired_at from trigger_fires f join triggers t on t.id = f.trigger_id
     where f.status = 'queued' and t.enabled order by f.trigger_id, f.fired_at, f.created_at limit ${o.limit})`;
  return rows.map((r) => r.id);
}
