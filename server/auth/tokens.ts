/**
 * Bearer credentials: session cookies, personal API tokens and sign-in links are 256-bit random
 * strings; the database keeps only their SHA-256 (a fast hash is right here: the input has full
 * entropy, so there is nothing to brute-force, and lookups stay one indexed read).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const API_TOKEN_PREFIX = "gj_";

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString("base64url");

export const hashToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

export function newApiToken(): { token: string; hash: string; last4: string } {
  const token = API_TOKEN_PREFIX + randomToken();
  return { token, hash: hashToken(token), last4: token.slice(-4) };
}

/**
 * The CSRF token of a session: derived from the session token (which is in an httpOnly cookie a
 * page on another site can neither read nor set), so it needs no storage and changes with the session.
 */
export const csrfTokenFor = (sessionToken: string): string => createHmac("sha256", sessionToken).update("genjed-csrf-v1").digest("base64url");

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
