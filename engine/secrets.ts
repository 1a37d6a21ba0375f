import type { SecretReader } from "../nodes/types.js";

/** Secrets from the environment (workspace secrets layer on top of this). */
export const envSecrets: SecretReader = { get: (name) => process.env[name] || undefined };

/**
 * Wraps a reader so every value handed out is remembered, and text can be scrubbed of them
 * before it reaches logs, errors or outputs.
 */
export function trackingSecrets(inner: SecretReader): SecretReader & { redact(text: string): string } {
  const seen = new Set<string>();
  return {
    get(name) {
      const v = inner.get(name);
      if (v && v.length >= 4) seen.add(v);
      return v;
    },
    redact(text) {
      let out = text;
      for (const v of seen) out = out.split(v).join("[redacted]");
      return out;
    },
  };
}
