/**
 * Workspace roles, weakest to strongest. Each role can do everything the ones below it can:
 * viewer reads; reviewer also decides reviews; editor also edits graphs and runs them (spends);
 * owner also manages members, secrets and spending limits.
 */
import { ROLES } from "../../db/schema-auth.js";

export type Role = (typeof ROLES)[number];
export { ROLES };

const RANK: Record<Role, number> = { viewer: 0, reviewer: 1, editor: 2, owner: 3 };

export const isRole = (v: unknown): v is Role => typeof v === "string" && (ROLES as readonly string[]).includes(v);

/** Whether `role` is allowed what `min` is. */
export const atLeast = (role: Role, min: Role): boolean => RANK[role] >= RANK[min];
