/** Saved graphs and their immutable versions. */
import { and, desc, eq, exists, sql as dsql } from "drizzle-orm";
import type { Database } from "../db/index.js";
import { graphs, graphVersions } from "../db/schema.js";
import { scopeWorkspace, type Scope } from "../lib/scope.js";
import { iso } from "../lib/time.js";
import type { GraphDocument, GraphSummary } from "../schemas/index.js";

export interface GraphRecord {
  id: string;
  name: string;
  workspaceId: string | null;
  document: GraphDocument;
  createdAt: string;
  updatedAt: string;
}

export interface VersionRecord {
  id: string;
  graphId: string;
  number: number;
  label: string | null;
  document: GraphDocument;
  createdAt: string;
}

export const emptyDocument = (name: string): GraphDocument => ({ version: 1, name, nodes: [], edges: [] });

/** A graph of another workspace than the scope's is simply not found. */
const inScope = (id: string, scope: Scope) => {
  const ws = scopeWorkspace(scope);
  return ws ? and(eq(graphs.id, id), eq(graphs.workspaceId, ws)) : eq(graphs.id, id);
};

const toRecord = (r: typeof graphs.$inferSelect): GraphRecord => ({
  id: r.id,
  name: r.name,
  workspaceId: r.workspaceId,
  document: r.document as GraphDocument,
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export async function listGraphs({ db }: Database, scope: Scope): Promise<GraphSummary[]> {
  const ws = scopeWorkspace(scope);
  const rows = await db
    .select({
      id: graphs.id,
      name: graphs.name,
      workspaceId: graphs.workspaceId,
      createdAt: graphs.createdAt,
      updatedAt: graphs.updatedAt,
      nodeCount: dsql<number>`coalesce(jsonb_array_length(${graphs.document}->'nodes'), 0)`,
    })
    .from(graphs)
    .where(ws ? eq(graphs.workspaceId, ws) : undefined)
    .orderBy(desc(graphs.updatedAt));
  return rows.map((r) => ({ ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) }));
}

export async function getGraph({ db }: Database, id: string, scope: Scope): Promise<GraphRecord | null> {
  const [r] = await db.select().from(graphs).where(inScope(id, scope));
  return r ? toRecord(r) : null;
}

/** Without a workspace the graph lands in the default workspace (the column's default). */
export async function createGraph({ db }: Database, o: { name?: string; document?: GraphDocument; workspaceId?: string }): Promise<GraphRecord> {
  const name = o.name ?? o.document?.name ?? "Untitled graph";
  const document = { ...(o.document ?? emptyDocument(name)), name };
  const [r] = await db
    .insert(graphs)
    .values({ name, document, ...(o.workspaceId ? { workspaceId: o.workspaceId } : {}) })
    .returning();
  return toRecord(r);
}

export async function updateGraph({ db }: Database, id: string, o: { name?: string; document?: GraphDocument }, scope: Scope): Promise<GraphRecord | null> {
  const current = await getGraph({ db } as Database, id, scope);
  if (!current) return null;
  const name = o.name ?? o.document?.name ?? current.name;
  const document = { ...(o.document ?? current.document), name };
  const [r] = await db.update(graphs).set({ name, document, updatedAt: new Date().toISOString() }).where(inScope(id, scope)).returning();
  return r ? toRecord(r) : null;
}

export async function deleteGraph({ db }: Database, id: string, scope: Scope): Promise<boolean> {
  const r = await db.delete(graphs).where(inScope(id, scope)).returning({ id: graphs.id });
  return r.length > 0;
}

/**
 * Snapshot a document as the graph's next version (numbered 1, 2, 3...). null, and nothing
 * written, when the graph is not in the scope's workspace.
 */
export async function createVersion(database: Database, graphId: string, document: GraphDocument, scope: Scope, label?: string | null): Promise<VersionRecord | null> {
  return database.db.transaction(async (tx) => {
    // Serialise numbering per graph.
    const [graph] = await tx.select({ id: graphs.id }).from(graphs).where(inScope(graphId, scope)).for("update");
    if (!graph) return null;
    const [{ next }] = await tx
      .select({ next: dsql<number>`coalesce(max(${graphVersions.number}), 0) + 1` })
      .from(graphVersions)
      .where(eq(graphVersions.graphId, graphId));
    const [v] = await tx.insert(graphVersions).values({ graphId, number: Number(next), label: label ?? null, document }).returning();
    return toVersion(v);
  });
}

const toVersion = (v: typeof graphVersions.$inferSelect): VersionRecord => ({
  id: v.id,
  graphId: v.graphId,
  number: v.number,
  label: v.label,
  document: v.document as GraphDocument,
  createdAt: iso(v.createdAt),
});

/** A graph's versions, or none when the graph is not in the scope's workspace. */
const versionsOf = (db: Database["db"], graphId: string, scope: Scope) =>
  and(eq(graphVersions.graphId, graphId), exists(db.select({ id: graphs.id }).from(graphs).where(inScope(graphId, scope))));

export async function listVersions({ db }: Database, graphId: string, scope: Scope): Promise<Omit<VersionRecord, "document">[]> {
  const rows = await db
    .select({ id: graphVersions.id, graphId: graphVersions.graphId, number: graphVersions.number, label: graphVersions.label, createdAt: graphVersions.createdAt })
    .from(graphVersions)
    .where(versionsOf(db, graphId, scope))
    .orderBy(desc(graphVersions.number));
  return rows.map((r) => ({ ...r, createdAt: iso(r.createdAt) }));
}

export async function getVersion({ db }: Database, graphId: string, versionId: string, scope: Scope): Promise<VersionRecord | null> {
  const [v] = await db.select().from(graphVersions).where(and(versionsOf(db, graphId, scope), eq(graphVersions.id, versionId)));
  return v ? toVersion(v) : null;
}

export async function latestVersion({ db }: Database, graphId: string, scope: Scope): Promise<VersionRecord | null> {
  const [v] = await db.select().from(graphVersions).where(versionsOf(db, graphId, scope)).orderBy(desc(graphVersions.number)).limit(1);
  return v ? toVersion(v) : null;
}
