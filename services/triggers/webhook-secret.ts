/**
 * Webhook signing secrets at rest. Verifying an HMAC needs the raw secret, so it is encrypted
 * (AES-256-GCM with the secrets key), not hashed. The additional authenticated data is the trigger's
 * id: a ciphertext copied onto another trigger does not open, and any altered byte makes opening
 * fail, so a tampered row refuses every delivery instead of accepting a guessable one.
 */
import { randomBytes } from "node:crypto";
import type { Sql } from "../../db/index.js";
import { open, seal, SecretDecryptError, type Sealed } from "../secrets/secret-box.js";
import type { TriggerRow } from "./env.js";

export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

export const webhookSecretAad = (triggerId: string) => Buffer.from(`trigger:${triggerId}:webhook-secret`, "utf8");

/** What the API shows after creation: enough to tell two secrets apart, never enough to sign. */
export const webhookSecretHint = (last4: string | null) => (last4 ? `whsec_…${last4}` : "");

/** The server has no secrets key (GENJED_SECRET_KEY / the key file), so it cannot store or check webhook secrets. */
export class WebhookSecretsUnavailableError extends Error {
  constructor() {
    super("this server was started without a secrets key, so it cannot store or check webhook secrets");
  }
}

/** The `triggers` columns that hold a sealed secret (drizzle names). */
export interface SealedSecretColumns {
  secretCiphertext: Buffer;
  secretIv: Buffer;
  secretTag: Buffer;
  secretLast4: string;
  /** The legacy plain-text column is cleared whenever a secret is written. */
  plainSecret: null;
}

export function sealWebhookSecret(key: Buffer | null | undefined, triggerId: string, secret: string): SealedSecretColumns {
  if (!key) throw new WebhookSecretsUnavailableError();
  const s = seal(key, secret, webhookSecretAad(triggerId));
  return { secretCiphertext: s.ciphertext, secretIv: s.iv, secretTag: s.tag, secretLast4: secret.slice(-4), plainSecret: null };
}

type SecretColumns = Pick<TriggerRow, "id" | "secretCiphertext" | "secretIv" | "secretTag">;

/**
 * The raw secret, or null when the trigger has none. Throws SecretDecryptError when the key is not
 * the one it was sealed with or the row was altered (never returns a wrong value).
 */
export function openWebhookSecret(key: Buffer, row: SecretColumns): string | null {
  const { secretCiphertext: ciphertext, secretIv: iv, secretTag: tag } = row;
  if (!ciphertext && !iv && !tag) return null;
  if (!ciphertext || !iv || !tag) throw new SecretDecryptError("cannot decrypt: part of the sealed secret is missing");
  return open(key, { ciphertext, iv, tag } satisfies Sealed, webhookSecretAad(row.id));
}

/**
 * Seal secrets written as plain text before they were encrypted, and clear the plain copies. Run
 * at start (every process holds the key); idempotent, and safe with several processes starting at once.
 */
export async function sealPlainWebhookSecrets(sql: Sql, key: Buffer): Promise<number> {
  return sql.begin(async (tx) => {
    const rows = await tx<{ id: string; secret: string }[]>`select id, secret from triggers where secret is not null for update skip locked`;
    for (const r of rows) {
      const s = sealWebhookSecret(key, r.id, r.secret);
      await tx`update triggers set secret_ciphertext = ${s.secretCiphertext}, secret_iv = ${s.secretIv}, secret_tag = ${s.secretTag},
               secret_last4 = ${s.secretLast4}, secret = null where id = ${r.id}`;
    }
    return rows.length;
  });
}
