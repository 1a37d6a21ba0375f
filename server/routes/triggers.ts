/**
 * Trigger API: GET/POST /api/graphs/:id/triggers, GET/PATCH/DELETE /api/triggers/:id,
 * GET /api/triggers/:id/fires (history: the run each fire started, why any was skipped),
 * POST /api/triggers/:id/secret (rotate a webhook secret), GET /api/triggers/cron-preview (the
 * schedule in words and its next fire times, before saving). The scheduler loop is
 * server/background/trigger-scheduler.ts.
 */
import { Hono, type Context } from "hono";
import { getGraph } from "../../services/graphs.js";
import {
  createTrigger,
  deleteTrigger,
  describeCron,
  cronTimesAfter,
  describeInstant,
  getTrigger,
  listFires,
  listTriggers,
  rotateSecret,
  ScheduleError,
  triggerView,
  updateTrigger,
  validateCron,
  type TriggerEnv,
} from "../../services/triggers/index.js";
import { CreateTriggerBodySchema, CronPreviewQuerySchema, UpdateTriggerBodySchema, type CronPreview } from "../../schemas/triggers.js";
import type { RouteModule } from "../app.js";
import { writeAudit } from "../auth/audit.js";
import { authOf } from "../auth/middleware.js";
import { clientIp } from "../auth/request.js";
import type { AccessRule } from "../auth/policy.js";
import type { ServerDeps } from "../deps.js";
import { z } from "zod";
import { ApiError, notFound } from "../errors.js";
import { idParam, intQuery, route } from "../route.js";
import { scopeOf } from "../auth/scope.js";
import { triggerEnv, triggerErrors } from "../trigger-context.js";

const rule = (method: AccessRule["method"], path: string, access: AccessRule["access"]): AccessRule => ({ method, path, access });

/** Reading triggers is for anyone in the workspace; creating, changing and firing them spends, so editors. */
export const GRAPH_TRIGGER_ACCESS: AccessRule[] = [rule("GET", "/:id/triggers", "viewer"), rule("POST", "/:id/triggers", "editor")];
export const TRIGGER_ACCESS: AccessRule[] = [
  rule("GET", "/cron-preview", "viewer"),
  rule("GET", "/:id", "viewer"),
  rule("PATCH", "/:id", "editor"),
  rule("DELETE", "/:id", "editor"),
  rule("GET", "/:id/fires", "viewer"),
  rule("POST", "/:id/secret", "editor"),
];

/**
 * Who changed which trigger, for the workspace's audit log. Names fields, not values: configs and
 * overrides can carry feed URLs and inputs that are not the log's business (nor, ever, the secret).
 */
function auditTrigger(deps: ServerDeps, c: Context, action: string, t: { id: string; graphId: string; kind: string; name: string }, details: Record<string, unknown> = {}) {
  const a = authOf(c);
  return writeAudit(deps.database.sql, {
    workspaceId: a.workspace.id,
    user: a.user,
    action,
    target: t.id,
    details: { graphId: t.graphId, kind: t.kind, name: t.name, ...details },
    ip: clientIp(c, deps.auth ?? { trustProxy: false }),
  });
}

const GraphParams = z.object({ id: idParam("graph") });
const TriggerParams = z.object({ id: idParam("trigger") });
const FiresQuery = z.object({
  limit: intQuery({ min: 1, max: 10_000, default: 50 }),
  before: z.iso.datetime({ offset: true, message: "must be an ISO date-time, e.g. 2026-01-31T12:00:00Z" }).optional(),
});

/** GET/POST /:id/triggers, mounted under /api/graphs. `env` gives the clock (tests pass a fake one). */
export function createGraphTriggerApp(deps: ServerDeps, env: () => TriggerEnv = () => triggerEnv(deps)): Hono {
  const app = new Hono();
  app.onError(triggerErrors);

  route(app, { method: "GET", path: "/:id/triggers", summary: "Triggers of a graph", params: GraphParams }, async (c, { params: { id } }) => {
    if (!(await getGraph(deps.database, id, scopeOf(c)))) throw notFound("graph", id);
    const e = env();
    const now = e.now();
    return c.json((await listTriggers(e, scopeOf(c), { graphId: id })).map((t) => triggerView(t, now)));
  });

  route(app, { method: "POST", path: "/:id/triggers", summary: "Add a trigger to a graph", params: GraphParams, body: CreateTriggerBodySchema }, async (c, { params: { id }, body }) => {
    const created = await createTrigger(env(), id, body, scopeOf(c));
    if (!created) throw notFound("graph", id);
    await auditTrigger(deps, c, "trigger.create", created, { enabled: created.enabled });
    return c.json(created, 201);
  });
  return app;
}

