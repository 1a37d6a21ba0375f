import path from "node:path";
import { publicUrlSetting, PublicUrlError } from "../services/public-url.js";

/** Settings from the environment (see README "Environment"). */
export interface Config {
  port: number;
  host: string;
  home: string;
  databaseUrl?: string;
  concurrency: number;
  /** GENJED_PUBLIC_URL: where the server is reachable from outside (null: the server's own address, see services/public-url.ts). */
  publicUrl?: string | null;
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
    publicUrl: configuredPublicUrl(env),
  };
}

export class ConfigError extends Error {}

function configuredPublicUrl(env: NodeJS.ProcessEnv): string | null {
  try {
    return publicUrlSetting(env);
  } catch (e) {
    if (e instanceof PublicUrlError) throw new ConfigError(e.message);
    throw e;
  }
}

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
