/** GET /api/alerts: the alert rules with their current readings, and the alerts they fired, for the caller's workspace. */
import { Hono } from "hono";
import { listAlerts, ruleStates } from "../../services/alerts.js";
import type { ServerDeps } from "../deps.js";
import { authOf } from "../auth/middleware.js";
import { z } from "zod";
import { route } from "../route.js";
import { generationTypesOf } from "../background/alert-evaluator.js";

const AlertsQuery = z.object({
  status: z.enum(["firing", "resolved", "all"], { error: (i) => `must be firing, resolved or all; got ${JSON.stringify(i.input)}` }).default("all"),
});

export function alertRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { sql } = deps.database;
  route(app, { method: "GET", path: "/", summary: "Alert rules with their readings, and the alerts they fired", query: AlertsQuery }, async (c, { query: { status } }) => {
    const workspaceId = authOf(c).workspace.id;
    const [alerts, rules] = await Promise.all([
      listAlerts(sql, { workspaceId, status }),
      ruleStates(sql, { generationTypes: generationTypesOf(deps.registry), workspaceId }),
    ]);
    return c.json({ alerts, rules });
  });
  return app;
}

export const alertFeature = (deps: ServerDeps) => ({
  prefix: "alerts",
  app: alertRoutes(deps),
  access: [{ method: "GET" as const, path: "/", access: "viewer" as const }],
});
