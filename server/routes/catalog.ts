import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Hono } from "hono";
import { compile } from "../../engine/compile.js";
import type { ServerDeps } from "../deps.js";
import { notFound, readJson } from "../errors.js";
import { z } from "zod";

/** Node types, validation and templates: what the editor needs to build and check a graph. */
export function catalogRoutes(deps: ServerDeps) {
  const app = new Hono();
  const catalog = deps.registry.catalog();

  app.get("/node-types", (c) => c.json(catalog));

  app.post("/validate", async (c) => {
    const doc = await readJson(c, z.unknown());
    const result = compile(doc, deps.registry);
    return c.json(result.ok ? { ok: true, errors: [], estimate: result.plan.estimate } : { ok: false, errors: result.errors, estimate: null });
  });

  app.get("/templates", async (c) => c.json((await loadTemplates(deps.templatesDir)).map(({ document, ...t }) => ({ ...t, nodeCount: document.nodes.length }))));

  app.get("/templates/:id", async (c) => {
    const t = (await loadTemplates(deps.templatesDir)).find((x) => x.id === c.req.param("id"));
    if (!t) throw notFound("template", c.req.param("id"));
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
