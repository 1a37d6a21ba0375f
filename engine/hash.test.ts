import { describe, expect, it } from "vitest";
import { cacheKeyOf } from "./hash.js";

describe("cacheKeyOf", () => {
  it("gives the keys already stored for existing outputs (a changed key is a cache miss for all of them)", () => {
    // Computed by the code that wrote the cache keys of existing databases.
    const config = { prompt: "a red bottle", views: ["front", "side"], seed: 42, extra: undefined, nested: { z: 1, a: [{ y: 2, b: null }] } };
    const inputs = { product: { sku: "SKU-1", "10": "ten", "9": "nine", name: "Bottle ✓" }, image: { kind: "image", hash: "ab".repeat(32), mime: "image/png" } };
    expect(cacheKeyOf("00000000-0000-4000-8000-000000000001", "image.generate", 2, config, inputs)).toBe("ce26434072aaf895d1b9a63b718d77a89098cd12cccfe1fa093df5e3b99b3c85");
    expect(cacheKeyOf(null, "prompt.parse", 1, {}, {})).toBe("6ddea0586b86d7dfddf4b3ba68f6465372655451a5554e0f4d2433a7c439a636");
  });

  it("depends on workspace, type, version, config and inputs, not on key order", () => {
    const k = cacheKeyOf("w", "t", 1, { a: 1, b: 2 }, { x: 1 });
    expect(cacheKeyOf("w", "t", 1, { b: 2, a: 1 }, { x: 1 })).toBe(k);
    for (const other of [cacheKeyOf("v", "t", 1, { a: 1, b: 2 }, { x: 1 }), cacheKeyOf("w", "u", 1, { a: 1, b: 2 }, { x: 1 }), cacheKeyOf("w", "t", 2, { a: 1, b: 2 }, { x: 1 }), cacheKeyOf("w", "t", 1, { a: 1 }, { x: 1 }), cacheKeyOf("w", "t", 1, { a: 1, b: 2 }, { x: 2 })]) expect(other).not.toBe(k);
  });
});
