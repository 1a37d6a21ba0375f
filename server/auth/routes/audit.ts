/** GET /api/audit: the current workspace's audit trail, newest first (owners). */
import { Hono } from "hono";
import type { ServerDeps } from "../../deps.js";
import { ApiError } from "../../errors.js";
import { listAudit } from "../audit.js";
import { authOf } from "../middleware.js";

export function auditRoutes(deps: ServerDeps) {
  const app = new Hono();
  app.get("/", async (c) => {
    const limit = Number(c.req.query("limit") ?? 100);
    if (!Number.isInteger(limit) || limit < 1) throw new ApiError(400, "INVALID_QUERY", "limit must be a positive integer");
    const before = c.req.query("before");
    const beforeId = before === undefined ? undefined : Number(before);
    if (beforeId !== undefined && !Number.isInteger(beforeId)) throw new ApiError(400, "INVALID_QUERY", "before must be an entry id");
    return c.json(await listAudit(deps.database.sql, authOf(c).workspace.id, { limit, beforeId, action: c.req.query("action") }));
  });
  return app;
}
