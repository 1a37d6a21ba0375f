import { Hono, type Context } from "hono";
import { streamSSE } from "hono/streaming";
import { canonicalJson } from "../../lib/canonical-json.js";
import { createVersion, getGraph, getVersion, latestVersion } from "../../services/graphs.js";
import { cancelRun, getRun, getRunLogs, listRuns, retryNode, startRunFromDocument } from "../../engine/runs.js";
import { z } from "zod";
import { NodeIdSchema, StartRunBodySchema, type GraphDocument, type RunEvent } from "../../schemas/index.js";
import { writeAudit } from "../auth/audit.js";
import { authOf } from "../auth/middleware.js";
import { scopeOf } from "../auth/scope.js";
import type { Scope } from "../../lib/scope.js";
import { clientIp } from "../auth/request.js";
import type { ServerDeps } from "../deps.js";
import { ApiError, notFound } from "../errors.js";
import { DOCUMENT_BODY_LIMIT, idParam, intQuery, route } from "../route.js";
import { currentDocument } from "../graph-document.js";

/**
 * The immutable version a run of a saved graph executes: the pinned one, or a snapshot of the
 * current document (reusing the latest version when nothing changed since).
 */
export async function versionForRun(deps: ServerDeps, graphId: string, versionId: string | undefined, scope: Scope) {
  if (versionId) {
    if (!(await getGraph(deps.database, graphId, scope))) throw notFound("graph", graphId);
    const v = await getVersion(deps.database, graphId, versionId, scope);
    if (!v) throw notFound("version", versionId);
    return v;
  }
  const document = await currentDocument(deps, graphId, scope);
  if (!document) throw notFound("graph", graphId);
  const latest = await latestVersion(deps.database, graphId, scope);
  if (latest && canonicalJson(latest.document) === canonicalJson(document)) return latest;
  const created = await createVersion(deps.database, graphId, document as GraphDocument, scope, "snapshot for run");
  if (!created) throw notFound("graph", graphId);
  return created;
}

const RunParams = z.object({ id: idParam("run") });
const RetryParams = z.object({ id: idParam("run"), nodeId: NodeIdSchema });
const ListRunsQuery = z.object({
  graphId: z.uuid().optional(),
  limit: intQuery({ min: 1, max: 10_000, default: 50 }),
  before: z.iso.datetime({ offset: true, message: "must be an ISO date-time, e.g. 2026-01-31T12:00:00Z" }).optional(),
});
const LogsQuery = z.object({ nodeId: NodeIdSchema.optional(), after: intQuery({ min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 }) });

export function runRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { sql } = deps.database;

  // Every route acts in the caller's workspace: a run of another workspace is "not found".
  const runIn = (c: Context, id: string) => getRun(sql, id, scopeOf(c));

  route(app, { method: "POST", path: "/", summary: "Start a run of a saved graph or of a document", body: StartRunBodySchema, bodyLimit: DOCUMENT_BODY_LIMIT }, async (c, { body }) => {
    const auth = authOf(c);
    let document: unknown = body.document;
    let versionId: string | null = null;
    if (body.graphId) {
      const v = await versionForRun(deps, body.graphId, body.versionId, scopeOf(c));
      document = v.document;
      versionId = v.id;
    }
    const { runId } = await startRunFromDocument(sql, deps.registry, {
      document,
      graphId: body.graphId ?? null,
      versionId,
      budgetUsd: body.budgetUsd,
      overrides: body.overrides,
      trigger: { kind: "manual", userId: auth.user.id },
      workspaceId: auth.workspace.id,
    });
    await writeAudit(sql, {
      workspaceId: auth.workspace.id,
      user: auth.user,
      action: "run.start",
      target: runId,
      details: { graphId: body.graphId ?? null, versionId, budgetUsd: body.budgetUsd ?? null },
      ip: clientIp(c, deps.auth ?? { trustProxy: false }),
    });
    return c.json({ runId }, 201);
  });

  route(app, { method: "GET", path: "/", summary: "Runs of the workspace, newest first", query: ListRunsQuery }, async (c, { query: { graphId, limit, before } }) => {
    return c.json(await listRuns(sql, scopeOf(c), { graphId, limit, before }));
  });

  route(app, { method: "GET", path: "/:id", summary: "A run with its nodes", params: RunParams }, async (c, { params: { id } }) => {
    const run = await runIn(c, id);
    if (!run) throw notFound("run", id);
    return c.json(run);
  });

  route(app, { method: "GET", path: "/:id/logs", summary: "A run's log lines", params: RunParams, query: LogsQuery }, async (c, { params: { id }, query }) => {
    if (!(await runIn(c, id))) throw notFound("run", id);
    const logs = await getRunLogs(sql, id, scopeOf(c), { nodeId: query.nodeId, afterId: query.after });
    return c.json(logs.map((l) => ({ ...l, at: new Date(l.at).toISOString() })));
  });

  /** Server-Sent Events: a `snapshot` of the run first, then every change as it is committed. */
  route(app, { method: "GET", path: "/:id/events", summary: "Server-Sent Events of a run", params: RunParams }, async (c, { params: { id } }) => {
    const first = await runIn(c, id);
    if (!first) throw notFound("run", id);
    return streamSSE(c, async (stream) => {
      const queue: RunEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.hub.subscribe((e) => {
        if (e.runId !== id) return;
        queue.push(e);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      try {
        // Subscribed before the snapshot is read: nothing committed in between is missed.
        const snapshot = await runIn(c, id);
        await stream.writeSSE({ event: "snapshot", data: JSON.stringify(snapshot) });
        while (!stream.aborted) {
          while (queue.length) {
            const e = queue.shift()!;
            await stream.writeSSE({ event: e.kind, data: JSON.stringify(e) });
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 15_000);
          });
          wake = null;
          if (!queue.length && !stream.aborted) await stream.writeSSE({ event: "ping", data: "{}" });
        }
      } finally {
        unsubscribe();
      }
    });
  });

  route(app, { method: "POST", path: "/:id/cancel", summary: "Cancel a run", params: RunParams }, async (c, { params: { id } }) => {
    const run = await runIn(c, id);
    if (!run) throw notFound("run", id);
    const canceled = await cancelRun(sql, id, scopeOf(c));
    if (!canceled) throw new ApiError(409, "RUN_FINISHED", `run is already ${run.status}`);
    return c.json({ ok: true });
  });

  route(app, { method: "POST", path: "/:id/nodes/:nodeId/retry", summary: "Run a node again, and what depends on it", params: RetryParams }, async (c, { params: { id, nodeId } }) => {
    const run = await runIn(c, id);
    if (!run) throw notFound("run", id);
    if (!run.nodes.some((n) => n.nodeId === nodeId)) throw notFound("node", nodeId);
    if (run.status === "running") {
      const node = run.nodes.filter((n) => n.nodeId === nodeId);
      if (!node.some((n) => n.status === "failed")) throw new ApiError(409, "RUN_ACTIVE", `node "${nodeId}" has not failed and the run is still running`);
    }
    if (!(await retryNode(sql, id, nodeId, scopeOf(c)))) throw notFound("run", id);
    return c.json({ ok: true });
  });

  return app;
}
