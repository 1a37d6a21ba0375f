import { expect, it } from "vitest";
import { copySelection, instantiate, newNodeId, parseClipboard } from "./clipboard.js";

it("copies the selected nodes with the edges between them, and pastes them under fresh ids", () => {
  const nodes = [
    { id: "a", type: "image.generate", position: { x: 0, y: 0 }, config: { p: 1 } },
    { id: "b", type: "audio.tts", position: { x: 10, y: 0 }, config: {} },
    { id: "c", type: "audio.tts", position: { x: 20, y: 0 }, config: {} },
  ];
  const edges = [
    { id: "e1", source: "a", sourcePort: "o", target: "b", targetPort: "i" },
    { id: "e2", source: "b", sourcePort: "o", target: "c", targetPort: "i" },
  ];
  const payload = copySelection(nodes, edges, new Set(["a", "b"]));
  expect(payload.edges.map((e) => e.id)).toEqual(["e1"]);
  const back = parseClipboard(JSON.stringify(payload))!;
  const { nodes: pasted, edges: pe } = instantiate(back, new Set(["a", "b", "c", "image_generate_1"]), { x: 40, y: 40 }, newNodeId);
  expect(pasted.map((n) => n.id)).toEqual(["image_generate_2", "audio_tts_1"]);
  expect(pasted[0].position).toEqual({ x: 40, y: 40 });
  expect(pe).toHaveLength(1);
  expect(pe[0]).toMatchObject({ source: "image_generate_2", target: "audio_tts_1" });
  expect(parseClipboard("not json")).toBeNull();
  expect(parseClipboard('{"kind":"other"}')).toBeNull();
});
