import { Hono, type Context } from "hono";
import { createGraph, createVersion, deleteGraph, getGraph, getVersion, listGraphs, listVersions, updateGraph } from "../../services/graphs.js";
import { CreateGraphBodySchema, CreateVersionBodySchema, UpdateGraphBodySchema, type GraphDocument } from "../../schemas/index.js";
import { authOf } from "../auth/middleware.js";
import { scopeOf } from "../auth/scope.js";
import type { ServerDeps } from "../deps.js";
import { z } from "zod";
import { notFound } from "../errors.js";
import { DOCUMENT_BODY_LIMIT, idParam, route } from "../route.js";
import { currentDocument } from "../graph-document.js";

const GraphParams = z.object({ id: idParam("graph") });
const VersionParams = z.object({ id: idParam("graph"), versionId: idParam("version") });

export function graphRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { database } = deps;

  // Every route acts in the caller's workspace: a graph of another workspace is "not found".

  route(app, { method: "GET", path: "/", summary: "Graphs of the workspace" }, async (c) => c.json(await listGraphs(database, scopeOf(c))));

  route(app, { method: "POST", path: "/", summary: "Create a graph", body: CreateGraphBodySchema, bodyLimit: DOCUMENT_BODY_LIMIT }, async (c, { body }) => {
    const workspaceId = authOf(c).workspace.id;
    return c.json(await createGraph(database, { ...body, workspaceId }), 201);
  });

  route(app, { method: "GET", path: "/:id", summary: "A graph and its current document", params: GraphParams }, async (c, { params: { id } }) => {
    const g = await getGraph(database, id, scopeOf(c));
    if (!g) throw notFound("graph", id);
    const document = (await currentDocument(deps, id, scopeOf(c))) ?? g.document;
    // What is read here is what gets exported: a workspace secret pasted into a config never leaves in it
    // (every API response is scrubbed on its way out, server/auth/redact-responses.ts).
    return c.json({ ...g, name: document.name, document });
  });

  route(app, { method: "PUT", path: "/:id", summary: "Rename a graph or replace its document", params: GraphParams, body: UpdateGraphBodySchema, bodyLimit: DOCUMENT_BODY_LIMIT }, async (c, { params: { id }, body }) => {
    const current = await currentDocument(deps, id, scopeOf(c));
    if (!current) throw notFound("graph", id);
    const document: GraphDocument = { ...(body.document ?? current), name: body.name ?? body.document?.name ?? current.name };
    // Live editors see a REST write at once; the stored row is updated too, so reads agree immediately.
    if (deps.collab) await deps.collab.replaceDocument(id, document);
    const g = await updateGraph(database, id, { name: document.name, document }, scopeOf(c));
    return c.json(g);
  });

  route(app, { method: "DELETE", path: "/:id", summary: "Delete a graph", params: GraphParams }, async (c, { params: { id } }) => {
    if (!(await deleteGraph(database, id, scopeOf(c)))) throw notFound("graph", id);
    return c.body(null, 204);
  });

  route(app, { method: "GET", path: "/:id/versions", summary: "Saved versions of a graph", params: GraphParams }, async (c, { params: { id } }) => {
    if (!(await getGraph(database, id, scopeOf(c)))) throw notFound("graph", id);
    return c.json(await listVersions(database, id, scopeOf(c)));
  });

  route(app, { method: "POST", path: "/:id/versions", summary: "Snapshot the current document as a version", params: GraphParams, body: CreateVersionBodySchema }, async (c, { params: { id }, body }) => {
    const document = await currentDocument(deps, id, scopeOf(c));
    if (!document) throw notFound("graph", id);
    const v = await createVersion(database, id, document, scopeOf(c), body.label);
    if (!v) throw notFound("graph", id);
    return c.json(v, 201);
  });

  route(app, { method: "GET", path: "/:id/versions/:versionId", summary: "One version", params: VersionParams }, async (c, { params: { id, versionId } }) => {
    if (!(await getGraph(database, id, scopeOf(c)))) throw notFound("graph", id);
    const v = await getVersion(database, id, versionId, scopeOf(c));
    if (!v) throw notFound("version", versionId);
    return c.json(v);
  });

  return app;
}
