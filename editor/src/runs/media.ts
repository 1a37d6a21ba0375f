/** Finding media references (images, videos, audio) inside node outputs, for previews. */
import type { MediaRef } from "../../../schemas/index.js";

export function isMediaRef(v: unknown): v is MediaRef {
  if (!v || typeof v !== "object") return false;
  const m = v as Record<string, unknown>;
  return typeof m.hash === "string" && typeof m.mime === "string" && typeof m.kind === "string" && (typeof m.url === "string" || /^[a-f0-9]{64}$/.test(m.hash));
}

/** Every media ref in a value (depth-first, in order, without duplicates), up to `limit`. */
export function findMedia(value: unknown, limit = 50): MediaRef[] {
  const out: MediaRef[] = [];
  const seen = new Set<string>();
  const visit = (v: unknown, depth: number) => {
    if (out.length >= limit || depth > 8 || v === null || typeof v !== "object") return;
    if (isMediaRef(v)) {
      if (!seen.has(v.hash)) {
        seen.add(v.hash);
        out.push(v);
      }
      return;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) visit(child, depth + 1);
  };
  visit(value, 0);
  return out;
}

export const mediaUrl = (m: MediaRef) => m.url || `/media/${m.hash}`;
export const thumbUrl = (m: MediaRef) => m.thumbnail || (m.kind === "image" ? mediaUrl(m) : undefined);
