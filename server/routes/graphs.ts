import { Hono } from "hono";
import { createGraph, createVersion, deleteGraph, getGraph, getVersion, listGraphs, listVersions, updateGraph } from "../../engine/graphs.js";
import { CreateGraphBodySchema, CreateVersionBodySchema, UpdateGraphBodySchema, type GraphDocument } from "../../schemas/index.js";
import type { ServerDeps } from "../deps.js";
import { notFound, readJson, uuidParam } from "../errors.js";

/** The current document: the live collaborative one when the collab service runs, else the stored one. */
export async function currentDocument(deps: ServerDeps, id: string): Promise<GraphDocument | null> {
  const g = await getGraph(deps.database, id);
  if (!g) return null;
  if (deps.collab) return deps.collab.getDocument(id);
  return g.document;
}

export function graphRoutes(deps: ServerDeps) {
  const app = new Hono();
  const { database } = deps;

  app.get("/", async (c) => c.json(await listGraphs(database)));

  app.post("/", async (c) => {
    const body = await readJson(c, CreateGraphBodySchema);
    return c.json(await createGraph(database, body), 201);
  });

  app.get("/:id", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const g = await getGraph(database, id);
    if (!g) throw notFound("graph", id);
    const document = (await currentDocument(deps, id)) ?? g.document;
    return c.json({ ...g, name: document.name, document });
  });

  app.put("/:id", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const body = await readJson(c, UpdateGraphBodySchema);
    const current = await currentDocument(deps, id);
    if (!current) throw notFound("graph", id);
    const document: GraphDocument = { ...(body.document ?? current), name: body.name ?? body.document?.name ?? current.name };
    // Live editors see a REST write at once; the stored row is updated too, so reads agree immediately.
    if (deps.collab) await deps.collab.replaceDocument(id, document);
    const g = await updateGraph(database, id, { name: document.name, document });
    return c.json(g);
  });

  app.delete("/:id", async (c) => {
    const id = uuidParam(c, "id", "graph");
    if (!(await deleteGraph(database, id))) throw notFound("graph", id);
    return c.body(null, 204);
  });

  app.get("/:id/versions", async (c) => {
    const id = uuidParam(c, "id", "graph");
    if (!(await getGraph(database, id))) throw notFound("graph", id);
    return c.json(await listVersions(database, id));
  });

  app.post("/:id/versions", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const body = await readJson(c, CreateVersionBodySchema);
    const document = await currentDocument(deps, id);
    if (!document) throw notFound("graph", id);
    return c.json(await createVersion(database, id, document, body.label), 201);
  });

  app.get("/:id/versions/:versionId", async (c) => {
    const id = uuidParam(c, "id", "graph");
    const versionId = uuidParam(c, "versionId", "version");
    const v = await getVersion(database, id, versionId);
    if (!v) throw notFound("version", versionId);
    return c.json(v);
  });

  return app;
}
