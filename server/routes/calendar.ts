/**
 * Content calendar: GET /api/calendar?start=YYYY-MM-DD&days=7&timezone=Europe/Copenhagen
 * (scheduled, fired and published items per local day), POST /api/calendar/plan (content plan:
 * N days of scheduled runs per channel; `dryRun: true` previews).
 */
import { Hono } from "hono";
import { buildCalendar, createContentPlan, type TriggerEnv } from "../../engine/triggers/index.js";
import { CalendarQuerySchema, ContentPlanBodySchema } from "../../schemas/triggers.js";
import type { RouteModule } from "../app.js";
import { notFound, readJson } from "../errors.js";
import { parseQuery, triggerEnv, triggerErrors } from "./triggers.js";

export function createCalendarApp(env: () => TriggerEnv): Hono {
  const app = new Hono();
  app.onError(triggerErrors);

  app.get("/", async (c) => c.json(await buildCalendar(env(), parseQuery(c, CalendarQuerySchema))));

  app.post("/plan", async (c) => {
    const body = await readJson(c, ContentPlanBodySchema);
    const plan = await createContentPlan(env(), body);
    if (!plan) throw notFound("graph", body.graphId);
    return c.json(plan, body.dryRun ? 200 : 201);
  });
  return app;
}

export const calendarRoutes: RouteModule = (deps) => ({ prefix: "calendar", app: createCalendarApp(() => triggerEnv(deps)) });
