/**
 * Password hashing with scrypt (memory-hard: each guess costs 32 MiB and ~0.3 s of a core, so a
 * stolen database is slow to attack even on GPUs). Hashes are self-describing
 * (`scrypt$N$r$p$salt$hash`), so the cost can be raised later and old hashes still verify.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, o: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password.normalize("NFKC"), salt, keylen, o, (err, key) => (err ? reject(err) : resolve(key))));

/**
 * OWASP's scrypt floor, in the variant with the smallest memory (N = 2^15, r = 8, p = 3: 32 MiB
 * per hash, the work of N = 2^17 at a quarter of the memory, so a few sign-ins at once cannot
 * exhaust a small server). Measured on the 2-core dev machine: ~0.34 s per hash.
 */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 3, keylen: 32, saltBytes: 16 } as const;

export const MIN_PASSWORD_LENGTH = 10;
/** scrypt hashes any length, but a megabyte "password" is a cheap way to burn our CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

const maxmem = (N: number, r: number) => 256 * N * r;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const { N, r, p, keylen } = SCRYPT;
  const key = await scrypt(password, salt, keylen, { N, r, p, maxmem: maxmem(N, r) });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Constant-time check of a password against a stored hash. A malformed hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  // Refuse absurd parameters from a tampered row instead of allocating gigabytes.
  if (![N, r, p].every(Number.isInteger) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4], "base64");
  const expected = Buffer.from(parts[5], "base64");
  if (expected.length < 16) return false;
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(key, expected);
}

/**
 * A hash of nothing anyone knows, verified against when the account does not exist, so a sign-in
 * for an unknown address takes as long as one for a known address (no account enumeration by timing).
 */
let dummy: Promise<string> | null = null;
/** The hash unknown accounts are checked against (exported so a test can see it costs what a real one does). */
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString("hex")));

export async function burnPasswordCheck(password: string): Promise<false> {
  await verifyPassword(password, await dummyHash());
  return false;
}
