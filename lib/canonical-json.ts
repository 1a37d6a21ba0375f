/**
 * One canonical JSON text per value: object keys sorted at every level and `undefined`-valued keys
 * left out, so equal values give equal strings. Node cache keys hash it (engine/hash.ts), so its
 * output for a given value must never change: a different string is a cache miss for every output
 * already stored. Keys are ordered the way JSON.stringify orders them after sorting, i.e. integer-like
 * keys ("9", "10") first in numeric order, then the others sorted; Dates are written as their ISO
 * text (their toJSON). Browser-safe: no Node imports.
 */
export function canonicalJson(value: unknown): string {
  // `undefined` (or a function) has no JSON text; written as null, as JSON.stringify does inside arrays.
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
