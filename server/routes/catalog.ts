import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Hono } from "hono";
import { compile } from "../../engine/compile.js";
import type { ServerDeps } from "../deps.js";
import { notFound } from "../errors.js";
import { DOCUMENT_BODY_LIMIT, route } from "../route.js";
import { z } from "zod";

/** Node types, validation and templates: what the editor needs to build and check a graph. */
export function catalogRoutes(deps: ServerDeps) {
  const app = new Hono();
  const catalog = deps.registry.catalog();

  route(app, { method: "GET", path: "/node-types", summary: "Every node type with its ports and config schema" }, (c) => c.json(catalog));

  // The document is checked by the compiler (which answers every error at once), not by a schema here.
  route(app, { method: "POST", path: "/validate", summary: "Compile a document: its errors and cost estimate", body: z.unknown(), bodyLimit: DOCUMENT_BODY_LIMIT }, async (c, { body: doc }) => {
    const result = compile(doc, deps.registry);
    return c.json(result.ok ? { ok: true, errors: [], estimate: result.plan.estimate } : { ok: false, errors: result.errors, estimate: null });
  });

  route(app, { method: "GET", path: "/templates", summary: "Template graphs" }, async (c) => c.json((await loadTemplates(deps.templatesDir)).map(({ document, ...t }) => ({ ...t, nodeCount: document.nodes.length }))));

  route(app, { method: "GET", path: "/templates/:id", summary: "One template", params: z.object({ id: z.string().max(200) }) }, async (c, { params: { id } }) => {
    const t = (await loadTemplates(deps.templatesDir)).find((x) => x.id === id);
    if (!t) throw notFound("template", id);
    return c.json(t);
  });

  return app;
}

export interface Template {
  id: string;
  name: string;
  description: string;
  document: { name: string; nodes: unknown[]; edges: unknown[] } & Record<string, unknown>;
}

/** Each template is a graph document file `<id>.json` with an optional top-level `description`. */
export async function loadTemplates(dir: string | undefined): Promise<Template[]> {
  if (!dir) return [];
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    files.map(async (f) => {
      const raw = JSON.parse(await readFile(path.join(dir, f), "utf8"));
      const { description = "", ...document } = raw;
      return { id: path.basename(f, ".json"), name: document.name, description, document };
    }),
  );
}
