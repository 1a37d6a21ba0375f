/**
 * The auth layer of the HTTP API: who is calling (API token or session cookie), in which
 * workspace and with which role, checked against the policy table before the route runs.
 *
 * Routes read the result with `authOf(c)`: `{ user, workspace, role, via }`. Cross-workspace
 * access answers 404 (the resource does not exist for you); a role too weak for a route in your
 * own workspace answers 403 naming the role needed.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Database, Sql } from "../../db/index.js";
import { ApiError } from "../errors.js";
import { resolveApiToken } from "./api-tokens.js";
import { createPolicy, type AccessRule } from "./policy.js";
import { originAllowed, requestHost } from "./request.js";
import { atLeast, type Role } from "./roles.js";
import { resolveSession } from "./sessions.js";
import type { AuthSettings } from "./settings.js";
import { csrfTokenFor, sameSecret } from "./tokens.js";
import type { User } from "./users.js";
import { membershipOf, workspacesOf, type WorkspaceWithRole } from "./workspaces.js";

export const SESSION_COOKIE = "genjed_session";
export const WORKSPACE_HEADER = "x-genjed-workspace";
export const WORKSPACE_QUERY = "workspace";
export const CSRF_HEADER = "x-csrf-token";

export interface Identity {
  user: User;
  via: "session" | "token";
  sessionId?: string;
  /** The cookie's token (to derive the CSRF token); never logged or returned. */
  sessionToken?: string;
  tokenId?: string;
}

export interface AuthContext extends Identity {
  workspace: { id: string; name: string; isDefault: boolean };
  role: Role;
}

declare module "hono" {
  interface ContextVariableMap {
    identity: Identity;
    auth: AuthContext;
  }
}

const withArticle = (role: Role) => `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}`;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKSPACE_PATH = /^\/api\/workspaces\/([^/]+)(?:\/|$)/;

const unauthenticated = (message = "sign in first (session cookie or `Authorization: Bearer gj_...` API token)") =>
  new ApiError(401, "UNAUTHENTICATED", message);

/** The caller from an `Authorization: Bearer` API token or the session cookie; null when neither. */
export async function identify(sql: Sql, h: { authorization?: string; sessionCookie?: string }): Promise<Identity | null> {
  if (h.authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h.authorization);
    if (!m) throw unauthenticated("the Authorization header must be `Bearer <API token>`");
    const t = await resolveApiToken(sql, m[1]);
    // A credential that was presented but is wrong is refused, never treated as "nobody".
    if (!t) throw unauthenticated("the API token is invalid, revoked or expired");
    return { user: t.user, via: "token", tokenId: t.tokenId };
  }
  if (h.sessionCookie) {
    const s = await resolveSession(sql, h.sessionCookie);
    if (s) return { user: s.user, via: "session", sessionId: s.sessionId, sessionToken: h.sessionCookie };
  }
  return null;
}

/**
 * The workspace a request acts in: the one it names (null when the user is not a member, so the
 * caller answers 404), else the user's first.
 */
export async function resolveWorkspace(sql: Sql, userId: string, requested: string | null | undefined): Promise<WorkspaceWithRole | null> {
  if (requested) return UUID.test(requested) ? membershipOf(sql, userId, requested.toLowerCase()) : null;
  const [first] = await workspacesOf(sql, userId);
  return first ?? null;
}

/**
 * Cookie-authenticated writes must prove they come from our own pages: the Origin, when the
 * browser sends one, is ours; and the X-CSRF-Token header carries the token derived from the
 * session (a page on another site can neither read our cookie nor set that header cross-site
 * without a CORS preflight we never grant). Bearer tokens are not sent by browsers on their own,
 * so they are exempt.
 */
export function checkCsrf(c: Context, identity: Identity, settings: AuthSettings): void {
  if (identity.via !== "session" || SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header("origin");
  if (origin && !originAllowed(origin, requestHost(c, settings), settings)) {
    throw new ApiError(403, "CSRF", `cross-site request refused: Origin ${origin} is not this server`);
  }
  const token = c.req.header(CSRF_HEADER);
  if (!token || !sameSecret(token, csrfTokenFor(identity.sessionToken!))) {
    throw new ApiError(403, "CSRF", `missing or wrong ${CSRF_HEADER} header (cookie-authenticated writes send the csrfToken from /api/auth/me)`);
  }
}

/**
 * Enforce the policy on every request under the paths the guard is mounted on. A path no rule
 * covers (an unknown URL, or a route someone forgot to list) still needs a signed-in caller:
 * forgetting a rule must never make a route public.
 */
export function guard(database: Pick<Database, "sql">, settings: AuthSettings, rules: AccessRule[]): MiddlewareHandler {
  const policy = createPolicy(rules);
  const { sql } = database;
  return async (c, next) => {
    const rule = policy(c.req.method, c.req.path) ?? { method: "*", path: c.req.path, access: "signed-in" };
    if (rule.access === "public") return next();
    const identity = await identify(sql, { authorization: c.req.header("authorization"), sessionCookie: getCookie(c, SESSION_COOKIE) });
    if (!identity) throw unauthenticated();
    checkCsrf(c, identity, settings);
    c.set("identity", identity);
    if (rule.access === "signed-in") return next();

    const inPath = WORKSPACE_PATH.exec(c.req.path)?.[1];
    const requested = inPath ?? c.req.header(WORKSPACE_HEADER) ?? c.req.query(WORKSPACE_QUERY);
    const ws = await resolveWorkspace(sql, identity.user.id, requested);
    if (!ws) {
      if (requested) throw new ApiError(404, "NOT_FOUND", `workspace "${requested}" does not exist`);
      throw new ApiError(403, "NO_WORKSPACE", "you are not a member of any workspace; ask an owner to add you");
    }
    if (!atLeast(ws.role, rule.access)) {
      throw new ApiError(403, "FORBIDDEN", `this needs the ${rule.access} role in workspace "${ws.name}"; you are ${withArticle(ws.role)}`);
    }
    c.set("auth", { ...identity, workspace: { id: ws.id, name: ws.name, isDefault: ws.isDefault }, role: ws.role });
    return next();
  };
}

/** The caller, their workspace and role (set by the guard). A route outside the policy has none: 401. */
export function authOf(c: Context): AuthContext {
  const a = c.get("auth");
  if (!a) throw unauthenticated();
  return a;
}

export function identityOf(c: Context): Identity {
  const i = c.get("identity");
  if (!i) throw unauthenticated();
  return i;
}

/** For a route that needs more than its policy rule says in some case (e.g. only owners may set X). */
export function requireRole(min: Role): MiddlewareHandler {
  return async (c, next) => {
    const a = authOf(c);
    if (!atLeast(a.role, min)) throw new ApiError(403, "FORBIDDEN", `this needs the ${min} role in workspace "${a.workspace.name}"; you are ${withArticle(a.role)}`);
    return next();
  };
}
