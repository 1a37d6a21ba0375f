/** Personal API tokens (`Authorization: Bearer gj_...`) for the CLI and scripts. */
import type { Queryable } from "../../db/index.js";
import { API_TOKEN_PREFIX, hashToken, newApiToken } from "./tokens.js";
import type { User } from "./users.js";
import { iso, ms } from "../../lib/time.js";

export interface ApiTokenInfo {
  id: string;
  name: string;
  last4: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

type Row = Omit<ApiTokenInfo, "createdAt" | "lastUsedAt" | "expiresAt"> & { createdAt: string; lastUsedAt: string | null; expiresAt: string | null };
const toInfo = (r: Row): ApiTokenInfo => ({ ...r, createdAt: iso(r.createdAt), lastUsedAt: iso(r.lastUsedAt), expiresAt: iso(r.expiresAt) });

/** The token itself is in the result once, here; only its hash is stored. */
export async function createApiToken(q: Queryable, userId: string, o: { name: string; expiresAt?: Date | null }): Promise<ApiTokenInfo & { token: string }> {
  const t = newApiToken();
  const [r] = await q<Row[]>`
    insert into api_tokens (user_id, name, token_hash, last4, expires_at) values (${userId}, ${o.name}, ${t.hash}, ${t.last4}, ${o.expiresAt ? o.expiresAt.toISOString() : null})
    returning id, name, last4, created_at as "createdAt", last_used_at as "lastUsedAt", expires_at as "expiresAt"`;
  return { ...toInfo(r), token: t.token };
}

export async function listApiTokens(q: Queryable, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await q<Row[]>`
    select id, name, last4, created_at as "createdAt", last_used_at as "lastUsedAt", expires_at as "expiresAt"
    from api_tokens where user_id = ${userId} order by created_at desc`;
  return rows.map(toInfo);
}

export async function deleteApiToken(q: Queryable, userId: string, tokenId: string): Promise<ApiTokenInfo | null> {
  const [r] = await q<Row[]>`
    delete from api_tokens where id = ${tokenId} and user_id = ${userId}
    returning id, name, last4, created_at as "createdAt", last_used_at as "lastUsedAt", expires_at as "expiresAt"`;
  return r ? toInfo(r) : null;
}

export async function resolveApiToken(q: Queryable, token: string): Promise<{ tokenId: string; user: User } | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const [row] = await q<{ tokenId: string; expiresAt: string | null; lastUsedAt: string | null; id: string; email: string; name: string }[]>`
    select t.id as "tokenId", t.expires_at as "expiresAt", t.last_used_at as "lastUsedAt", u.id, u.email, u.name
    from api_tokens t join users u on u.id = t.user_id where t.token_hash = ${hashToken(token)}`;
  if (!row) return null;
  if (row.expiresAt && ms(row.expiresAt) <= Date.now()) return null;
  if (!row.lastUsedAt || Date.now() - ms(row.lastUsedAt) > 60_000) await q`update api_tokens set last_used_at = now() where id = ${row.tokenId}`;
  return { tokenId: row.tokenId, user: { id: row.id, email: row.email, name: row.name } };
}
