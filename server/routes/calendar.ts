/**
 * Content calendar: GET /api/calendar?start=YYYY-MM-DD&days=7&timezone=Europe/Copenhagen
 * (scheduled, fired and published items per local day), POST /api/calendar/plan (content plan:
 * N days of scheduled runs per channel; `dryRun: true` previews).
 */
import { Hono } from "hono";
import { buildCalendar, createContentPlan, type TriggerEnv } from "../../services/triggers/index.js";
import { CalendarQuerySchema, ContentPlanBodySchema } from "../../schemas/triggers.js";
import type { RouteModule } from "../app.js";
import type { AccessRule } from "../auth/policy.js";
import { notFound } from "../errors.js";
import { route } from "../route.js";
import { scopeOf } from "../auth/scope.js";
import { triggerEnv, triggerErrors } from "../trigger-context.js";

export function createCalendarApp(env: () => TriggerEnv): Hono {
  const app = new Hono();
  app.onError(triggerErrors);

  route(app, { method: "GET", path: "/", summary: "Scheduled, fired and published items per local day", query: CalendarQuerySchema }, async (c, { query }) =>
    c.json(await buildCalendar(env(), scopeOf(c), query)),
  );

  route(app, { method: "POST", path: "/plan", summary: "A content plan: days of scheduled runs per channel", body: ContentPlanBodySchema }, async (c, { body }) => {
    const plan = await createContentPlan(env(), body, scopeOf(c));
    if (!plan) throw notFound("graph", body.graphId);
    return c.json(plan, body.dryRun ? 200 : 201);
  });
  return app;
}

/** Anyone in the workspace sees the calendar; a content plan schedules runs, so editors. */
export const CALENDAR_ACCESS: AccessRule[] = [
  { method: "GET", path: "/", access: "viewer" },
  { method: "POST", path: "/plan", access: "editor" },
];

export const calendarRoutes: RouteModule = (deps) => ({ prefix: "calendar", app: createCalendarApp(() => triggerEnv(deps)), access: CALENDAR_ACCESS });
