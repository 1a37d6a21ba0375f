/**
 * Vitest global setup: one real PostgreSQL for the whole suite (embedded unless DATABASE_URL is set),
 * migrated once into a template database; each test file clones it (fast) so files run side by side.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import postgres from "postgres";
import { connectDatabase, migrate, startEmbeddedPostgres, type EmbeddedDatabase } from "../db/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let home: string | undefined;

export async function setup(project: TestProject) {
  let baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    home = await mkdtemp(path.join(os.tmpdir(), "genjed-test-pg-"));
    embedded = await startEmbeddedPostgres(path.join(home, "pg"), { database: "postgres" });
    baseUrl = embedded.url;
  }
  const template = `genjed_template_${process.pid}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  const templateUrl = withDatabase(baseUrl, template);
  const db = connectDatabase(templateUrl, { max: 2 });
  await migrate(db);
  await db.close();
  await admin.end();
  project.provide("templateDatabaseUrl", templateUrl);
}

export async function teardown() {
  await embedded?.stop();
  if (home) await rm(home, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
