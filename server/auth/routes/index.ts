/** The identity, workspace, secrets and audit API, mounted by createApp. */
import type { Hono } from "hono";
import type { ServerDeps } from "../../deps.js";
import type { AuthSettings } from "../settings.js";
import { auditRoutes } from "./audit.js";
import { secretRoutes } from "./secrets.js";
import { sessionRoutes } from "./session.js";
import { tokenRoutes } from "./tokens.js";
import { workspaceRoutes } from "./workspaces.js";

export function mountAuthRoutes(app: Hono, deps: ServerDeps, settings: AuthSettings): void {
  app.route("/api/auth", sessionRoutes(deps, settings));
  app.route("/api/tokens", tokenRoutes(deps, settings));
  app.route("/api/workspaces", workspaceRoutes(deps, settings));
  app.route("/api/workspaces", secretRoutes(deps, settings));
  app.route("/api/audit", auditRoutes(deps));
}
