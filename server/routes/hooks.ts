/**
 * POST /hooks/:triggerId: deliveries to webhook triggers, mounted at the root (not under /api) so
 * the URL senders are given stays short and outside the session-authenticated API.
 * Answers: 202 with the run id (or why it is queued/skipped), 401 bad signature (or a secret that
 * no longer decrypts), 400 bad body naming the field, 409 replayed or paused, 404 unknown trigger,
 * 503 when the server has no secrets key. Only a 202 records anything.
 */
import { Hono } from "hono";
import { z } from "zod";
import { receiveWebhook, SIGNATURE_HEADER, type TriggerEnv } from "../../services/triggers/index.js";
import type { RouteModule } from "../app.js";
import { errorResponse, handleError } from "../errors.js";
import { idParam, route } from "../route.js";
import { triggerEnv } from "../trigger-context.js";

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function createHookApp(env: () => TriggerEnv): Hono {
  const app = new Hono();
  app.onError(handleError);
  route(
    app,
    {
      method: "POST",
      path: "/:triggerId",
      summary: "Deliver a signed webhook: starts the trigger's graph",
      params: z.object({ triggerId: idParam("webhook trigger") }),
      // The signature covers the exact bytes, so the handler reads them; the trigger's mappings check the JSON.
      body: z.unknown(),
      rawBody: true,
      bodyLimit: MAX_BODY_BYTES,
    },
    async (c, { params: { triggerId: id } }) => {
      const raw = Buffer.from(await c.req.arrayBuffer());
      const r = await receiveWebhook(env(), id, raw, c.req.header(SIGNATURE_HEADER));
      switch (r.kind) {
        case "not-found":
          return errorResponse(c, 404, "NOT_FOUND", `webhook trigger "${id}" does not exist`);
        case "unauthorized":
          return errorResponse(c, 401, "INVALID_SIGNATURE", r.reason);
        case "unavailable":
          return errorResponse(c, 503, "SECRETS_UNAVAILABLE", "this server has no secrets key, so it cannot check signatures; nothing was started");
        case "paused":
          return errorResponse(c, 409, "TRIGGER_PAUSED", "the trigger is paused; nothing was started");
        case "replayed":
          return errorResponse(c, 409, "REPLAYED", "this delivery was already received (same signature); nothing was started");
        case "bad-body":
          return errorResponse(c, 400, "INVALID_BODY", r.message, { field: r.field, errors: r.errors });
        case "graph-invalid":
          return errorResponse(c, 422, "GRAPH_INVALID", `the graph cannot run, so nothing was started: ${r.message}`, { errors: r.errors });
        case "accepted": {
          const { outcome } = r;
          if (outcome.status === "failed") return errorResponse(c, 500, "RUN_NOT_STARTED", outcome.reason ?? "the run could not be started", { fireId: r.fireId });
          return c.json({ fireId: r.fireId, runId: outcome.runId, status: outcome.status, reason: outcome.reason }, 202);
        }
      }
    },
  );
  return app;
}

/** Public: no session or token; each delivery proves itself with its trigger's HMAC signature. */
export const hookRoutes: RouteModule = (deps) => ({
  prefix: "hooks",
  atRoot: true,
  app: createHookApp(() => triggerEnv(deps)),
  access: [{ method: "POST", path: "/:triggerId", access: "public" }],
});
