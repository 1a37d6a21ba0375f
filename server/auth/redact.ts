/**
 * Scrub a workspace's secret values out of what the API hands back: graph documents (what people
 * export and share) and run views, logs and events. Nodes' own use of secrets is already scrubbed
 * by the engine; this also catches a value someone pasted into a node's config (or a graph's name,
 * which becomes its runs' name). The HTTP API applies it to every response in one place
 * (redact-responses.ts); the CLI applies it to what it prints. Values shorter than 8 characters are left alone: replacing
 * every "true" or "1234" in a document would corrupt it and protect nothing.
 */
import type { ServerDeps } from "../deps.js";
import { readWorkspaceSecrets } from "../../services/secrets/workspace-secrets.js";

export const REDACTED = "[redacted]";
const MIN_REDACTED_LENGTH = 8;

export function redactValues<T>(value: T, secrets: string[]): T {
  const needles = secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH);
  if (needles.length === 0) return value;
  const text = (s: string) => (needles.some((n) => s.includes(n)) ? needles.reduce((out, n) => out.split(n).join(REDACTED), s) : s);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object" && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * The secret values of one workspace worth scrubbing (empty on a server without a key, where no
 * secret can be stored).
 */
export async function workspaceSecretValues(deps: Pick<ServerDeps, "database" | "auth">, workspaceId: string): Promise<string[]> {
  const key = deps.auth?.secretKey;
  if (!key) return [];
  const secrets = await readWorkspaceSecrets(deps.database.sql, key, workspaceId);
  return [...secrets.values()].filter((v): v is string => typeof v === "string" && v.length >= MIN_REDACTED_LENGTH);
}

/** A scrubber for one workspace's secret values, loaded once (an event stream applies it to every event). */
export async function workspaceRedactor(deps: Pick<ServerDeps, "database" | "auth">, workspaceId: string): Promise<<T>(value: T) => T> {
  const values = await workspaceSecretValues(deps, workspaceId);
  return (v) => redactValues(v, values);
}

/** The scrubber for the workspace a run belongs to, for views outside the HTTP API (the CLI's `genjed run`). */
export async function runRedactor(deps: Pick<ServerDeps, "database" | "auth">, runId: string): Promise<<T>(value: T) => T> {
  const [run] = await deps.database.sql<{ workspaceId: string }[]>`select workspace_id as "workspaceId" from runs where id = ${runId}`;
  return run ? workspaceRedactor(deps, run.workspaceId) : (v) => v;
}
