/**
 * The content library: publications on the `library` channel that are live (published, and their
 * time has come), plus the view/click events our pages record for them.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "../db/index.js";
import type { PublishRequest } from "../nodes/shared/publishers/ledger.js";

export interface LibraryItem {
  id: string;
  title: string;
  caption: string;
  hashtags: string[];
  product: PublishRequest["product"] | null;
  media: { hash: string; mime: string; size: number; width?: number; height?: number; durationSec?: number; thumbnail?: string };
  publishedAt: string;
  runId: string | null;
}

interface Row {
  id: string;
  request: PublishRequest;
  publishedAt: string;
  runId: string | null;
}

const toItem = (r: Row): LibraryItem => {
  const m = r.request.media;
  return {
    id: r.id,
    title: r.request.title,
    caption: r.request.caption,
    hashtags: r.request.hashtags,
    product: r.request.product ?? null,
    media: {
      hash: m.hash,
      mime: m.mime,
      size: m.size,
      width: m.meta.width,
      height: m.meta.height,
      durationSec: m.meta.durationSec,
      ...(m.thumbnail ? { thumbnail: m.thumbnail } : {}),
    },
    publishedAt: new Date(r.publishedAt).toISOString(),
    runId: r.runId,
  };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listLibraryItems(sql: Sql, o: { limit?: number; before?: string } = {}): Promise<LibraryItem[]> {
  const rows = await sql<Row[]>`
    select id, request, published_at as "publishedAt", run_id as "runId" from publications
    where channel = 'library' and status = 'published' and published_at <= now()
      and (${o.before ?? null}::timestamptz is null or published_at < ${o.before ?? null}::timestamptz)
    order by published_at desc, id limit ${Math.min(o.limit ?? 50, 200)}`;
  return rows.map(toItem);
}

export async function getLibraryItem(sql: Sql, id: string): Promise<LibraryItem | null> {
  if (!UUID.test(id)) return null;
  const [row] = await sql<Row[]>`
    select id, request, published_at as "publishedAt", run_id as "runId" from publications
    where id = ${id} and channel = 'library' and status = 'published' and published_at <= now()`;
  return row ? toItem(row) : null;
}

/**
 * Unique visitors without storing addresses: a hash of address + user agent with a salt that lives
 * in memory and changes every day (the same visitor is one visitor within a day, and unlinkable after).
 */
let salt = { day: "", value: "" };
export function visitorId(address: string, userAgent: string, now = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  if (salt.day !== day) salt = { day, value: randomBytes(16).toString("hex") };
  return createHash("sha256").update(`${salt.value}|${address}|${userAgent}`).digest("hex").slice(0, 32);
}

export async function recordLibraryEvent(sql: Sql, e: { publicationId: string; kind: "view" | "click"; visitor: string | null; referrer: string | null }): Promise<void> {
  await sql`insert into library_events (publication_id, kind, visitor, referrer) values (${e.publicationId}, ${e.kind}, ${e.visitor}, ${e.referrer?.slice(0, 500) ?? null})`;
}
