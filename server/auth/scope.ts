import type { Context } from "hono";
import { workspaceScope, type WorkspaceScope } from "../../lib/scope.js";
import { authOf } from "./middleware.js";

/**
 * The one place a request's scope is built: the signed-in caller's workspace, as resolved by the
 * auth guard. Routes pass it to every workspace-scoped read or write, so another workspace's
 * graph, run, review or trigger answers "not found".
 */
export const scopeOf = (c: Context): WorkspaceScope => workspaceScope(authOf(c).workspace.id);
