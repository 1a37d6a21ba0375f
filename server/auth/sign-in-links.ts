/**
 * One-time sign-in links: printed for the first owner at first start, and made for invited
 * members. The token is in the URL fragment (`/first-run#token=...`), so it never reaches server
 * logs or Referer headers; using it sets the account's password and signs in.
 */
import type { Queryable, Sql } from "../../db/index.js";
import { hashToken, randomToken } from "./tokens.js";

export const SIGN_IN_LINK_TTL_MS = 7 * 24 * 3600 * 1000;

/** A new link for the user; any earlier unused link of theirs stops working. */
export async function issueSignInLink(q: Queryable, userId: string, ttlMs = SIGN_IN_LINK_TTL_MS): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + ttlMs);
  await q`delete from sign_in_links where user_id = ${userId} and used_at is null`;
  await q`insert into sign_in_links (token_hash, user_id, expires_at) values (${hashToken(token)}, ${userId}, ${expiresAt.toISOString()})`;
  return { token, expiresAt };
}

/** Use a link once: the user id, or null when unknown, used or expired. */
export async function consumeSignInLink(sql: Sql | Queryable, token: string): Promise<string | null> {
  const [row] = await sql<{ userId: string }[]>`
    update sign_in_links set used_at = now()
    where token_hash = ${hashToken(token)} and used_at is null and expires_at > now()
    returning user_id as "userId"`;
  return row?.userId ?? null;
}

export const signInPath = (token: string) => `/first-run#token=${token}`;
