import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { GraphDocument } from "./graph.js";
import { GraphDocumentSchema } from "./graph.js";
import {
  addEdges,
  addNodes,
  applyGraphDocument,
  graphMaps,
  moveNodes,
  readGraphDocument,
  removeNodes,
  setNodeConfigField,
} from "./graph-ydoc.js";

const sample: GraphDocument = {
  version: 1,
  name: "Ad pipeline",
  nodes: [
    { id: "src", type: "asset.source", position: { x: 0, y: 0 }, config: { products: [{ sku: "a" }] }, label: "Products" },
    { id: "img", type: "image.generate", position: { x: 300, y: 10 }, config: { prompt: "shoe", steps: 4 } },
    { id: "b", type: "text.prompt", position: { x: -5.5, y: 2 }, config: {}, retry: { maxAttempts: 2 } },
  ],
  edges: [{ id: "e1", source: "src", sourcePort: "products", target: "img", targetPort: "product" }],
  settings: { budgetUsd: 3, concurrency: 2 },
};

/** Sync two docs both ways, as the y-websocket protocol would. */
function sync(a: Y.Doc, b: Y.Doc) {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe("graph document <-> Y.Doc", () => {
  it("round-trips a document exactly, keeping node and edge order", () => {
    const doc = new Y.Doc();
    applyGraphDocument(doc, sample);
    const back = readGraphDocument(doc);
    expect(back).toEqual(sample);
    expect(GraphDocumentSchema.safeParse(back).success).toBe(true);
  });

  it("applying the same document again writes nothing", () => {
    const doc = new Y.Doc();
    applyGraphDocument(doc, sample);
    let updates = 0;
    doc.on("update", () => updates++);
    applyGraphDocument(doc, structuredClone(sample));
    expect(updates).toBe(0);
  });

  it("a REST replace keeps a concurrent edit to an untouched field of another peer", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    applyGraphDocument(a, sample);
    sync(a, b);
    // b edits img.steps while a (REST) renames src's label
    setNodeConfigField(b, "img", "steps", 8);
    applyGraphDocument(a, { ...sample, nodes: sample.nodes.map((n) => (n.id === "src" ? { ...n, label: "Catalog" } : n)) });
    sync(a, b);
    const da = readGraphDocument(a);
    expect(da).toEqual(readGraphDocument(b));
    expect(da.nodes.find((n) => n.id === "img")!.config.steps).toBe(8);
    expect(da.nodes.find((n) => n.id === "src")!.label).toBe("Catalog");
  });

  it("drops an edge whose node another peer deleted concurrently", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    applyGraphDocument(a, sample);
    sync(a, b);
    removeNodes(a, ["b"]);
    addEdges(b, [{ id: "e2", source: "img", sourcePort: "image", target: "b", targetPort: "x" }]);
    sync(a, b);
    expect(readGraphDocument(a).edges.map((e) => e.id)).toEqual(["e1"]);
    expect(readGraphDocument(b)).toEqual(readGraphDocument(a));
  });

  it("removing a node removes the edges touching it", () => {
    const doc = new Y.Doc();
    applyGraphDocument(doc, sample);
    removeNodes(doc, ["img"]);
    expect(graphMaps(doc).edges.size).toBe(0);
  });

  it("nodes added concurrently on two peers come out in the same order on both", () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    applyGraphDocument(a, sample);
    sync(a, b);
    addNodes(a, [{ id: "zz", type: "t", position: { x: 1, y: 1 }, config: {} }]);
    addNodes(b, [{ id: "aa", type: "t", position: { x: 2, y: 2 }, config: {} }]);
    sync(a, b);
    const ids = readGraphDocument(a).nodes.map((n) => n.id);
    expect(ids).toEqual(readGraphDocument(b).nodes.map((n) => n.id));
    expect(ids.slice(0, 3)).toEqual(["src", "img", "b"]);
  });

  it("ignores garbage written by a misbehaving peer and falls back to a valid name", () => {
    const doc = new Y.Doc();
    applyGraphDocument(doc, sample);
    const { nodes, edges, meta } = graphMaps(doc);
    const bad = new Y.Map<unknown>();
    bad.set("type", 42);
    nodes.set("bad", bad);
    edges.set("x", { nonsense: true } as never);
    meta.set("name", "   ");
    moveNodes(doc, { src: { x: Number.NaN, y: 3 } } as never);
    const out = readGraphDocument(doc);
    expect(out.name).toBe("Untitled graph");
    expect(out.nodes.map((n) => n.id)).toEqual(["src", "img", "b"]);
    expect(out.nodes[0].position).toEqual({ x: 0, y: 3 });
    expect(out.edges.map((e) => e.id)).toEqual(["e1"]);
    expect(GraphDocumentSchema.safeParse(out).success).toBe(true);
  });
});
