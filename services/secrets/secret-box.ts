/**
 * AES-256-GCM for stored secrets (workspace secrets, webhook signing secrets). A fresh 96-bit IV
 * per value; the additional authenticated data binds a ciphertext to the row it belongs to
 * (workspace and name, or trigger), so moving it to another row makes it fail to decrypt rather
 * than hand one row's credential to another.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface Sealed {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
}

export const secretAad = (workspaceId: string, name: string) => Buffer.from(`${workspaceId}:${name}`, "utf8");

export function seal(key: Buffer, plaintext: string, aad: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

export class SecretDecryptError extends Error {}

/** Throws SecretDecryptError when the key is wrong or the row was tampered with (never returns garbage). */
export function open(key: Buffer, sealed: Sealed, aad: Buffer): string {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, sealed.iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptError("cannot decrypt: wrong key or altered data");
  }
}
