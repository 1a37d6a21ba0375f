/** Workspaces, their members and roles, and their spending limits. */
import type { Queryable, Sql } from "../../db/index.js";
import { ApiError } from "../errors.js";
import type { Role } from "./roles.js";
import { iso } from "../../lib/time.js";

export interface Workspace {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface WorkspaceWithRole extends Workspace {
  role: Role;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
  /** Has not set a password yet (invited, link not used). */
  pending: boolean;
}

export interface WorkspaceLimits {
  defaultRunBudgetUsd: number | null;
  dailyCapUsd: number | null;
}

export async function createWorkspace(sql: Sql, name: string, ownerId: string): Promise<Workspace> {
  return sql.begin(async (tx) => {
    const [w] = await tx<Workspace[]>`insert into workspaces (name) values (${name.trim()}) returning id, name, is_default as "isDefault"`;
    await tx`insert into memberships (workspace_id, user_id, role) values (${w.id}, ${ownerId}, 'owner')`;
    return w;
  });
}

/** The default workspace (made by the migration; remade here if someone deleted it). */
export async function ensureDefaultWorkspace(q: Queryable): Promise<Workspace> {
  await q`insert into workspaces (name, is_default) values ('Default workspace', true) on conflict do nothing`;
  const [w] = await q<Workspace[]>`select id, name, is_default as "isDefault" from workspaces where is_default`;
  return w;
}

/** The user's workspaces, oldest membership first (the first is where requests naming none go). */
export async function workspacesOf(q: Queryable, userId: string): Promise<WorkspaceWithRole[]> {
  return q<WorkspaceWithRole[]>`
    select w.id, w.name, w.is_default as "isDefault", m.role
    from memberships m join workspaces w on w.id = m.workspace_id
    where m.user_id = ${userId} order by m.created_at, w.created_at`;
}

export async function membershipOf(q: Queryable, userId: string, workspaceId: string): Promise<WorkspaceWithRole | null> {
  const [m] = await q<WorkspaceWithRole[]>`
    select w.id, w.name, w.is_default as "isDefault", m.role
    from memberships m join workspaces w on w.id = m.workspace_id
    where m.user_id = ${userId} and m.workspace_id = ${workspaceId}`;
  return m ?? null;
}

export async function listMembers(q: Queryable, workspaceId: string): Promise<Member[]> {
  const rows = await q<(Omit<Member, "joinedAt"> & { joinedAt: string })[]>`
    select u.id as "userId", u.email, u.name, m.role, m.created_at as "joinedAt", u.password_hash is null as pending
    from memberships m join users u on u.id = m.user_id
    where m.workspace_id = ${workspaceId} order by m.created_at`;
  return rows.map((r) => ({ ...r, joinedAt: iso(r.joinedAt) }));
}

export async function addMember(q: Queryable, workspaceId: string, userId: string, role: Role): Promise<void> {
  const added = await q`insert into memberships (workspace_id, user_id, role) values (${workspaceId}, ${userId}, ${role}) on conflict do nothing returning user_id`;
  if (added.length === 0) throw new ApiError(409, "ALREADY_MEMBER", "that user is already a member of this workspace");
}

/**
 * Change a member's role. A workspace always keeps an owner: demoting the last one is refused
 * (the row lock serialises two owners demoting each other at once).
 */
export async function changeRole(sql: Sql, workspaceId: string, userId: string, role: Role): Promise<{ from: Role } | null> {
  return sql.begin(async (tx) => {
    const owners = await tx<{ userId: string; role: Role }[]>`
      select user_id as "userId", role from memberships where workspace_id = ${workspaceId} for update`;
    const current = owners.find((m) => m.userId === userId);
    if (!current) return null;
    if (current.role === "owner" && role !== "owner" && owners.filter((m) => m.role === "owner").length === 1) {
      throw new ApiError(409, "LAST_OWNER", "a workspace needs at least one owner: make someone else owner first");
    }
    await tx`update memberships set role = ${role} where workspace_id = ${workspaceId} and user_id = ${userId}`;
    return { from: current.role };
  });
}

export async function removeMember(sql: Sql, workspaceId: string, userId: string): Promise<{ role: Role } | null> {
  return sql.begin(async (tx) => {
    const members = await tx<{ userId: string; role: Role }[]>`
      select user_id as "userId", role from memberships where workspace_id = ${workspaceId} for update`;
    const current = members.find((m) => m.userId === userId);
    if (!current) return null;
    if (current.role === "owner" && members.filter((m) => m.role === "owner").length === 1) {
      throw new ApiError(409, "LAST_OWNER", "a workspace needs at least one owner: make someone else owner first");
    }
    await tx`delete from memberships where workspace_id = ${workspaceId} and user_id = ${userId}`;
    return { role: current.role };
  });
}

export async function getLimits(q: Queryable, workspaceId: string): Promise<WorkspaceLimits> {
  const [l] = await q<WorkspaceLimits[]>`
    select default_run_budget_usd as "defaultRunBudgetUsd", daily_cap_usd as "dailyCapUsd" from workspaces where id = ${workspaceId}`;
  return l;
}

export async function setLimits(q: Queryable, workspaceId: string, l: WorkspaceLimits): Promise<void> {
  await q`update workspaces set default_run_budget_usd = ${l.defaultRunBudgetUsd}, daily_cap_usd = ${l.dailyCapUsd} where id = ${workspaceId}`;
}
