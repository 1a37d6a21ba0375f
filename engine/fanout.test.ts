import { describe, expect, it } from "vitest";
import type { PlanNode } from "./compile.js";
import { SKIPPED, gatherOutputs, planItems } from "./fanout.js";

const node = (mapDepth: number, inputs: { port: string; list?: boolean; source: string; depth: number }[]): PlanNode =>
  ({
    id: "n",
    mapDepth,
    outputDepth: { out: mapDepth },
    inputs: inputs.map((i) => ({ port: i.port, list: !!i.list, edges: [{ edgeId: i.port, source: i.source, sourcePort: "out", depth: i.depth }] })),
  }) as unknown as PlanNode;

describe("fan-out", () => {
  it("maps a single-valued port over a list and broadcasts single values", () => {
    const n = node(1, [
      { port: "product", source: "p", depth: 1 },
      { port: "brand", source: "b", depth: 0 },
    ]);
    const items = planItems(n, { p: { out: ["x", "y"] }, b: { out: "B" } });
    expect(items).toEqual([
      { item: "0", inputs: { product: "x", brand: "B" }, skipped: false },
      { item: "1", inputs: { product: "y", brand: "B" }, skipped: false },
    ]);
  });

  it("maps nested lists over two levels, aligning the shallower input on the outer level", () => {
    const n = node(2, [
      { port: "prompt", source: "p", depth: 2 },
      { port: "product", source: "q", depth: 1 },
    ]);
    const items = planItems(n, { p: { out: [["a", "b"], ["c"]] }, q: { out: ["P0", "P1"] } });
    expect(items.map((i) => [i.item, i.inputs.prompt, i.inputs.product])).toEqual([
      ["0.0", "a", "P0"],
      ["0.1", "b", "P0"],
      ["1.0", "c", "P1"],
    ]);
  });

  it("hands a list port one inner list per item", () => {
    const n = node(1, [{ port: "clips", list: true, source: "v", depth: 2 }]);
    expect(planItems(n, { v: { out: [[1, 2], [3]] } }).map((i) => i.inputs.clips)).toEqual([[1, 2], [3]]);
  });

  it("refuses to pair lists of different lengths, naming the ports", () => {
    const n = node(1, [
      { port: "a", source: "x", depth: 1 },
      { port: "b", source: "y", depth: 1 },
    ]);
    expect(() => planItems(n, { x: { out: [1, 2, 3] }, y: { out: [1, 2] } })).toThrow(/"a" \(3 items\) and "b" \(2 items\)/);
  });

  it("skips items fed by a hole", () => {
    const n = node(1, [{ port: "in", source: "x", depth: 1 }]);
    expect(planItems(n, { x: { out: [1, SKIPPED, 3] } }).map((i) => i.skipped)).toEqual([false, true, false]);
  });

  it("gathers item outputs back in path order with holes for failed items", () => {
    const n = node(2, []);
    const out = gatherOutputs(n, [
      { item: "1.0", output: { out: "c" }, ok: true },
      { item: "0.1", output: null, ok: false },
      { item: "0.0", output: { out: "a" }, ok: true },
    ]);
    expect(out).toEqual({ out: [["a", SKIPPED], ["c"]] });
  });
});
