import { getGraph } from "../services/graphs.js";
import type { Scope } from "../lib/scope.js";
import type { GraphDocument } from "../schemas/index.js";
import type { ServerDeps } from "./deps.js";

/**
 * The current document: the live collaborative one when the collab service runs, else the stored
 * one. Null when the graph does not exist (or is not in the scope's workspace).
 */
export async function currentDocument(deps: ServerDeps, id: string, scope: Scope): Promise<GraphDocument | null> {
  const g = await getGraph(deps.database, id, scope);
  if (!g) return null;
  if (deps.collab) return deps.collab.getDocument(id);
  return g.document;
}