/** /api/triggers/... */
export function createTriggerApp(deps: ServerDeps, env: () => TriggerEnv = () => triggerEnv(deps)): Hono {
  const app = new Hono();
  app.onError(triggerErrors);

  route(app, { method: "GET", path: "/cron-preview", summary: "A cron schedule in words and its next times", query: CronPreviewQuerySchema }, (c, { query: q }) => {
    let expression: string;
    try {
      expression = validateCron(q.expression, q.timezone);
    } catch (err) {
      if (err instanceof ScheduleError) throw new ApiError(400, "INVALID_CRON", err.message, { field: err.field });
      throw err;
    }
    const next = cronTimesAfter(expression, q.timezone, env().now(), { count: q.count });
    const preview: CronPreview = {
      expression,
      description: describeCron(expression),
      next: next.map((at) => ({ at: at.toISOString(), local: describeInstant(at, q.timezone) })),
    };
    return c.json(preview);
  });

  /** The trigger, if it exists in the caller's workspace. */
  const triggerIn = async (c: Context, id: string) => {
    const t = await getTrigger(env(), id, scopeOf(c));
    if (!t) throw notFound("trigger", id);
    return t;
  };

  route(app, { method: "GET", path: "/:id", summary: "A trigger", params: TriggerParams }, async (c, { params }) => c.json(triggerView(await triggerIn(c, params.id), env().now())));

  route(app, { method: "PATCH", path: "/:id", summary: "Change a trigger", params: TriggerParams, body: UpdateTriggerBodySchema }, async (c, { params, body }) => {
    const { id } = await triggerIn(c, params.id);
    const t = await updateTrigger(env(), id, body, scopeOf(c));
    if (!t) throw notFound("trigger", id);
    await auditTrigger(deps, c, "trigger.update", t, { fields: Object.keys(body), ...(body.enabled === undefined ? {} : { enabled: body.enabled }) });
    return c.json(t);
  });

  route(app, { method: "DELETE", path: "/:id", summary: "Delete a trigger", params: TriggerParams }, async (c, { params }) => {
    const t = await triggerIn(c, params.id);
    if (!(await deleteTrigger(env(), t.id, scopeOf(c)))) throw notFound("trigger", t.id);
    await auditTrigger(deps, c, "trigger.delete", t);
    return c.body(null, 204);
  });

  route(app, { method: "GET", path: "/:id/fires", summary: "A trigger's fires, newest first", params: TriggerParams, query: FiresQuery }, async (c, { params, query }) => {
    const { id } = await triggerIn(c, params.id);
    return c.json(await listFires(env(), id, scopeOf(c), { limit: query.limit, before: query.before ? new Date(query.before) : undefined }));
  });

  route(app, { method: "POST", path: "/:id/secret", summary: "Rotate a webhook trigger's signing secret", params: TriggerParams }, async (c, { params }) => {
    const t = await triggerIn(c, params.id);
    const id = t.id;
    if (t.kind !== "webhook") throw new ApiError(409, "NOT_A_WEBHOOK", `trigger is a ${t.kind} trigger; only webhooks have a secret`);
    const rotated = await rotateSecret(env(), id, scopeOf(c));
    if (!rotated) throw notFound("trigger", id);
    await auditTrigger(deps, c, "trigger.rotate_secret", t);
    return c.json(rotated);
  });
  return app;
}

export const graphTriggerRoutes: RouteModule = (deps) => ({ prefix: "graphs", app: createGraphTriggerApp(deps), access: GRAPH_TRIGGER_ACCESS });
export const triggerRoutes: RouteModule = (deps) => ({ prefix: "triggers", app: createTriggerApp(deps), access: TRIGGER_ACCESS });
