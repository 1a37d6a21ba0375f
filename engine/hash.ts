import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export const sha256 = (s: string | Buffer) => createHash("sha256").update(s).digest("hex");

/**
 * Cache key of one node execution. Media travel as references holding their content hash,
 * so hashing the canonical inputs hashes the content of the inputs. The workspace is part of the
 * key: an output cached for one workspace is never handed to another, since reusing it would skip
 * the checks a run makes as its workspace (an `upload:` reference of someone else's file) and
 * record the output's media as readable by the second workspace.
 */
export function cacheKeyOf(workspaceId: string | null, nodeType: string, nodeVersion: number, config: unknown, inputs: unknown): string {
  return sha256(canonicalJson({ w: workspaceId, t: nodeType, v: nodeVersion, c: config, i: inputs }));
}
