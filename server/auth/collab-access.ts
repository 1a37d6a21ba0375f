/**
 * Who may open a graph's collaboration socket, checked on the HTTP upgrade: the same credentials
 * as the REST API (session cookie or `Authorization: Bearer gj_...`). Editors and owners get a
 * read-write socket; viewers and reviewers a read-only one (they receive every update, their
 * edits are dropped); anyone else, or a graph of a workspace they are not in, gets 404.
 */
import type { IncomingMessage } from "node:http";
import type { Database } from "../../db/index.js";
import type { CollabAccess } from "../collab/index.js";
import { identify, SESSION_COOKIE } from "./middleware.js";
import { originAllowed } from "./request.js";
import { atLeast } from "./roles.js";
import type { AuthSettings } from "./settings.js";
import { membershipOf } from "./workspaces.js";

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function collabAuthorizer(database: Pick<Database, "sql">, settings: AuthSettings) {
  const { sql } = database;
  return async (req: IncomingMessage, graphId: string): Promise<CollabAccess> => {
    const authorization = req.headers.authorization;
    const sessionCookie = authorization ? undefined : cookieValue(req.headers.cookie, SESSION_COOKIE);
    // Browsers send cookies with cross-site WebSocket handshakes too: only our own pages may use them.
    const origin = req.headers.origin;
    const host = (settings.trustProxy && String(req.headers["x-forwarded-host"] ?? "").split(",")[0].trim()) || req.headers.host;
    if (sessionCookie && origin && !originAllowed(origin, host, settings)) return false;
    const identity = await identify(sql, { authorization, sessionCookie }).catch(() => null);
    if (!identity) return false;
    const [graph] = await sql<{ workspaceId: string | null }[]>`select workspace_id as "workspaceId" from graphs where id = ${graphId}`;
    if (!graph?.workspaceId) return "not-found";
    const member = await membershipOf(sql, identity.user.id, graph.workspaceId);
    if (!member) return "not-found";
    return atLeast(member.role, "editor") ? "write" : "read";
  };
}
