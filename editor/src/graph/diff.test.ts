import { expect, it } from "vitest";
import type { GraphDocument } from "../../../schemas/graph.js";
import { diffGraphs, isEmptyDiff } from "./diff.js";

const v1: GraphDocument = {
  version: 1,
  name: "Ad",
  nodes: [
    { id: "a", type: "asset.source", position: { x: 0, y: 0 }, config: { sku: "1" } },
    { id: "b", type: "image.generate", position: { x: 1, y: 0 }, config: { prompt: "x", steps: 4 } },
    { id: "c", type: "audio.tts", position: { x: 2, y: 0 }, config: {} },
  ],
  edges: [{ id: "e1", source: "a", sourcePort: "p", target: "b", targetPort: "p" }],
};

it("lists nodes added, removed and changed (with what changed) and edge counts", () => {
  const v2: GraphDocument = {
    ...v1,
    name: "Ad v2",
    nodes: [
      { ...v1.nodes[0], position: { x: 50, y: 0 } },
      { ...v1.nodes[1], label: "Hero", config: { prompt: "y" } },
      { id: "d", type: "video.composite", position: { x: 3, y: 0 }, config: {} },
    ],
    edges: [{ id: "e9", source: "b", sourcePort: "i", target: "d", targetPort: "i" }],
  };
  const d = diffGraphs(v1, v2);
  expect(d.added).toEqual([{ id: "d", label: "d", type: "video.composite" }]);
  expect(d.removed).toEqual([{ id: "c", label: "c", type: "audio.tts" }]);
  expect(d.changed).toEqual([
    { id: "a", label: "a", changes: ["position"] },
    { id: "b", label: "Hero", changes: ["label", "config.prompt", "config.steps"] },
  ]);
  expect([d.edgesAdded, d.edgesRemoved]).toEqual([1, 1]);
  expect(d.renamed).toEqual({ from: "Ad", to: "Ad v2" });
  expect(isEmptyDiff(diffGraphs(v1, structuredClone(v1)))).toBe(true);
});
