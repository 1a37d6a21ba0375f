import { describe, expect, it } from "vitest";
import { sameJson } from "../schemas/graph-ydoc.js";
import { sourcesMatching } from "../test/source-files.js";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys at every level, leaves out undefined-valued keys, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: null }], c: "✓" } })).toBe('{"a":{"c":"✓","d":[3,{"x":null,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it("writes what the cache keys were made of: integer-like keys first in numeric order, Dates as ISO text", () => {
    expect(canonicalJson({ name: "n", "10": "ten", "9": "nine", sku: "s" })).toBe('{"9":"nine","10":"ten","name":"n","sku":"s"}');
    expect(canonicalJson({ d: new Date("2026-01-01T00:00:00Z") })).toBe('{"d":"2026-01-01T00:00:00.000Z"}');
    expect(canonicalJson([undefined, Number.NaN, "x"])).toBe('[null,null,"x"]');
    // Always a string, also for a value JSON cannot write.
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("agrees with sameJson (the editor's and the Y.Doc binding's equality) on JSON values", () => {
    const values: unknown[] = [
      null, undefined, 0, 1, "", "1", true, false, [], {}, [null], [undefined], [1, 2], [2, 1],
      { a: 1 }, { a: 1, b: undefined }, { a: null }, { a: "1" }, { a: [1, { b: 2 }] }, { a: [1, { b: 3 }] },
      { "10": 1, "9": 2 }, { "9": 2, "10": 1 }, { x: { y: { z: [] } } }, { x: { y: { z: {} } } },
    ];
    for (const a of values) for (const b of values) expect(sameJson(a, b), `${canonicalJson(a)} vs ${canonicalJson(b)}`).toBe(canonicalJson(a) === canonicalJson(b));
  });

  it("is defined once, here (there were two, with different output)", async () => {
    const defining = await sourcesMatching(/(function\s+canonicalJson\b|\bcanonicalJson\s*=)/);
    expect(defining).toEqual(["lib/canonical-json.ts"]);
  });
});
