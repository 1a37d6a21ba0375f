/**
 * Who a read or write acts for. Every workspace-scoped service and engine query takes one as a
 * required argument, so forgetting it is a type error instead of a query silently widened to
 * every workspace. Requests get theirs from `scopeOf(c)` in server/auth/scope.ts (the caller's
 * workspace); background loops, the CLI and the engine's own bookkeeping pass `systemScope(why)`.
 */
export type Scope = WorkspaceScope | SystemScope;

/** Reads and writes see only this workspace: another workspace's rows are simply not found. */
export interface WorkspaceScope {
  readonly workspaceId: string;
}

/** A trusted caller acting for every workspace; `reason` says who and why, for the reader. */
export interface SystemScope {
  readonly trusted: "system";
  readonly reason: string;
}

export const workspaceScope = (workspaceId: string): WorkspaceScope => ({ workspaceId });

export const systemScope = (reason: string): SystemScope => ({ trusted: "system", reason });

/**
 * The workspace a scope limits to, or null for a system scope (queries then skip the filter).
 * Throws on anything else: a cast-away `{ workspaceId: undefined }` must not read as "everything".
 */
export function scopeWorkspace(scope: Scope): string | null {
  if ("trusted" in scope && scope.trusted === "system") return null;
  const id = (scope as Partial<WorkspaceScope>).workspaceId;
  if (typeof id === "string" && id.length > 0) return id;
  throw new TypeError("scope names no workspace and is not a system scope");
}
