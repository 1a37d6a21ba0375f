/**
 * Scrub a workspace's secret values out of what the API hands back (graph documents, which are
 * what people export and share). Values shorter than 8 characters are left alone: replacing
 * every "true" or "1234" in a document would corrupt it and protect nothing.
 */
import type { ServerDeps } from "../deps.js";
import { readWorkspaceSecrets } from "./workspace-secrets.js";

export const REDACTED = "[redacted]";
const MIN_REDACTED_LENGTH = 8;

export function redactValues<T>(value: T, secrets: string[]): T {
  const needles = secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH);
  if (needles.length === 0) return value;
  const text = (s: string) => needles.reduce((out, n) => out.split(n).join(REDACTED), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object" && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export async function redactWorkspaceSecrets<T>(deps: Pick<ServerDeps, "database" | "auth">, workspaceId: string, value: T): Promise<T> {
  const key = deps.auth?.secretKey;
  if (!key) return value;
  const secrets = await readWorkspaceSecrets(deps.database.sql, key, workspaceId);
  return redactValues(
    value,
    [...secrets.values()].filter((v): v is string => typeof v === "string"),
  );
}
