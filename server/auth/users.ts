/** User accounts. Email addresses are stored lower-cased; sign-in compares them that way. */
import type { Queryable } from "../../db/index.js";

export interface User {
  id: string;
  email: string;
  name: string;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function createUser(q: Queryable, o: { email: string; name?: string; passwordHash?: string | null }): Promise<User> {
  const email = normalizeEmail(o.email);
  const [u] = await q<User[]>`
    insert into users (email, name, password_hash) values (${email}, ${o.name?.trim() || email.split("@")[0]}, ${o.passwordHash ?? null})
    returning id, email, name`;
  return u;
}

export async function findUserByEmail(q: Queryable, email: string): Promise<(User & { passwordHash: string | null }) | null> {
  const [u] = await q<(User & { passwordHash: string | null })[]>`
    select id, email, name, password_hash as "passwordHash" from users where email = ${normalizeEmail(email)}`;
  return u ?? null;
}

export async function getUser(q: Queryable, id: string): Promise<User | null> {
  const [u] = await q<User[]>`select id, email, name from users where id = ${id}`;
  return u ?? null;
}

export async function setPassword(q: Queryable, userId: string, passwordHash: string): Promise<void> {
  await q`update users set password_hash = ${passwordHash}, updated_at = now() where id = ${userId}`;
  // A new password ends every other way in that relied on the old one.
  await q`delete from sessions where user_id = ${userId}`;
}

export async function updateProfile(q: Queryable, userId: string, o: { name?: string; email?: string }): Promise<void> {
  if (o.name !== undefined) await q`update users set name = ${o.name.trim()}, updated_at = now() where id = ${userId}`;
  if (o.email !== undefined) await q`update users set email = ${normalizeEmail(o.email)}, updated_at = now() where id = ${userId}`;
}
