/**
 * Signing in for API tests: real accounts, memberships, sessions and API tokens in the test's
 * database (made directly, without scrypt, so a table of roles stays fast), and a client that
 * sends the session cookie, the CSRF token and the workspace header with every request.
 */
import { randomBytes } from "node:crypto";
import type { Queryable } from "../db/index.js";
import { createApiToken } from "../server/auth/api-tokens.js";
import { CSRF_HEADER, SESSION_COOKIE, WORKSPACE_HEADER } from "../server/auth/middleware.js";
import type { Role } from "../server/auth/roles.js";
import { createSession } from "../server/auth/sessions.js";
import { csrfTokenFor } from "../server/auth/tokens.js";
import { createUser, type User } from "../server/auth/users.js";

export interface Requester {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface TestSession {
  user: User;
  token: string;
  cookie: string;
  csrf: string;
}

export async function defaultWorkspaceId(q: Queryable): Promise<string> {
  const [w] = await q<{ id: string }[]>`select id from workspaces where is_default`;
  return w.id;
}

export async function createTestWorkspace(q: Queryable, name = `ws-${randomBytes(3).toString("hex")}`): Promise<string> {
  const [w] = await q<{ id: string }[]>`insert into workspaces (name) values (${name}) returning id`;
  return w.id;
}

/** A user with a role in a workspace (the default workspace when none is named). */
export async function createMember(q: Queryable, role: Role, o: { workspaceId?: string; email?: string; name?: string } = {}): Promise<User & { workspaceId: string }> {
  const workspaceId = o.workspaceId ?? (await defaultWorkspaceId(q));
  const user = await createUser(q, { email: o.email ?? `${role}-${randomBytes(4).toString("hex")}@test.local`, name: o.name ?? role });
  await q`insert into memberships (workspace_id, user_id, role) values (${workspaceId}, ${user.id}, ${role})`;
  return { ...user, workspaceId };
}

export async function sessionFor(q: Queryable, user: User, o: { ttlMs?: number } = {}): Promise<TestSession> {
  const s = await createSession(q, user.id, { ttlMs: o.ttlMs });
  return { user, token: s.token, cookie: `${SESSION_COOKIE}=${s.token}`, csrf: csrfTokenFor(s.token) };
}

export async function apiTokenFor(q: Queryable, user: User): Promise<string> {
  return (await createApiToken(q, user.id, { name: "test" })).token;
}

/** Every request carries the session cookie and CSRF token (and the workspace, when given), like the editor's. */
export function asSession(app: Requester, s: { cookie: string; csrf: string }, o: { workspaceId?: string } = {}): Requester {
  return withHeaders(app, { cookie: s.cookie, [CSRF_HEADER]: s.csrf, ...(o.workspaceId ? { [WORKSPACE_HEADER]: o.workspaceId } : {}) });
}

export function asToken(app: Requester, token: string, o: { workspaceId?: string } = {}): Requester {
  return withHeaders(app, { authorization: `Bearer ${token}`, ...(o.workspaceId ? { [WORKSPACE_HEADER]: o.workspaceId } : {}) });
}

export function withHeaders(app: Requester, headers: Record<string, string>): Requester {
  return {
    request(input, init = {}) {
      const h = new Headers(init.headers);
      for (const [k, v] of Object.entries(headers)) if (!h.has(k)) h.set(k, v);
      return app.request(input, { ...init, headers: h });
    },
  };
}

/** An owner of the default workspace, signed in: what most API tests act as. */
export async function signedInOwner(app: Requester, q: Queryable): Promise<Requester & { session: TestSession }> {
  const owner = await createMember(q, "owner");
  const session = await sessionFor(q, owner);
  return { ...asSession(app, session), session };
}
