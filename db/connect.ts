import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.js";

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;
/** Either the pool or a transaction: engine helpers take whichever they are given. */
export type Queryable = Sql | Tx;

export interface Database {
  url: string;
  sql: Sql;
  db: PostgresJsDatabase<typeof schema>;
  close(): Promise<void>;
}

export function connectDatabase(url: string, opts: { max?: number } = {}): Database {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // bigint columns (durations, sizes) come back as JS numbers.
    types: { bigint: { to: 20, from: [20], serialize: (v: number | bigint) => String(v), parse: (v: string) => Number(v) } },
    transform: { undefined: null },
  });
  const db = drizzle(sql, { schema });
  // After drizzle: its driver sets timestamp parsers to pass PostgreSQL's text through, so this is
  // the one place timestamps get their form. Drizzle's columns are `mode: "string"` (db/schema*.ts),
  // which hands this same text on: raw and typed queries read identical ISO strings.
  sql.options.parsers[TIMESTAMPTZ_OID] = timestamptzIso;
  return { url, sql, db, close: () => sql.end({ timeout: 5 }) };
}

const TIMESTAMPTZ_OID = 1184;
const PG_TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/**
 * A timestamptz as ISO 8601 UTC text with PostgreSQL's microseconds, always six digits:
 * `2026-01-31 17:30:00.12+05:30` -> `2026-01-31T12:00:00.120000Z`. The microseconds stay so a value
 * read and sent back as a parameter (compacted collab updates keep their created_at) is the same
 * instant; the fixed width keeps the texts in time order when compared as strings, as code
 * comparing two read timestamps does. Values without this form (infinity, BC, years past 9999) stay
 * as PostgreSQL writes them.
 */
export function timestamptzIso(text: string): string {
  // A UTC session (the usual case) writes "YYYY-MM-DD HH:MM:SS[.ffffff]+00": rearranged without
  // parsing, since a 10,000-item run view reads tens of thousands of these.
  if (text.length >= 22 && text.length <= 29 && text[4] === "-" && text[10] === " " && text.endsWith("+00") && (text.length === 22 || text[19] === ".")) {
    return `${text.slice(0, 10)}T${text.slice(11, 19)}${(text.length === 22 ? "." : text.slice(19, -3)).padEnd(7, "0")}Z`;
  }
  const m = PG_TIMESTAMPTZ.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, frac = ".", sign, oh, om = "0", os = "0"] = m;
  const t = new Date(0);
  t.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  t.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const offsetSeconds = (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os));
  const utc = new Date(t.getTime() - offsetSeconds * 1000).toISOString();
  return /^\d{4}-/.test(utc) ? `${utc.slice(0, 19)}${frac.padEnd(7, "0")}Z` : text;
}

/** A value for a jsonb parameter: write `${toJsonb(v)}::jsonb`. null/undefined stay SQL NULL. */
export const toJsonb = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
