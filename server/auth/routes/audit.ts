/** GET /api/audit: the current workspace's audit trail, newest first (owners). */
import { Hono } from "hono";
import type { ServerDeps } from "../../deps.js";
import { z } from "zod";
import { Text } from "../../../schemas/text.js";
import { intQuery, route } from "../../route.js";
import { listAudit } from "../audit.js";
import { authOf } from "../middleware.js";

const AuditQuery = z.object({
  limit: intQuery({ min: 1, max: 10_000, default: 100 }),
  /** An entry id: the page ends before it. */
  before: z.string().regex(/^\d{1,15}$/, "must be an entry id").transform(Number).optional(),
  action: Text().max(100).optional(),
});

export function auditRoutes(deps: ServerDeps) {
  const app = new Hono();
  route(app, { method: "GET", path: "/", summary: "The workspace's audit trail, newest first", query: AuditQuery }, async (c, { query: { limit, before, action } }) => {
    return c.json(await listAudit(deps.database.sql, authOf(c).workspace.id, { limit, beforeId: before, action }));
  });
  return app;
}
