import type { Database } from "../db/index.js";
import { GraphDocumentSchema } from "../schemas/index.js";
import { loadTemplates } from "./routes/catalog.js";

/** On a fresh database, add each template as a graph so a new user has something to run. */
export async function seedTemplates(database: Database, dir: string): Promise<number> {
  const [{ n }] = await database.sql<{ n: number }[]>`select count(*)::int as n from graphs`;
  if (n > 0) return 0;
  const templates = await loadTemplates(dir);
  for (const t of templates) {
    const document = GraphDocumentSchema.parse(t.document);
    await database.sql`insert into graphs (name, document) values (${document.name}, ${JSON.stringify(document)}::jsonb)`;
  }
  return templates.length;
}
