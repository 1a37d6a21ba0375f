import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import type { ServerDeps } from "./deps.js";
import { errorResponse, handleError } from "./errors.js";
import { catalogRoutes } from "./routes/catalog.js";
import { graphRoutes } from "./routes/graphs.js";
import { mediaRoutes } from "./routes/media.js";
import { runRoutes } from "./routes/runs.js";

/**
 * A feature's routes, mounted under /api/<prefix> (or /<prefix> with `atRoot`, for public endpoints
 * such as webhook deliveries). Features list themselves in server/features.ts.
 */
export type RouteModule = (deps: ServerDeps) => { prefix: string; app: Hono; atRoot?: boolean };

export function createApp(deps: ServerDeps, features: RouteModule[] = []): Hono {
  const app = new Hono();
  app.onError(handleError);

  app.get("/api/health", async (c) => {
    await deps.database.sql`select 1`;
    return c.json({ ok: true, nodeTypes: deps.registry.all().length });
  });
  app.route("/api/graphs", graphRoutes(deps));
  app.route("/api/runs", runRoutes(deps));
  app.route("/api", catalogRoutes(deps));
  for (const f of features) {
    const { prefix, app: sub, atRoot } = f(deps);
    app.route(atRoot ? `/${prefix}` : `/api/${prefix}`, sub);
  }
  app.route("/media", mediaRoutes(deps));
  app.all("/api/*", (c) => errorResponse(c, 404, "NOT_FOUND", `no route ${c.req.method} ${c.req.path}`));

  const dist = deps.editorDist;
  if (dist && existsSync(path.join(dist, "index.html"))) {
    const root = path.relative(process.cwd(), dist) || ".";
    app.use("/*", serveStatic({ root }));
    // Client-side routes (/graphs/:id, /reviews...) get the app shell.
    app.get("*", async (c) => c.html(await readFile(path.join(dist, "index.html"), "utf8")));
  } else {
    app.get("/", (c) =>
      c.text("Genjed Studio API is running. The editor is not built: run `npm run build` (npm start does this for you).", 200),
    );
  }
  return app;
}
