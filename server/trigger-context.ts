/**
 * What the trigger routes, the calendar, the webhook receiver and the trigger scheduler loop share:
 * the trigger subsystem's environment built from the server's deps, the audit of runs a trigger
 * starts, the workspace scope of a request and the mapping of trigger errors to answers. A module
 * of its own so route modules do not import each other.
 */
import type { Context } from "hono";
import type { Queryable } from "../db/index.js";
import { createMediaStorage } from "../services/storage.js";
import { ScheduleError, TriggerConfigError, WebhookSecretsUnavailableError, type TriggerEnv, type TriggerRunStarted } from "../services/triggers/index.js";
import { writeAudit } from "./auth/audit.js";
import { authOf } from "./auth/middleware.js";
import type { ServerDeps } from "./deps.js";
import { ApiError, handleError } from "./errors.js";

export const triggerEnv = (deps: ServerDeps, now: () => Date = () => new Date()): TriggerEnv => ({
  database: deps.database,
  registry: deps.registry,
  now,
  log: (m) => console.log(`[triggers] ${m}`),
  media: createMediaStorage({ root: deps.mediaRoot, sql: deps.database.sql }),
  secretKey: deps.auth?.secretKey ?? null,
  onRunStarted: auditTriggerRun,
});

/** A run a trigger started is audited like one a person started, with the trigger as the actor. */
export function auditTriggerRun(q: Queryable, s: TriggerRunStarted): Promise<void> {
  return writeAudit(q, {
    workspaceId: s.workspaceId,
    actor: `trigger:${s.triggerId}`,
    action: "run.start",
    target: s.runId,
    details: {
      graphId: s.graphId,
      versionId: s.versionId,
      budgetUsd: s.budgetUsd,
      trigger: { id: s.triggerId, kind: s.triggerKind, name: s.triggerName, fireId: s.fireId, scheduledFor: s.scheduledFor },
    },
  });
}

/** Trigger settings errors answer 400 naming the field; everything else goes to the shared handler. */
export function triggerErrors(err: Error, c: Context) {
  if (err instanceof TriggerConfigError) return handleError(new ApiError(400, "INVALID_TRIGGER", err.message, { field: err.field }), c);
  if (err instanceof ScheduleError) return handleError(new ApiError(400, "INVALID_TRIGGER", `${err.field}: ${err.message}`, { field: err.field }), c);
  if (err instanceof WebhookSecretsUnavailableError) return handleError(new ApiError(503, "SECRETS_UNAVAILABLE", err.message), c);
  return handleError(err, c);
}
