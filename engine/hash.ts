import { createHash } from "node:crypto";
import { canonicalJson } from "../lib/canonical-json.js";

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
