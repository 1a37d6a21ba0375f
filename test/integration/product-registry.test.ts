import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { compile } from "../../engine/compile.js";
import { productRegistry } from "../../nodes/index.js";

describe("product registry", () => {
  it("lists the six generation nodes with a catalog entry each (config as JSON Schema, with tooltips)", () => {
    const catalog = productRegistry.catalog();
    const types = catalog.map((c) => c.type);
    for (const t of ["asset.source", "prompt.parse", "image.generate", "video.fromImage", "speech.synthesize", "video.composite"]) expect(types).toContain(t);
    const image = catalog.find((c) => c.type === "image.generate")!;
    expect(image.providers).toEqual(["local", "replicate"]);
    expect(image.paid).toBe(false);
    const props = (image.configSchema as { properties: Record<string, { description?: string }> }).properties;
    expect(props.provider.description).toMatch(/local: offline/);
  });

  it.each(["examples/product-ads.json", "examples/templates/product-ads-quick.json"])("compiles %s: fan-out over products and views, $0 estimate", async (file) => {
    const doc = JSON.parse(await readFile(file, "utf8"));
    const result = compile(doc, productRegistry);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
    const { nodes, estimate } = result.plan;
    expect(nodes.images.mapDepth).toBe(2); // products x views
    expect(nodes.ads.mapDepth).toBe(1); // one composite per product
    expect(nodes.images.estimate.items).toBe(4); // limit 2 x 2 views
    expect(estimate.usd).toBe(0);
  });

  it("reports unknown config fields instead of ignoring them", () => {
    const r = compile(
      { version: 1, name: "x", nodes: [{ id: "p", type: "prompt.parse", position: { x: 0, y: 0 }, config: { headline: "{{product_name}}" } }], edges: [] },
      productRegistry,
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.some((e) => e.code === "INVALID_CONFIG" && /headline/.test(e.message))).toBe(true);
  });
});
