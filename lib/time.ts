/**
 * Timestamps as ISO 8601 text (`2026-01-31T12:00:00.000Z`), the form API views and SQL parameters
 * use. The database hands every timestamptz back as ISO UTC text with microseconds, raw queries and
 * drizzle's typed columns alike (db/connect.ts, db/schema*.ts `mode: "string"`); iso() normalises
 * that to milliseconds, and also takes a JS clock's Date.
 */
export type DbTime = string;

/** ISO text; null (or undefined) stays null. */
export function iso(t: DbTime | Date): string;
export function iso(t: DbTime | Date | null | undefined): string | null;
export function iso(t: DbTime | Date | null | undefined): string | null {
  return t === null || t === undefined ? null : new Date(t).toISOString();
}

/** Milliseconds since the epoch. */
export const ms = (t: DbTime): number => new Date(t).getTime();
