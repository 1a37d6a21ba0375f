import { Hono, type Context } from "hono";
import { createGraph, createVersion, deleteGraph, getGraph, getVersion, listGraphs, listVersions, updateGraph, type WorkspaceScope } from "../../engine/graphs.js";
import { CreateGraphBodySchema, CreateVersionBodySchema, UpdateGraphBodySchema, type GraphDocument } from "../../schemas/index.js";
import { authOf } from "../auth/middleware.js";
import type { ServerDeps } from "../deps.js";
import { notFound, readJson, uuidParam } from "../errors.js";

/**
 * The current document: the live collaborative one when the collab service runs, else the stored
 * one. Null when the graph does not exist (or is not in the scope's workspace).
 */
export async function currentDocument(deps: ServerDeps, id: string, scope?: WorkspaceScope): Promise<GraphDocument | null> {
  const g = await getGraph(deps.database, id, scope);
  if (!g) return null;
  if (deps.collab) return deps.collab.getDocument(id);
  return g.document;
}

export function graphRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { database } = deps;

  // Every route acts in the caller's workspace: a graph of another workspace is "not found".
  const scope = (c: Context): WorkspaceScope => ({ workspaceId: authOf(c).workspace.id });

  app.get("/", async (c) => c.json(await listGraphs(database, scope(c))));

  app.post("/", async (c) => {
    const body = await readJson(c, CreateGraphBodySchema);
    const workspaceId = authOf(c).workspace.id;
    return c.json(await createGraph(database, { ...body, workspaceId }), 201);
  });

  app.get("/:id", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const g = await getGraph(database, id, scope(c));
    if (!g) throw notFound("graph", id);
    const document = (await currentDocument(deps, id)) ?? g.document;
    // What is read here is what gets exported: a workspace secret pasted into a config never leaves in it
    // (every API response is scrubbed on its way out, server/auth/redact-responses.ts).
    return c.json({ ...g, name: document.name, document });
  });

  app.put("/:id", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const body = await readJson(c, UpdateGraphBodySchema);
    const current = await currentDocument(deps, id, scope(c));
    if (!current) throw notFound("graph", id);
    const document: GraphDocument = { ...(body.document ?? current), name: body.name ?? body.document?.name ?? current.name };
    // Live editors see a REST write at once; the stored row is updated too, so reads agree immediately.
    if (deps.collab) await deps.collab.replaceDocument(id, document);
    const g = await updateGraph(database, id, { name: document.name, document }, scope(c));
    return c.json(g);
  });

  app.delete("/:id", async (c) => {
    const id = uuidParam(c, "id", "graph");
    if (!(await deleteGraph(database, id, scope(c)))) throw notFound("graph", id);
    return c.body(null, 204);
  });

  app.get("/:id/versions", async (c) => {
    const id = uuidParam(c, "id", "graph");
    if (!(await getGraph(database, id, scope(c)))) throw notFound("graph", id);
    return c.json(await listVersions(database, id));
  });

  app.post("/:id/versions", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const body = await readJson(c, CreateVersionBodySchema);
    const document = await currentDocument(deps, id, scope(c));
    if (!document) throw notFound("graph", id);
    return c.json(await createVersion(database, id, document, body.label), 201);
  });

  app.get("/:id/versions/:versionId", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const versionId = uuidParam(c, "versionId", "version");
    if (!(await getGraph(database, id, scope(c)))) throw notFound("graph", id);
    const v = await getVersion(database, id, versionId);
    if (!v) throw notFound("version", versionId);
    return c.json(v);
  });

  return app;
}
