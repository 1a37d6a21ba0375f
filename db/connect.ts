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
  return {
    url,
    sql,
    db: drizzle(sql, { schema }),
    close: () => sql.end({ timeout: 5 }),
  };
}

/** A value for a jsonb parameter: write `${toJsonb(v)}::jsonb`. null/undefined stay SQL NULL. */
export const toJsonb = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));
