import { describe, expect, it } from "vitest";
import { assetSource } from "../../nodes/asset-source/definition.js";
import { testRegistry } from "../../test/nodes.js";
import { graph } from "../../test/graphs.js";
import { GraphDocumentSchema } from "../../schemas/index.js";
import { checkPayload, defaultMappings, GraphInvalidError, mapPayload, mergeOverrides, PayloadError, readPath } from "./inputs.js";

const registry = testRegistry().register(assetSource);
const doc = GraphDocumentSchema.parse(
  graph(
    [
      { id: "assets", type: "asset.source", config: { source: "file" } },
      { id: "tag", type: "test.const", config: { value: "x" } },
    ],
    [],
  ),
);
const product = { name: "Linen shirt", price: 49, images: ["examples/demo-catalog/images/a.png"] };

describe("payload -> run inputs", () => {
  it("maps products into the asset source by default, switching it to inline rows", () => {
    const mappings = defaultMappings(doc);
    expect(mappings).toEqual([{ from: "products", nodeId: "assets", field: "products", required: true }]);
    expect(mapPayload({ products: [product] }, mappings, doc)).toEqual({ assets: { source: "inline", products: [product] } });
  });

  it("reads dot paths, and names a missing required field", () => {
    expect(readPath({ order: { items: [1, 2] } }, "order.items.1")).toBe(2);
    expect(readPath({ a: 1 }, "")).toEqual({ a: 1 });
    const m = [{ from: "order.items", nodeId: "assets", field: "products", required: true }];
    expect(() => mapPayload({ order: {} }, m, doc)).toThrow(PayloadError);
    try {
      mapPayload({ order: {} }, m, doc);
    } catch (e) {
      expect((e as PayloadError).field).toBe("order.items");
      expect((e as PayloadError).message).toMatch(/order\.items: required/);
    }
  });

  it("merges overrides field by field, later winning", () => {
    expect(mergeOverrides({ a: { x: 1, y: 1 } }, { a: { y: 2 }, b: { z: 3 } })).toEqual({ a: { x: 1, y: 2 }, b: { z: 3 } });
  });

  it("checks the mapped config with the node's schema and names the bad value by its path in the body", () => {
    const mappings = defaultMappings(doc);
    const overrides = mapPayload({ products: [product, { ...product, price: "lots" }] }, mappings, doc);
    let err: PayloadError | undefined;
    try {
      checkPayload(doc, overrides, mappings, registry);
    } catch (e) {
      err = e as PayloadError;
    }
    expect(err).toBeInstanceOf(PayloadError);
    expect(err!.field).toBe("products.1.price");
    expect(err!.message).toMatch(/^products\.1\.price: expected a number, got "lots"/);
    expect(() => checkPayload(doc, mapPayload({ products: [product] }, mappings, doc), mappings, registry)).not.toThrow();
  });

  it("a graph that cannot run is not blamed on the body", () => {
    const broken = GraphDocumentSchema.parse(graph([{ id: "assets", type: "asset.source" }, { id: "c", type: "test.collect" }]));
    const mappings = defaultMappings(broken);
    expect(() => checkPayload(broken, mapPayload({ products: [product] }, mappings, broken), mappings, registry)).toThrow(GraphInvalidError);
  });
});
