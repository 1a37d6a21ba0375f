/**
 * Who may call which route: one table, read top to bottom, first match wins. Each rule names the
 * weakest role allowed (roles are ordered: viewer < reviewer < editor < owner), or `public` (no
 * sign-in) or `signed-in` (any account, no workspace needed: your own profile and tokens).
 *
 * The workspace a rule is checked in is the one in the path for /api/workspaces/:id/..., and for
 * everything else the request's current workspace (X-Genjed-Workspace header, `?workspace=`
 * query for EventSource and <img>, else the user's first workspace).
 *
 * Feature modules add their own rules (RouteModule `access`, paths relative to their prefix).
 */
import type { Role } from "./roles.js";

export type Access = Role | "public" | "signed-in";
export type RuleMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "*";

export interface AccessRule {
  method: RuleMethod;
  /** Hono-style: `/api/graphs/:id`, or a trailing `/*` for a whole subtree. */
  path: string;
  access: Access;
}

const r = (method: RuleMethod, path: string, access: Access): AccessRule => ({ method, path, access });

export const CORE_POLICY: AccessRule[] = [
  r("GET", "/api/health", "public"),
  // Signed in: the description is no secret (the code is open), but nothing outside sign-in, webhooks and the library is public.
  r("GET", "/api/openapi.json", "signed-in"),
  r("POST", "/api/auth/login", "public"),
  r("POST", "/api/auth/first-run", "public"),
  r("GET", "/api/auth/me", "signed-in"),
  r("POST", "/api/auth/logout", "signed-in"),
  r("PUT", "/api/auth/password", "signed-in"),
  r("GET", "/api/tokens", "signed-in"),
  r("POST", "/api/tokens", "signed-in"),
  r("DELETE", "/api/tokens/:id", "signed-in"),

  r("GET", "/api/workspaces", "signed-in"),
  r("POST", "/api/workspaces", "signed-in"),
  r("GET", "/api/workspaces/:id", "viewer"),
  r("GET", "/api/workspaces/:id/members", "viewer"),
  r("POST", "/api/workspaces/:id/members", "owner"),
  r("PATCH", "/api/workspaces/:id/members/:userId", "owner"),
  r("DELETE", "/api/workspaces/:id/members/:userId", "owner"),
  r("GET", "/api/workspaces/:id/secrets", "owner"),
  r("PUT", "/api/workspaces/:id/secrets/:name", "owner"),
  r("DELETE", "/api/workspaces/:id/secrets/:name", "owner"),
  r("GET", "/api/workspaces/:id/limits", "viewer"),
  r("PUT", "/api/workspaces/:id/limits", "owner"),
  r("GET", "/api/audit", "owner"),

  r("GET", "/api/node-types", "viewer"),
  r("POST", "/api/validate", "viewer"),
  r("GET", "/api/templates", "viewer"),
  r("GET", "/api/templates/:id", "viewer"),

  r("GET", "/api/graphs", "viewer"),
  r("POST", "/api/graphs", "editor"),
  r("GET", "/api/graphs/:id", "viewer"),
  r("PUT", "/api/graphs/:id", "editor"),
  r("DELETE", "/api/graphs/:id", "editor"),
  r("GET", "/api/graphs/:id/versions", "viewer"),
  r("POST", "/api/graphs/:id/versions", "editor"),
  r("GET", "/api/graphs/:id/versions/:versionId", "viewer"),

  r("GET", "/api/runs", "viewer"),
  r("POST", "/api/runs", "editor"),
  r("GET", "/api/runs/:id", "viewer"),
  r("GET", "/api/runs/:id/logs", "viewer"),
  r("GET", "/api/runs/:id/events", "viewer"),
  r("POST", "/api/runs/:id/cancel", "editor"),
  r("POST", "/api/runs/:id/nodes/:nodeId/retry", "editor"),

  r("GET", "/media/:hash", "viewer"),
];

/** Rules of a module mounted at `prefix` (e.g. "/api/reviews"), made absolute. */
export const underPrefix = (prefix: string, rules: AccessRule[]): AccessRule[] =>
  rules.map((x) => ({ ...x, path: (prefix.replace(/\/+$/, "") + (x.path === "/" ? "" : x.path)) || "/" }));

interface Compiled {
  rule: AccessRule;
  re: RegExp;
}

function compile(rule: AccessRule): Compiled {
  let path = rule.path.replace(/\/+$/, "") || "/";
  let tail = "";
  if (path.endsWith("/*")) {
    path = path.slice(0, -2);
    tail = "(?:/.*)?";
  }
  const body = path
    .split("/")
    .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return { rule, re: new RegExp(`^${body}${tail}/?$`) };
}

/** A matcher over the rules: the first rule for this method and path, or null when none covers it. */
export function createPolicy(rules: AccessRule[]): (method: string, path: string) => AccessRule | null {
  const compiled = rules.map(compile);
  return (method, path) => {
    const m = method === "HEAD" ? "GET" : method;
    for (const c of compiled) if ((c.rule.method === "*" || c.rule.method === m) && c.re.test(path)) return c.rule;
    return null;
  };
}
