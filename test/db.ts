import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { connectDatabase, type Database } from "../db/index.js";

export interface TestDatabase extends Database {
  /** Drop the database (closes this connection first). */
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own (cloned from the suite's template) for one test file or test. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = new URL(inject("templateDatabaseUrl")).pathname.slice(1);
  return createDatabase("genjed_t", template);
}

/**
 * A new database on the suite's server: a clone of `template`, or empty (for fixtures that migrate
 * it themselves, like the old-release upgrade test). `drop()` removes it.
 */
export async function createDatabase(prefix: string, template?: string): Promise<TestDatabase> {
  const templateUrl = inject("templateDatabaseUrl");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const adminUrl = new URL(templateUrl);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const db = connectDatabase(url.toString());
  return {
    ...db,
    async drop() {
      await db.close();
      const a = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
