import path from "node:path";

/** Settings from the environment (see README "Environment"). */
export interface Config {
  port: number;
  host: string;
  home: string;
  databaseUrl?: string;
  concurrency: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 4280);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const concurrency = Number(env.GENJED_CONCURRENCY ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`GENJED_CONCURRENCY must be a whole number >= 1, got "${env.GENJED_CONCURRENCY}"`);
  return {
    port,
    host: env.HOST ?? "127.0.0.1",
    home: path.resolve(env.GENJED_HOME ?? ".genjed"),
    databaseUrl: env.DATABASE_URL || undefined,
    concurrency,
  };
}

export class ConfigError extends Error {}

/** A connection string safe to print: the password is masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
