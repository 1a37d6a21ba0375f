import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { GraphDocument } from "../../../schemas/graph.js";
import { addEdges, applyGraphDocument, graphMaps, readGraphDocument, setNodeConfigField } from "../../../schemas/graph-ydoc.js";
import { GraphBinding } from "./binding.js";

const doc0: GraphDocument = {
  version: 1,
  name: "g",
  nodes: [
    { id: "a", type: "asset.source", position: { x: 0, y: 0 }, config: { sku: "1" } },
    { id: "b", type: "image.generate", position: { x: 200, y: 0 }, config: {}, label: "Hero" },
    { id: "c", type: "audio.tts", position: { x: 400, y: 0 }, config: {} },
  ],
  edges: [
    { id: "e1", source: "a", sourcePort: "product", target: "b", targetPort: "product" },
    { id: "e2", source: "b", sourcePort: "image", target: "c", targetPort: "text" },
  ],
};

function setup() {
  const doc = new Y.Doc();
  applyGraphDocument(doc, doc0);
  const origin = { who: "me" };
  const binding = new GraphBinding(doc, origin);
  return { doc, origin, binding };
}

/** Two peers connected in memory, as the websocket provider would connect them. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on("update", (u: Uint8Array, origin: unknown) => origin !== "remote" && Y.applyUpdate(b, u, "remote"));
  b.on("update", (u: Uint8Array, origin: unknown) => origin !== "remote" && Y.applyUpdate(a, u, "remote"));
  applyGraphDocument(a, doc0);
  return { a, b };
}

describe("GraphBinding", () => {
  it("renders the doc as React Flow nodes and edges in document order", () => {
    const { binding } = setup();
    expect(binding.getNodes().map((n) => [n.id, n.type, n.position.x, n.data.type, n.data.label])).toEqual([
      ["a", "genjed", 0, "asset.source", undefined],
      ["b", "genjed", 200, "image.generate", "Hero"],
      ["c", "genjed", 400, "audio.tts", undefined],
    ]);
    expect(binding.getEdges().map((e) => [e.id, e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ["e1", "a", "product", "b", "product"],
      ["e2", "b", "image", "c", "text"],
    ]);
  });

  it("a remote edit replaces only the edited node object and notifies", () => {
    const { a, b } = pair();
    const binding = new GraphBinding(b, {});
    let notified = 0;
    binding.subscribe(() => notified++);
    const before = binding.getNodes();
    setNodeConfigField(a, "b", "prompt", "red shoe");
    const after = binding.getNodes();
    expect(notified).toBeGreaterThan(0);
    expect(after[1].data.config).toEqual({ prompt: "red shoe" });
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe(before[2]);
    expect(after[1]).not.toBe(before[1]);
  });

  it("dragging writes positions to the doc with this person's origin", () => {
    const { doc, origin, binding } = setup();
    const origins: unknown[] = [];
    doc.on("afterTransaction", (tr: Y.Transaction) => origins.push(tr.origin));
    binding.applyNodeChanges([{ type: "position", id: "a", position: { x: 50, y: 60 }, dragging: true }]);
    expect(readGraphDocument(doc).nodes[0].position).toEqual({ x: 50, y: 60 });
    expect(binding.getNodes()[0]).toMatchObject({ position: { x: 50, y: 60 }, dragging: true });
    expect(origins).toEqual([origin]);
    binding.applyNodeChanges([{ type: "position", id: "a", dragging: false }]);
    expect(binding.getNodes()[0].dragging).toBe(false);
  });

  it("selection and measured size stay local: they never touch the doc", () => {
    const { doc, binding } = setup();
    let updates = 0;
    doc.on("update", () => updates++);
    const seen: string[][] = [];
    binding.onSelectionChange((ids) => seen.push(ids));
    binding.applyNodeChanges([
      { type: "select", id: "b", selected: true },
      { type: "dimensions", id: "b", dimensions: { width: 240, height: 120 } },
    ]);
    expect(updates).toBe(0);
    expect(binding.getNodes()[1]).toMatchObject({ selected: true, measured: { width: 240, height: 120 } });
    expect(seen).toEqual([["b"]]);
    binding.applyEdgeChanges([{ type: "select", id: "e2", selected: true }]);
    expect(binding.selectedEdgeIds()).toEqual(["e2"]);
    expect(updates).toBe(0);
  });

  it("deleting a node from the canvas removes it and its edges from the doc", () => {
    const { doc, binding } = setup();
    binding.applyNodeChanges([{ type: "remove", id: "b" }]);
    const d = readGraphDocument(doc);
    expect(d.nodes.map((n) => n.id)).toEqual(["a", "c"]);
    expect(d.edges).toEqual([]);
    expect(binding.getEdges()).toEqual([]);
    binding.applyEdgeChanges([{ type: "remove", id: "nope" }]);
  });

  it("does not draw an edge to a node that is gone, and drops gone nodes from the selection", () => {
    const { a, b } = pair();
    const binding = new GraphBinding(b, {});
    binding.select(["c"]);
    const { nodes } = graphMaps(a);
    a.transact(() => nodes.delete("c"));
    expect(binding.getNodes().map((n) => n.id)).toEqual(["a", "b"]);
    expect(binding.getEdges().map((e) => e.id)).toEqual(["e1"]);
    expect(binding.selectedNodeIds()).toEqual([]);
    addEdges(a, [{ id: "e9", source: "a", sourcePort: "x", target: "ghost", targetPort: "y" }]);
    expect(binding.getEdges().map((e) => e.id)).toEqual(["e1"]);
  });

  it("undo is per person: my undo reverts my move, never your config edit", () => {
    const { a, b } = pair();
    const mine = { who: "ada" };
    const bindingA = new GraphBinding(a, mine);
    const undo = new Y.UndoManager([graphMaps(a).nodes, graphMaps(a).edges, graphMaps(a).meta], { trackedOrigins: new Set([mine]) });
    bindingA.applyNodeChanges([{ type: "position", id: "a", position: { x: 999, y: 9 } }]);
    undo.stopCapturing();
    setNodeConfigField(b, "b", "prompt", "by bo", { who: "bo" });
    undo.undo();
    const d = readGraphDocument(a);
    expect(d.nodes[0].position).toEqual({ x: 0, y: 0 });
    expect(d.nodes[1].config.prompt).toBe("by bo");
    expect(readGraphDocument(b)).toEqual(d);
    undo.redo();
    expect(readGraphDocument(b).nodes[0].position).toEqual({ x: 999, y: 9 });
  });
});
