/** GET /api/alerts: the alert rules with their current readings, and the alerts they fired, for the caller's workspace. */
import { Hono } from "hono";
import { listAlerts, ruleStates } from "../../engine/alerts.js";
import type { ServerDeps } from "../deps.js";
import { authOf } from "../auth/middleware.js";
import { ApiError } from "../errors.js";
import { generationTypesOf } from "../services/alert-evaluator.js";

export function alertRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { sql } = deps.database;
  app.get("/", async (c) => {
    const status = c.req.query("status") ?? "all";
    if (status !== "firing" && status !== "resolved" && status !== "all") throw new ApiError(400, "INVALID_QUERY", `status must be firing, resolved or all; got "${status}"`);
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
