/**
 * The key that encrypts workspace secrets: GENJED_SECRET_KEY, or a key generated on first start into
 * GENJED_HOME/secret.key (mode 0600). Every process that runs nodes needs the same key: workers on
 * other machines must be given GENJED_SECRET_KEY.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Sql } from "../../db/index.js";
import { ConfigError } from "../config.js";

export const KEY_FILE = "secret.key";

/**
 * A 32-byte key from the variable's text: 64 hex digits or base64 of 32 bytes as given; any other
 * text of at least 32 characters is a passphrase, hashed to 32 bytes.
 */
export function parseSecretKey(text: string, where: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/i.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
    if (b.length === 32) return b;
  }
  if (t.length >= 32) return createHash("sha256").update(`genjed-secret-key:${t}`, "utf8").digest();
  throw new ConfigError(`${where} must be 32 bytes as 64 hex digits or base64, or a passphrase of at least 32 characters (got ${t.length} characters)`);
}

export async function loadSecretKey(home: string, env: NodeJS.ProcessEnv = process.env, log: (m: string) => void = () => {}): Promise<Buffer> {
  if (env.GENJED_SECRET_KEY) return parseSecretKey(env.GENJED_SECRET_KEY, "GENJED_SECRET_KEY");
  const file = path.join(home, KEY_FILE);
  try {
    // "wx": never overwrite a key another process wrote a moment ago (two starts at once).
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    log(`Generated the secrets key ${file} (keep it: stored secrets cannot be read without it).`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new ConfigError(`cannot create ${file}: ${(e as Error).message}`);
    const mode = (await stat(file)).mode & 0o777;
    if (mode & 0o077) {
      await chmod(file, 0o600);
      log(`${file} was readable by other users (mode ${mode.toString(8)}); set it to 600.`);
    }
  }
  return parseSecretKey(await readFile(file, "utf8"), file);
}

const fingerprintOf = (key: Buffer) => createHmac("sha256", key).update("genjed-secret-key-check-v1").digest("hex");

/**
 * Remember which key this database's secrets are encrypted with, and refuse a different one while
 * secrets exist (a worker on another machine without GENJED_SECRET_KEY would generate its own key
 * and every node needing a secret would fail later, far from the cause).
 */
export async function checkSecretKey(sql: Sql, key: Buffer): Promise<void> {
  const fingerprint = fingerprintOf(key);
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(727002)`;
    const [row] = await tx<{ fingerprint: string }[]>`select fingerprint from secret_key_checks where id = 'workspace-secrets'`;
    if (row?.fingerprint === fingerprint) return;
    if (row) {
      // Webhook signing secrets are sealed with the same key: a new key would refuse every delivery.
      const [{ n, hooks }] = await tx<{ n: number; hooks: number }[]>`
        select (select count(*)::int from workspace_secrets) as n, (select count(*)::int from triggers where secret_ciphertext is not null) as hooks`;
      if (n + hooks > 0) {
        const what = [n > 0 && `${n} stored workspace secret(s)`, hooks > 0 && `${hooks} webhook signing secret(s)`].filter(Boolean).join(" and ");
        throw new ConfigError(
          `the secrets key (GENJED_SECRET_KEY or GENJED_HOME/${KEY_FILE}) is not the one the ${what} were encrypted with; ` +
            `give every server and worker the same GENJED_SECRET_KEY`,
        );
      }
    }
    await tx`insert into secret_key_checks (id, fingerprint) values ('workspace-secrets', ${fingerprint})
             on conflict (id) do update set fingerprint = excluded.fingerprint, created_at = now()`;
  });
}
