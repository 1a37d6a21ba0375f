import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { guard } from "./auth/middleware.js";
import { CORE_POLICY, createPolicy, underPrefix, type AccessRule } from "./auth/policy.js";
import { mountAuthRoutes } from "./auth/routes/index.js";
import { redactResponses } from "./auth/redact-responses.js";
import { authSettings } from "./auth/settings.js";
import type { ServerDeps } from "./deps.js";
import { errorResponse, handleError } from "./errors.js";
import { catalogRoutes } from "./routes/catalog.js";
import { graphRoutes } from "./routes/graphs.js";
import { mediaRoutes } from "./routes/media.js";
import { openApiDocument } from "./openapi.js";
import { bodyLimits, route, routeTable } from "./route.js";
import { runRoutes } from "./routes/runs.js";

/**
 * A feature's routes, mounted under /api/<prefix> (or /<prefix> with `atRoot`, for public endpoints
 * such as webhook deliveries). Features list themselves in server/features.ts.
 * `access`: who may call each route (paths relative to the prefix, see server/auth/policy.ts);
 * the auth guard enforces it and `authOf(c)` then gives the route its user, workspace and role.
 */
export type RouteModule = (deps: ServerDeps) => { prefix: string; app: Hono; atRoot?: boolean; access?: AccessRule[] };

export function createApp(deps: ServerDeps, features: RouteModule[] = []): Hono {
  const app = new Hono();
  app.onError(handleError);
  // First of all: a body over its route's limit is refused before auth reads a cookie or anything parses it.
  app.use("*", bodyLimits(() => routeTable(app)));

  // Sign-in and roles, before any route: every request the policy covers is checked here.
  const settings = deps.auth ?? authSettings();
  const mounted = features.map((f) => f(deps));
  const mountPath = (m: (typeof mounted)[number]) => (m.atRoot ? `/${m.prefix}` : `/api/${m.prefix}`);
  const rules = [...CORE_POLICY, ...mounted.flatMap((m) => (m.access ? underPrefix(mountPath(m), m.access) : []))];
  const check = guard(deps.database, settings, rules);
  app.use("/api/*", check);
  // After the guard (it names the workspace): every API view leaves through the one secret scrubber.
  app.use("/api/*", redactResponses(deps));
  app.use("/media/*", check);
  for (const m of mounted) if (m.atRoot && m.access) app.use(`${mountPath(m)}/*`, check);

  route(app, { method: "GET", path: "/api/health", summary: "Liveness: the database answers" }, async (c) => {
    await deps.database.sql`select 1`;
    return c.json({ ok: true, nodeTypes: deps.registry.all().length });
  });
  // Built on first request, when every route is mounted; the table does not change after.
  let openApi: object | undefined;
  route(app, { method: "GET", path: "/api/openapi.json", summary: "This API as an OpenAPI 3.1 document" }, (c) => {
    const policy = createPolicy(rules);
    openApi ??= openApiDocument(routeTable(app), { accessOf: (m, p) => policy(m, p)?.access ?? null });
    return c.json(openApi);
  });
  app.route("/api/graphs", graphRoutes(deps));
  app.route("/api/runs", runRoutes(deps));
  app.route("/api", catalogRoutes(deps));
  mountAuthRoutes(app, deps, settings);
  for (const m of mounted) app.route(mountPath(m), m.app);
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
