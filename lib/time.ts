/**
 * Timestamps as ISO 8601 text (`2026-01-31T12:00:00.000Z`), the form API views and SQL parameters
 * use. Raw postgres.js queries read timestamptz columns as ISO text already (db/connect.ts, with
 * microseconds); drizzle's typed queries read Dates. These accept either.
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
