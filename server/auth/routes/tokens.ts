/** Personal API tokens: GET/POST /api/tokens, DELETE /api/tokens/:id. The token is shown once, in the POST answer. */
import { Hono } from "hono";
import { z } from "zod";
import type { ServerDeps } from "../../deps.js";
import { notFound } from "../../errors.js";
import { idParam, route } from "../../route.js";
import { createApiToken, deleteApiToken, listApiTokens } from "../api-tokens.js";
import { writeAudit } from "../audit.js";
import { identityOf } from "../middleware.js";
import { clientIp } from "../request.js";
import type { AuthSettings } from "../settings.js";

const CreateTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  /** Omitted: the token works until it is deleted. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export function tokenRoutes(deps: ServerDeps, settings: AuthSettings) {
  const app = new Hono();
  const { sql } = deps.database;

  route(app, { method: "GET", path: "/", summary: "Your API tokens" }, async (c) => c.json(await listApiTokens(sql, identityOf(c).user.id)));

  route(app, { method: "POST", path: "/", summary: "Create an API token (shown once)", body: CreateTokenBody }, async (c, { body }) => {
    const { user } = identityOf(c);
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
    const created = await createApiToken(sql, user.id, { name: body.name, expiresAt });
    await writeAudit(sql, { user, action: "token.create", target: created.id, details: { name: created.name, last4: created.last4 }, ip: clientIp(c, settings) });
    return c.json(created, 201);
  });

  route(app, { method: "DELETE", path: "/:id", summary: "Revoke an API token", params: z.object({ id: idParam("token") }) }, async (c, { params: { id } }) => {
    const { user } = identityOf(c);
    const gone = await deleteApiToken(sql, user.id, id);
    if (!gone) throw notFound("token", id);
    await writeAudit(sql, { user, action: "token.delete", target: id, details: { name: gone.name, last4: gone.last4 }, ip: clientIp(c, settings) });
    return c.body(null, 204);
  });

  return app;
}
