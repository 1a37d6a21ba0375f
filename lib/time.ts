/**
 * Timestamps as ISO 8601 text (`2026-01-31T12:00:00.000Z`), the one form API views and SQL
 * parameters use. What comes out of the database is either text (raw postgres.js queries: drizzle's
 * driver switches postgres.js's own date parsing off on the shared client, so timestamptz columns
 * arrive as PostgreSQL's `2026-01-31 12:00:00.123+00`) or a Date (drizzle's typed queries); these
 * accept both.
 */
export type DbTime = string | Date;

/** ISO text; null (or undefined) stays null. */
export function iso(t: DbTime): string;
export function iso(t: DbTime | null | undefined): string | null;
export function iso(t: DbTime | null | undefined): string | null {
  return t === null || t === undefined ? null : new Date(t).toISOString();
}

/** Milliseconds since the epoch. */
export const ms = (t: DbTime): number => new Date(t).getTime();
