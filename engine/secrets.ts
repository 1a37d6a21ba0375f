import type { SecretReader } from "../nodes/contract.js";

/**
 * Server settings that are never a node's business, even through the environment: a graph whose
 * config names a secret must not be able to read the database password or the secrets key.
 */
export const NEVER_FROM_ENV = /^(GENJED_|PG[A-Z]*$|DATABASE_URL$)/;

/** Secrets from the environment (workspace secrets layer on top of this), server settings excluded. */
export const envSecrets: SecretReader = { get: (name) => (NEVER_FROM_ENV.test(name) ? undefined : process.env[name] || undefined) };

/**
 * Wraps a reader so every value handed out is remembered, and text can be scrubbed of them
 * before it reaches logs, errors or outputs.
 */
export function trackingSecrets(inner: SecretReader): SecretReader & { redact(text: string): string; redactDeep<T>(value: T): T } {
  const seen = new Set<string>();
  const redactDeep = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v);
    if (Array.isArray(v)) return v.map(redactDeep);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k), redactDeep(x)]));
    return v;
  };
  const redact = (text: string) => {
    let out = text;
    for (const v of seen) out = out.split(v).join("[redacted]");
    return out;
  };
  return {
    get(name) {
      const v = inner.get(name);
      if (v && v.length >= 4) seen.add(v);
      return v;
    },
    redact,
    /** The same for a JSON value (outputs): every string in it, keys too. Untouched when no secret was read. */
    redactDeep: <T>(value: T): T => (seen.size === 0 ? value : (redactDeep(value) as T)),
  };
}
