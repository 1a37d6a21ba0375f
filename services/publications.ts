/**
 * The publication ledger on PostgreSQL (see nodes/shared/publishers/ledger.ts for the contract), the
 * queries the content library's pages use, and the claim of due scheduled publications.
 */
import type { Queryable, Sql } from "../db/index.js";
import { toJsonb } from "../db/index.js";
import type { PublicationError, PublicationIntent, PublicationLedger, PublicationRecord } from "../nodes/shared/publishers/ledger.js";
import { publicUrlSetting } from "./public-url.js";
import { iso } from "../lib/time.js";

export interface LedgerOptions {
  /** Where our server is reachable from outside (library links, webhook asset URLs): a fixed URL, or the runtime's source (services/public-url.ts). */
  publicUrl: string | (() => Promise<string>);
}

/** For a process without a database-backed source (tests, tools): GENJED_PUBLIC_URL, else the local server. */
export const publicUrlFromEnv = (env: NodeJS.ProcessEnv = process.env) => publicUrlSetting(env) ?? `http://localhost:${env.PORT || 4280}`;

const COLUMNS = (q: Queryable) => q`
  id, idempotency_key as "idempotencyKey", channel, status, request, platform_state as "platformState", platform_id as "platformId", url,
  error, attempts, scheduled_at as "scheduledAt", published_at as "publishedAt", created_at as "createdAt"`;

interface Row extends Omit<PublicationRecord, "scheduledAt" | "publishedAt" | "createdAt"> {
  scheduledAt: string | null;
  publishedAt: string | null;
  createdAt: string;
}

export const toRecord = (r: Row): PublicationRecord => ({ ...r, scheduledAt: iso(r.scheduledAt), publishedAt: iso(r.publishedAt), createdAt: iso(r.createdAt) });

/** Publications go into the run's workspace audit log, by the system (no user publishes directly). */
async function auditPublication(sql: Sql, p: PublicationRecord, action: "publication.publish" | "publication.fail"): Promise<void> {
  const details = { channel: p.channel, url: p.url, platformId: p.platformId, error: p.error?.message ?? null };
  await sql`
    insert into audit_log (workspace_id, user_id, actor, action, target, details)
    select r.workspace_id, null, 'system', ${action}, ${p.id}, ${toJsonb(details)}::jsonb
    from publications pub left join runs r on r.id = pub.run_id where pub.id = ${p.id}`;
}

export function createPublicationLedger(sql: Sql, o: LedgerOptions): PublicationLedger {
  const configured = o.publicUrl;
  const publicUrl = typeof configured === "string" ? async () => configured.replace(/\/+$/, "") : configured;
  const one = async (rows: Row[], what: string) => {
    if (!rows[0]) throw new Error(`publication ${what} does not exist`);
    return toRecord(rows[0]);
  };
  return {
    async find(key) {
      const rows = await sql<Row[]>`select ${COLUMNS(sql)} from publications where idempotency_key = ${key}`;
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async begin(key, intent: PublicationIntent) {
      const r = intent.request;
      await sql`
        insert into publications (idempotency_key, run_id, node_id, item, channel, status, request, media_hash, product_id, format)
        values (${key}, ${intent.runId}, ${intent.nodeId}, ${intent.item}, ${intent.channel}, 'pending', ${toJsonb(r)}::jsonb,
                ${r.media.hash}, ${r.product?.id ?? null}, ${toJsonb(r.format)}::jsonb)
        on conflict (idempotency_key) do nothing`;
      // A failed record is tried again (the platform never published it); anything else resumes as it is.
      const rows = await sql<Row[]>`
        update publications set attempts = attempts + 1, updated_at = now(),
          status = case when status = 'failed' then 'pending' else status end
        where idempotency_key = ${key}
        returning ${COLUMNS(sql)}`;
      return one(rows, key);
    },
    async claim(id) {
      // Kept in platform_state (merged like a checkpoint): `claims` counts the attempts that sent.
      const rows = await sql<{ claims: number }[]>`
        update publications set updated_at = now(), platform_state = platform_state || jsonb_build_object(
          'claims', coalesce((platform_state->>'claims')::int, 0) + 1, 'claimedAt', now())
        where id = ${id} returning (platform_state->>'claims')::int as claims`;
      if (!rows[0]) throw new Error(`publication ${id} does not exist`);
      return rows[0].claims;
    },
    async checkpoint(id, state) {
      await sql`update publications set platform_state = platform_state || ${toJsonb(state)}::jsonb, updated_at = now() where id = ${id}`;
    },
    async complete(id, result) {
      const rows = await sql<Row[]>`
        update publications set status = 'published', platform_id = ${result.platformId}, url = ${result.url}, error = null,
          published_at = coalesce(${result.publishedAt ?? null}::timestamptz, now()), updated_at = now()
        where id = ${id} returning ${COLUMNS(sql)}`;
      const record = await one(rows, id);
      await auditPublication(sql, record, "publication.publish");
      return record;
    },
    async fail(id, error: PublicationError) {
      const rows = await sql<Row[]>`
        update publications set status = 'failed', error = ${toJsonb(error)}::jsonb, updated_at = now()
        where id = ${id} and status <> 'published' returning ${COLUMNS(sql)}`;
      if (rows[0]) await auditPublication(sql, toRecord(rows[0]), "publication.fail");
      return rows[0] ? toRecord(rows[0]) : one(await sql<Row[]>`select ${COLUMNS(sql)} from publications where id = ${id}`, id);
    },
    async noteError(id, error) {
      await sql`update publications set error = ${toJsonb(error)}::jsonb, updated_at = now() where id = ${id} and status in ('pending', 'publishing')`;
    },
    async schedule(id, at) {
      const rows = await sql<Row[]>`
        update publications set status = 'scheduled', scheduled_at = ${at}::timestamptz, updated_at = now()
        where id = ${id} and status in ('pending', 'scheduled', 'publishing') returning ${COLUMNS(sql)}`;
      return rows[0] ? toRecord(rows[0]) : one(await sql<Row[]>`select ${COLUMNS(sql)} from publications where id = ${id}`, id);
    },
    publicUrl,
    libraryUrl: async (id) => `${await publicUrl()}/library/items/${id}`,
  };
}

/**
 * Scheduled publications whose time has come, claimed for this process: marked `publishing` (so
 * neither another scheduler nor a retry of the node takes them too) and returned for publishing.
 * A claim whose holder went quiet (no checkpoint for `leaseMs`: its process died) is taken over;
 * the platform state it checkpointed lets the new holder resume instead of posting again.
 */
export async function claimDuePublications(sql: Sql, o: { limit?: number; leaseMs?: number } = {}): Promise<PublicationRecord[]> {
  const rows = await sql<Row[]>`
    update publications set status = 'publishing', updated_at = now()
    where id in (
      select id from publications
      where (status = 'scheduled' and scheduled_at <= now())
         or (status = 'publishing' and updated_at < now() - ${(o.leaseMs ?? 15 * 60_000) / 1000} * interval '1 second')
      order by scheduled_at limit ${o.limit ?? 20} for update skip locked)
    returning ${COLUMNS(sql)}`;
  return rows.map(toRecord);
}

export async function getPublication(sql: Sql, id: string): Promise<PublicationRecord | null> {
  const rows = await sql<Row[]>`select ${COLUMNS(sql)} from publications where id = ${id}`;
  return rows[0] ? toRecord(rows[0]) : null;
}
