/**
 * Where the server is reachable from outside (library links, feed items, webhook asset URLs): one
 * setting for the server and every worker. GENJED_PUBLIC_URL when the process has it; else the URL
 * the server recorded in the database when it started (GENJED_PUBLIC_URL on the server, or the
 * address it listens on), so a worker started elsewhere without PORT or GENJED_PUBLIC_URL links to
 * the server instead of guessing http://localhost:4280; only before any server has started, the
 * local default.
 */
import type { Sql } from "../db/index.js";

export class PublicUrlError extends Error {}

/** GENJED_PUBLIC_URL, checked (an http(s) origin, optionally with a path) and without trailing slashes; null when unset. */
export function publicUrlSetting(env: NodeJS.ProcessEnv = process.env): string | null {
  const raw = env.GENJED_PUBLIC_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PublicUrlError(`GENJED_PUBLIC_URL must be an http(s) URL such as https://studio.example.com, got "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PublicUrlError(`GENJED_PUBLIC_URL must start with http:// or https://, got "${raw}"`);
  if (url.search || url.hash) throw new PublicUrlError(`GENJED_PUBLIC_URL must not have a query or fragment, got "${raw}"`);
  return raw.replace(/\/+$/, "");
}

const KEY = "public_url";

/** The server, once it listens: what every other process links to. */
export async function recordPublicUrl(sql: Sql, url: string): Promise<void> {
  await sql`insert into server_settings (key, value) values (${KEY}, ${url.replace(/\/+$/, "")})
            on conflict (key) do update set value = excluded.value, updated_at = now()`;
}

/** The public URL as a process should use it right now (read at each use: a worker may start before the server). */
export function publicUrlSource(sql: Sql, o: { configured: string | null; port: number }): () => Promise<string> {
  if (o.configured) {
    const configured = o.configured;
    return async () => configured;
  }
  return async () => {
    const [row] = await sql<{ value: string }[]>`select value from server_settings where key = ${KEY}`;
    return row?.value ?? `http://localhost:${o.port}`;
  };
}
