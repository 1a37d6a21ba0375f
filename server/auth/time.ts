/**
 * Timestamps in raw postgres.js queries. drizzle's postgres-js driver switches off postgres.js's
 * own date conversion on the shared client (timestamp types pass through as text), so raw queries
 * get ISO-ish text back and must send text: these helpers accept either form.
 */
export type DbTime = string | Date;

export const ms = (t: DbTime): number => new Date(t).getTime();
export const iso = (t: DbTime): string => new Date(t).toISOString();
export const isoOrNull = (t: DbTime | null): string | null => (t === null ? null : iso(t));
