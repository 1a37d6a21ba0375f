/**
 * PostgreSQL storage of a graph's Y.Doc: an append-only log of Yjs updates (graph_doc_updates),
 * compacted into one row past a threshold, and the materialised JSON (graphs.document) that REST
 * reads and runs use.
 */
import * as Y from "yjs";
import type { Queryable, Sql } from "../../db/index.js";

export interface StoredGraph {
  name: string;
  document: unknown;
  updatedAt: string;
}

export interface StoredUpdates {
  updates: Uint8Array[];
  /** Newest row's created_at (null when the doc has never been stored); ISO text of fixed width (db/connect.ts), so `<` is time order. */
  lastAt: string | null;
}

/** PostgreSQL's foreign_key_violation: the graph row was deleted under us. */
export const isGraphGone = (err: unknown) => (err as { code?: string })?.code === "23503";

export async function loadGraphRow(sql: Queryable, graphId: string): Promise<StoredGraph | null> {
  const rows = await sql<{ name: string; document: unknown; updated_at: string }[]>`
    select name, document, updated_at from graphs where id = ${graphId}`;
  const r = rows[0];
  return r ? { name: r.name, document: r.document, updatedAt: r.updated_at } : null;
}

export async function loadUpdates(sql: Queryable, graphId: string): Promise<StoredUpdates> {
  const rows = await sql<{ update: Buffer; created_at: string }[]>`
    select update, created_at from graph_doc_updates where graph_id = ${graphId} order by id`;
  let lastAt: string | null = null;
  for (const r of rows) if (!lastAt || r.created_at > lastAt) lastAt = r.created_at;
  return { updates: rows.map((r) => new Uint8Array(r.update)), lastAt };
}

export async function appendUpdate(sql: Queryable, graphId: string, update: Uint8Array): Promise<void> {
  await sql`insert into graph_doc_updates (graph_id, update) values (${graphId}, ${Buffer.from(update)})`;
}

export async function countUpdates(sql: Queryable, graphId: string): Promise<number> {
  const [r] = await sql<{ n: number }[]>`select count(*)::int as n from graph_doc_updates where graph_id = ${graphId}`;
  return r.n;
}

/**
 * Merge all stored updates of a graph into one row. Only the rows read are deleted (by id), so an
 * update appended concurrently by another transaction is never lost. The merged row keeps the
 * newest created_at of what it replaces: load-time reconciliation compares it with
 * graphs.updated_at to tell which side is newer.
 */
export async function compactUpdates(sql: Sql, graphId: string): Promise<number> {
  return sql.begin(async (tx) => {
    const rows = await tx<{ id: number; update: Buffer; created_at: string }[]>`
      select id, update, created_at from graph_doc_updates where graph_id = ${graphId} order by id for update`;
    if (rows.length < 2) return rows.length;
    const merged = Y.mergeUpdates(rows.map((r) => new Uint8Array(r.update)));
    const newest = rows.reduce((d, r) => (r.created_at > d ? r.created_at : d), rows[0].created_at);
    await tx`delete from graph_doc_updates where id in ${tx(rows.map((r) => r.id))}`;
    await tx`insert into graph_doc_updates (graph_id, update, created_at) values (${graphId}, ${Buffer.from(merged)}, ${newest})`;
    return 1;
  });
}

/** Write the materialised document; false when the graph no longer exists. */
export async function writeGraphDocumentColumn(sql: Queryable, graphId: string, name: string, document: unknown): Promise<boolean> {
  const rows = await sql`
    update graphs set document = ${JSON.stringify(document)}::jsonb, name = ${name}, updated_at = now()
    where id = ${graphId} returning id`;
  return rows.length > 0;
}
