/**
 * Workspace secrets, write-only: GET /api/workspaces/:id/secrets lists names and last four
 * characters; PUT .../secrets/:name sets a value; DELETE removes it. No route returns a value.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ServerDeps } from "../../deps.js";
import { ApiError, notFound } from "../../errors.js";
import { idParam, route } from "../../route.js";
import { writeAudit } from "../audit.js";
import { authOf } from "../middleware.js";
import { clientIp } from "../request.js";
import type { AuthSettings } from "../settings.js";
import { deleteSecret, listSecrets, MAX_SECRET_BYTES, putSecret, SECRET_NAME } from "../../../services/secrets/workspace-secrets.js";

const PutSecretBody = z.object({
  value: z
    .string()
    .min(1, "must not be empty")
    .refine((v) => Buffer.byteLength(v, "utf8") <= MAX_SECRET_BYTES, `must be at most ${MAX_SECRET_BYTES / 1024} KiB`),
});

const WorkspaceParams = z.object({ id: idParam("workspace") });
// The name's own rule is checked by secretName (400 with the naming rule); here only its size.
const SecretParams = z.object({ id: idParam("workspace"), name: z.string().max(200) });

function secretName(name: string): string {
  if (!SECRET_NAME.test(name)) {
    throw new ApiError(400, "INVALID_SECRET_NAME", `secret name "${name.slice(0, 80)}" must be upper-case letters, digits and _ starting with a letter (like REPLICATE_API_TOKEN), at most 64 characters`);
  }
  return name;
}

export function secretRoutes(deps: ServerDeps, settings: AuthSettings) {
  const app = new Hono();
  const { sql } = deps.database;
  const key = () => {
    if (!settings.secretKey) throw new ApiError(503, "SECRETS_UNAVAILABLE", "this server was started without a secrets key, so it cannot store secrets");
    return settings.secretKey;
  };

  route(app, { method: "GET", path: "/:id/secrets", summary: "Secret names and last four characters", params: WorkspaceParams }, async (c) => c.json(await listSecrets(sql, authOf(c).workspace.id)));

  route(app, { method: "PUT", path: "/:id/secrets/:name", summary: "Set a secret", params: SecretParams, body: PutSecretBody }, async (c, { params, body }) => {
    const a = authOf(c);
    const name = secretName(params.name);
    const saved = await sql.begin(async (tx) => {
      const s = await putSecret(tx, key(), { workspaceId: a.workspace.id, name, value: body.value, userId: a.user.id });
      // The audit entry names the secret and who set it; never the value (not even its last four).
      await writeAudit(tx, { workspaceId: a.workspace.id, user: a.user, action: "secret.set", target: name, details: { created: s.created }, ip: clientIp(c, settings) });
      return s;
    });
    const { created, ...info } = saved;
    return c.json(info, created ? 201 : 200);
  });

  route(app, { method: "DELETE", path: "/:id/secrets/:name", summary: "Remove a secret", params: SecretParams }, async (c, { params }) => {
    const a = authOf(c);
    const name = secretName(params.name);
    if (!(await deleteSecret(sql, a.workspace.id, name))) throw notFound("secret", name);
    await writeAudit(sql, { workspaceId: a.workspace.id, user: a.user, action: "secret.delete", target: name, ip: clientIp(c, settings) });
    return c.body(null, 204);
  });

  return app;
}
