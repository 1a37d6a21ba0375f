import path from "node:path";
import { fileURLToPath } from "node:url";
import { migrate as drizzleMigrate } from "drizzle-orm/postgres-js/migrator";
import { Logger, runMigrations } from "graphile-worker";
import type { Database } from "./connect.js";

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../migrations");
/** Arbitrary constant: serialises migrations when several processes start at once. */
const MIGRATION_LOCK = 727_001;

/** graphile-worker logs every job at info level; ours are reported through run events instead. */
export const quietLogger = new Logger(() => (level, message) => {
  if (level === "error") console.error(`[worker] ${message}`);
});

/** Apply our drizzle migrations and graphile-worker's own schema, once even with concurrent starters. */
export async function migrate(database: Database): Promise<void> {
  // An advisory lock lives on one connection, so hold it on a reserved one.
  const conn = await database.sql.reserve();
  try {
    await conn`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await drizzleMigrate(database.db, { migrationsFolder: MIGRATIONS });
    await runMigrations({ connectionString: database.url, logger: quietLogger });
  } finally {
    await conn`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    conn.release();
  }
}
