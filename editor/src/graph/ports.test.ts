import { describe, expect, it } from "vitest";
import type { NodeTypeInfo } from "../../../schemas/index.js";
import { checkConnection, type Catalog, type GraphShape } from "./ports.js";

const t = (type: string, title: string, inputs: NodeTypeInfo["inputs"], outputs: NodeTypeInfo["outputs"]): NodeTypeInfo => ({
  type, version: 1, title, category: "x", description: "", inputs, outputs, configSchema: {}, paid: false, providers: [], secrets: [], timeoutMs: 60_000,
});
const catalog: Catalog = new Map(
  [
    t("src", "Source", [], [{ name: "image", type: "image", list: false, required: false }, { name: "caption", type: "text", list: false, required: false }]),
    t("vid", "Image to video", [{ name: "image", type: "image", list: false, required: true }], [{ name: "video", type: "video", list: false, required: false }]),
    t("mix", "Composite", [{ name: "clips", type: "media", list: true, required: true }, { name: "voice", type: "audio", list: false, required: false }], [{ name: "out", type: "video", list: false, required: false }]),
  ].map((x) => [x.type, x]),
);
const graph: GraphShape = {
  nodes: [
    { id: "s", type: "src" },
    { id: "s2", type: "src" },
    { id: "v", type: "vid" },
    { id: "m", type: "mix", label: "Final cut" },
  ],
  edges: [
    { id: "e1", source: "s", sourcePort: "image", target: "v", targetPort: "image" },
    { id: "e2", source: "v", sourcePort: "video", target: "m", targetPort: "clips" },
  ],
};

describe("checkConnection", () => {
  it("refuses a type mismatch and says why", () => {
    const r = checkConnection(graph, catalog, { node: "s", port: "caption" }, { node: "m", port: "voice" });
    expect(r).toEqual({ ok: false, reason: "Final cut › voice expects audio, but Source › caption gives text." });
  });
  it("lets media take image/video and a list input gather several connections", () => {
    expect(checkConnection(graph, catalog, { node: "s2", port: "image" }, { node: "m", port: "clips" })).toEqual({ ok: true, replaces: [] });
  });
  it("replaces the connection of a single-valued input", () => {
    expect(checkConnection(graph, catalog, { node: "s2", port: "image" }, { node: "v", port: "image" })).toEqual({ ok: true, replaces: ["e1"] });
  });
  it("refuses loops, self-connections and duplicates", () => {
    const g2: GraphShape = { ...graph, nodes: [...graph.nodes, { id: "v2", type: "vid" }] };
    expect(checkConnection(g2, catalog, { node: "v", port: "video" }, { node: "v", port: "image" })).toMatchObject({ ok: false, reason: "A node cannot feed itself." });
    expect(checkConnection(graph, catalog, { node: "s", port: "image" }, { node: "v", port: "image" })).toMatchObject({ ok: false, reason: "These ports are already connected." });
    const loop: GraphShape = {
      nodes: [{ id: "a", type: "vid" }, { id: "b", type: "vid" }],
      edges: [{ id: "x", source: "a", sourcePort: "video", target: "b", targetPort: "image" }],
    };
    const cat2: Catalog = new Map(catalog);
    cat2.set("vid", { ...catalog.get("vid")!, outputs: [{ name: "video", type: "image", list: false, required: false }] });
    expect(checkConnection(loop, cat2, { node: "b", port: "video" }, { node: "a", port: "image" })).toMatchObject({ ok: false, reason: expect.stringContaining("loop") });
  });
  it("names unknown types and ports", () => {
    expect(checkConnection({ nodes: [{ id: "a", type: "zzz" }, { id: "v", type: "vid" }], edges: [] }, catalog, { node: "a", port: "x" }, { node: "v", port: "image" })).toEqual({ ok: false, reason: 'Unknown node type "zzz".' });
    expect(checkConnection(graph, catalog, { node: "s", port: "nope" }, { node: "v", port: "image" })).toEqual({ ok: false, reason: 'Source has no output "nope".' });
  });
});
