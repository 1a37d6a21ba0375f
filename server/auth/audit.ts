/**
 * The audit log: who did what, when, from where. Written next to the change it records (in the
 * same transaction when there is one). Never given a secret value or a credential.
 */
import type { Queryable } from "../../db/index.js";
import { toJsonb } from "../../db/index.js";
import { iso } from "../../lib/time.js";

export interface AuditEvent {
  workspaceId?: string | null;
  /** The acting user; null for the system (a deadline, a trigger). */
  user?: { id: string; email: string } | null;
  /** Shown instead of the user's email when there is no user ("system", an address that failed to sign in). */
  actor?: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

export interface AuditEntry {
  id: number;
  workspaceId: string | null;
  userId: string | null;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  at: string;
}

export async function writeAudit(q: Queryable, e: AuditEvent): Promise<void> {
  await q`
    insert into audit_log (workspace_id, user_id, actor, action, target, details, ip)
    values (${e.workspaceId ?? null}, ${e.user?.id ?? null}, ${e.actor ?? e.user?.email ?? "system"}, ${e.action}, ${e.target ?? null},
            ${toJsonb(e.details ?? {})}::jsonb, ${e.ip ?? null})`;
}

/**
 * A workspace's audit trail, newest first: its own events, plus the account events (sign-ins,
 * tokens) of the people who are its members.
 */
export async function listAudit(q: Queryable, workspaceId: string, o: { limit?: number; beforeId?: number; action?: string } = {}): Promise<AuditEntry[]> {
  const rows = await q<(Omit<AuditEntry, "at"> & { at: string })[]>`
    select id, workspace_id as "workspaceId", user_id as "userId", actor, action, target, details, ip, at
    from audit_log a
    where (a.workspace_id = ${workspaceId}
           or (a.workspace_id is null and a.user_id in (select user_id from memberships where workspace_id = ${workspaceId})))
      and (${o.beforeId ?? null}::bigint is null or a.id < ${o.beforeId ?? null}::bigint)
      and (${o.action ?? null}::text is null or a.action = ${o.action ?? null}::text or a.action like ${(o.action ?? "") + ".%"})
    order by a.id desc limit ${Math.min(o.limit ?? 100, 1000)}`;
  return rows.map((r) => ({ ...r, at: iso(r.at) }));
}
