/**
 * Workspace secrets (Replicate token, platform credentials, webhook keys): encrypted at rest,
 * write-only through the API (names and last four characters come back, values never), and
 * handed to nodes through `ctx.secrets` for runs of that workspace.
 */
import { NEVER_FROM_ENV } from "../../engine/secrets.js";
import type { Database, Queryable } from "../../db/index.js";
import { PermanentNodeError, type SecretReader } from "../../nodes/contract.js";
import { open, seal, secretAad, SecretDecryptError } from "./secret-box.js";
import { iso } from "../../lib/time.js";

/** Environment-variable style, so a workspace secret overrides the variable of the same name. */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
export const MAX_SECRET_BYTES = 64 * 1024;

export interface SecretInfo {
  name: string;
  last4: string | null;
  updatedAt: string;
  updatedBy: string | null;
}

/** Short values reveal too much in their last four characters: those show none. */
export const last4Of = (value: string): string | null => (value.length >= 12 ? value.slice(-4) : null);

export async function putSecret(q: Queryable, key: Buffer, o: { workspaceId: string; name: string; value: string; userId: string | null }): Promise<SecretInfo & { created: boolean }> {
  const sealed = seal(key, o.value, secretAad(o.workspaceId, o.name));
  const [r] = await q<{ created: boolean; updatedAt: string }[]>`
    insert into workspace_secrets (workspace_id, name, ciphertext, iv, tag, last4, updated_by)
    values (${o.workspaceId}, ${o.name}, ${sealed.ciphertext}, ${sealed.iv}, ${sealed.tag}, ${last4Of(o.value)}, ${o.userId})
    on conflict (workspace_id, name) do update set ciphertext = excluded.ciphertext, iv = excluded.iv, tag = excluded.tag,
      last4 = excluded.last4, updated_by = excluded.updated_by, updated_at = now()
    returning (xmax = 0) as created, updated_at as "updatedAt"`;
  const [u] = o.userId ? await q<{ email: string }[]>`select email from users where id = ${o.userId}` : [];
  return { name: o.name, last4: last4Of(o.value), updatedAt: iso(r.updatedAt), updatedBy: u?.email ?? null, created: r.created };
}

export async function listSecrets(q: Queryable, workspaceId: string): Promise<SecretInfo[]> {
  const rows = await q<(Omit<SecretInfo, "updatedAt"> & { updatedAt: string })[]>`
    select s.name, s.last4, s.updated_at as "updatedAt", u.email as "updatedBy"
    from workspace_secrets s left join users u on u.id = s.updated_by
    where s.workspace_id = ${workspaceId} order by s.name`;
  return rows.map((r) => ({ ...r, updatedAt: iso(r.updatedAt) }));
}

export async function deleteSecret(q: Queryable, workspaceId: string, name: string): Promise<boolean> {
  const r = await q`delete from workspace_secrets where workspace_id = ${workspaceId} and name = ${name} returning id`;
  return r.length > 0;
}

/** Every secret of the workspace, decrypted; a value that does not decrypt is kept as its error. */
export async function readWorkspaceSecrets(q: Queryable, key: Buffer, workspaceId: string): Promise<Map<string, string | SecretDecryptError>> {
  const rows = await q<{ name: string; ciphertext: Buffer; iv: Buffer; tag: Buffer }[]>`
    select name, ciphertext, iv, tag from workspace_secrets where workspace_id = ${workspaceId}`;
  const out = new Map<string, string | SecretDecryptError>();
  for (const r of rows) {
    try {
      out.set(r.name, open(key, r, secretAad(workspaceId, r.name)));
    } catch (e) {
      out.set(r.name, e as SecretDecryptError);
    }
  }
  return out;
}


export function workspaceSecretReader(secrets: Map<string, string | SecretDecryptError>, env: NodeJS.ProcessEnv = process.env): SecretReader {
  return {
    get(name) {
      const v = secrets.get(name);
      if (v instanceof SecretDecryptError) {
        throw new PermanentNodeError(
          `workspace secret "${name}" cannot be decrypted with this server's key (GENJED_SECRET_KEY changed?); an owner must set it again`,
          "SECRET_UNREADABLE",
        );
      }
      if (v !== undefined) return v;
      if (NEVER_FROM_ENV.test(name)) return undefined;
      return env[name] || undefined;
    },
  };
}

/**
 * `secretsFor` for the engine's worker: the secrets of the run's workspace first, then the
 * environment. Read once per node execution (a handful of AES-GCM decryptions: microseconds).
 */
export function secretsForRun(database: Pick<Database, "sql">, key: Buffer, env: NodeJS.ProcessEnv = process.env) {
  return async (runId: string): Promise<SecretReader> => {
    const [run] = await database.sql<{ workspaceId: string | null }[]>`select workspace_id as "workspaceId" from runs where id = ${runId}`;
    const secrets = run?.workspaceId ? await readWorkspaceSecrets(database.sql, key, run.workspaceId) : new Map();
    return workspaceSecretReader(secrets, env);
  };
}
