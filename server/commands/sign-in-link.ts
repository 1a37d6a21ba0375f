/**
 * `genjed sign-in-link EMAIL [--url BASE]`: a fresh one-time sign-in link for an existing account,
 * for whoever has a shell on the server: a forgotten password, an invitation that got lost, an
 * owner who never used the link printed at first start. The link goes to stdout alone (so scripts
 * can take it); what it is goes to stderr.
 */
import path from "node:path";
import { connectDatabase, migrate, startEmbeddedPostgres } from "../../db/index.js";
import { signInLinkFor } from "../auth/owner.js";
import { SIGN_IN_LINK_TTL_MS } from "../auth/sign-in-links.js";
import { normalizeEmail } from "../auth/users.js";
import { ConfigError, readConfig, type Config } from "../config.js";

/** Where people reach the server: `--url` when it is behind a proxy or another name, else what `genjed start` prints. */
export function serverBaseUrl(given: string | undefined, config: Pick<Config, "host" | "port">): string {
  if (given === undefined) return `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConfigError(`--url must be the server's address, like https://studio.example.com (got "${given}")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`--url must start with http:// or https:// (got "${given}")`);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

export async function signInLinkCommand(email: string, o: { url?: string } = {}): Promise<number> {
  const config = readConfig();
  const base = serverBaseUrl(o.url, config);
  let databaseUrl = config.databaseUrl;
  let stopPostgres = async () => {};
  if (!databaseUrl) {
    // Shares the cluster of a running `genjed start`, or starts it just for this.
    const pg = await startEmbeddedPostgres(path.join(config.home, "pg"));
    databaseUrl = pg.url;
    stopPostgres = pg.stop;
  }
  const database = connectDatabase(databaseUrl, { max: 2 });
  try {
    await migrate(database);
    const link = await signInLinkFor(database, email, { actor: "cli" });
    const days = Math.round(SIGN_IN_LINK_TTL_MS / 86_400_000);
    console.error(`One-time sign-in link for ${normalizeEmail(email)}, valid for ${days} days; it asks for a new password, and any earlier unused link for this account stops working:`);
    console.log(`${base}${link}`);
    return 0;
  } finally {
    await database.close();
    await stopPostgres();
  }
}
