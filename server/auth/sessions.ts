/** Browser sessions: a random token in an httpOnly cookie, its SHA-256 in `sessions`. */
import type { Queryable } from "../../db/index.js";
import { hashToken, randomToken } from "./tokens.js";
import type { User } from "./users.js";
import { ms } from "../../lib/time.js";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
/** last_seen_at is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export async function createSession(q: Queryable, userId: string, o: { userAgent?: string | null; ip?: string | null; ttlMs?: number } = {}) {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + (o.ttlMs ?? SESSION_TTL_MS));
  const [s] = await q<{ id: string }[]>`
    insert into sessions (token_hash, user_id, expires_at, user_agent, ip)
    values (${hashToken(token)}, ${userId}, ${expiresAt.toISOString()}, ${o.userAgent?.slice(0, 300) ?? null}, ${o.ip ?? null}) returning id`;
  return { id: s.id, token, expiresAt };
}

/** The signed-in user of a session token, or null (unknown, forged or expired). */
export async function resolveSession(q: Queryable, token: string): Promise<{ sessionId: string; user: User } | null> {
  const [row] = await q<{ sessionId: string; expiresAt: string; lastSeenAt: string; id: string; email: string; name: string }[]>`
    select s.id as "sessionId", s.expires_at as "expiresAt", s.last_seen_at as "lastSeenAt", u.id, u.email, u.name
    from sessions s join users u on u.id = s.user_id where s.token_hash = ${hashToken(token)}`;
  if (!row) return null;
  if (ms(row.expiresAt) <= Date.now()) {
    await q`delete from sessions where id = ${row.sessionId}`;
    return null;
  }
  if (Date.now() - ms(row.lastSeenAt) > TOUCH_EVERY_MS) await q`update sessions set last_seen_at = now() where id = ${row.sessionId}`;
  return { sessionId: row.sessionId, user: { id: row.id, email: row.email, name: row.name } };
}

export async function deleteSession(q: Queryable, sessionId: string): Promise<void> {
  await q`delete from sessions where id = ${sessionId}`;
}

/** Housekeeping: expired sessions, used or expired sign-in links, old sign-in attempts. */
export async function pruneExpired(q: Queryable): Promise<void> {
  await q`delete from sessions where expires_at < now()`;
  await q`delete from sign_in_links where expires_at < now() - interval '7 days'`;
  await q`delete from sign_in_attempts where at < now() - interval '7 days'`;
}
