import { createHash } from "node:crypto";

/** A stable 31-bit seed from a key (a product id, a brand name), so every view of a product shares it run after run. */
export function consistencySeed(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) & 0x7fffffff;
}
