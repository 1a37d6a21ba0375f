/**
 * Workspaces and their members: GET/POST /api/workspaces, GET /api/workspaces/:id,
 * GET/POST/PATCH/DELETE /api/workspaces/:id/members[/:userId], GET/PUT /api/workspaces/:id/limits.
 * The guard has already checked the caller's role in the workspace of the path.
 */
import { Hono } from "hono";
import { z } from "zod";
import { workspaceSpend } from "../../../engine/spend-limits.js";
import type { ServerDeps } from "../../deps.js";
import { notFound } from "../../errors.js";
import { idParam, route } from "../../route.js";
import { writeAudit } from "../audit.js";
import { authOf, identityOf } from "../middleware.js";
import { clientIp } from "../request.js";
import { ROLES } from "../roles.js";
import type { AuthSettings } from "../settings.js";
import { issueSignInLink, signInPath } from "../sign-in-links.js";
import { createUser, findUserByEmail } from "../users.js";
import { addMember, changeRole, createWorkspace, getLimits, listMembers, removeMember, setLimits, workspacesOf } from "../workspaces.js";

const CreateWorkspaceBody = z.object({ name: z.string().trim().min(1).max(100) });
const AddMemberBody = z.object({ email: z.email().max(320), role: z.enum(ROLES), name: z.string().trim().min(1).max(100).optional() });
const ChangeRoleBody = z.object({ role: z.enum(ROLES) });
const Usd = z.number().min(0).max(1_000_000).nullable();
const LimitsBody = z.object({ defaultRunBudgetUsd: Usd, dailyCapUsd: Usd }).partial();
const WorkspaceParams = z.object({ id: idParam("workspace") });
const MemberParams = z.object({ id: idParam("workspace"), userId: idParam("member") });

export function workspaceRoutes(deps: ServerDeps, settings: AuthSettings) {
  const app = new Hono();
  const { sql } = deps.database;
  const ipOf = (c: Parameters<typeof clientIp>[0]) => clientIp(c, settings);

  route(app, { method: "GET", path: "/", summary: "Your workspaces" }, async (c) => c.json(await workspacesOf(sql, identityOf(c).user.id)));

  route(app, { method: "POST", path: "/", summary: "Create a workspace (you own it)", body: CreateWorkspaceBody }, async (c, { body }) => {
    const { user } = identityOf(c);
    const w = await createWorkspace(sql, body.name, user.id);
    await writeAudit(sql, { workspaceId: w.id, user, action: "workspace.create", target: w.id, details: { name: w.name }, ip: ipOf(c) });
    return c.json({ ...w, role: "owner" }, 201);
  });

  route(app, { method: "GET", path: "/:id", summary: "A workspace and your role in it", params: WorkspaceParams }, (c) => {
    const a = authOf(c);
    return c.json({ ...a.workspace, role: a.role });
  });

  route(app, { method: "GET", path: "/:id/members", summary: "Members and their roles", params: WorkspaceParams }, async (c) => c.json(await listMembers(sql, authOf(c).workspace.id)));

  /**
   * Add someone by email. A new address gets an account without a password and a one-time
   * sign-in link, returned here once (`signInPath`, to append to the server's address) for the
   * owner to pass on.
   */
  route(app, { method: "POST", path: "/:id/members", summary: "Add someone by email (new accounts get a sign-in link)", params: WorkspaceParams, body: AddMemberBody }, async (c, { body }) => {
    const a = authOf(c);
    const { user, link } = await sql.begin(async (tx) => {
      const existing = await findUserByEmail(tx, body.email);
      const user = existing ?? (await createUser(tx, { email: body.email, name: body.name }));
      await addMember(tx, a.workspace.id, user.id, body.role);
      const link = existing?.passwordHash ? null : await issueSignInLink(tx, user.id);
      await writeAudit(tx, { workspaceId: a.workspace.id, user: a.user, action: "member.add", target: user.id, details: { email: user.email, role: body.role }, ip: ipOf(c) });
      return { user, link };
    });
    const member = (await listMembers(sql, a.workspace.id)).find((m) => m.userId === user.id)!;
    return c.json({ member, ...(link ? { signInPath: signInPath(link.token), signInExpiresAt: link.expiresAt.toISOString() } : {}) }, 201);
  });

  route(app, { method: "PATCH", path: "/:id/members/:userId", summary: "Change a member's role", params: MemberParams, body: ChangeRoleBody }, async (c, { params: { userId }, body }) => {
    const a = authOf(c);
    const changed = await changeRole(sql, a.workspace.id, userId, body.role);
    if (!changed) throw notFound("member", userId);
    await writeAudit(sql, { workspaceId: a.workspace.id, user: a.user, action: "member.role", target: userId, details: { from: changed.from, to: body.role }, ip: ipOf(c) });
    return c.json((await listMembers(sql, a.workspace.id)).find((m) => m.userId === userId));
  });

  route(app, { method: "DELETE", path: "/:id/members/:userId", summary: "Remove a member", params: MemberParams }, async (c, { params: { userId } }) => {
    const a = authOf(c);
    const removed = await removeMember(sql, a.workspace.id, userId);
    if (!removed) throw notFound("member", userId);
    await writeAudit(sql, { workspaceId: a.workspace.id, user: a.user, action: "member.remove", target: userId, details: { role: removed.role }, ip: ipOf(c) });
    return c.body(null, 204);
  });

  route(app, { method: "GET", path: "/:id/limits", summary: "Spend limits and current spend", params: WorkspaceParams }, async (c) => {
    const id = authOf(c).workspace.id;
    const [limits, spend] = await Promise.all([getLimits(sql, id), workspaceSpend(sql, id)]);
    return c.json({ ...limits, spentLast24hUsd: spend.spentUsd, runningUsd: spend.reservedUsd });
  });

  route(app, { method: "PUT", path: "/:id/limits", summary: "Set spend limits", params: WorkspaceParams, body: LimitsBody }, async (c, { body }) => {
    const a = authOf(c);
    const before = await getLimits(sql, a.workspace.id);
    const after = { ...before, ...body };
    await setLimits(sql, a.workspace.id, after);
    await writeAudit(sql, { workspaceId: a.workspace.id, user: a.user, action: "limits.update", details: { from: before, to: after }, ip: ipOf(c) });
    return c.json(after);
  });

  return app;
}
