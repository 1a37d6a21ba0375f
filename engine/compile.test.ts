import { describe, expect, it } from "vitest";
import { chain, graph } from "../test/graphs.js";
import { testRegistry } from "../test/nodes.js";
import { compile } from "./compile.js";

const registry = testRegistry();
const errorsOf = (doc: unknown) => {
  const r = compile(doc, registry);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};

describe("compile", () => {
  it("orders a diamond so every node comes after its inputs", () => {
    const r = compile(
      graph(
        [
          { id: "a", type: "test.const" },
          { id: "b", type: "test.step" },
          { id: "c", type: "test.step" },
          { id: "d", type: "test.step" },
        ],
        [
          ["a", "out", "b", "in"],
          ["a", "out", "c", "in"],
          ["b", "out", "d", "in"],
          ["c", "out", "d", "other"],
        ],
      ),
      registry,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pos = (id: string) => r.plan.order.indexOf(id);
    expect(pos("a")).toBe(0);
    expect(pos("b")).toBeLessThan(pos("d"));
    expect(pos("c")).toBeLessThan(pos("d"));
    expect(r.plan.dependencyCounts).toEqual({ a: 0, b: 1, c: 1, d: 2 });
    expect(r.plan.nodes.a.dependents.sort()).toEqual(["b", "c"]);
  });

  it("marks fan-out depth and multiplies the estimate by the list size", () => {
    const r = compile(
      graph(
        [
          { id: "l", type: "test.list", config: { count: 5 } },
          { id: "s", type: "test.step", config: { usd: 0.01 } },
          { id: "c", type: "test.collect" },
        ],
        [
          ["l", "items", "s", "in"],
          ["s", "out", "c", "items"],
        ],
      ),
      registry,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.nodes.s.mapDepth).toBe(1);
    expect(r.plan.nodes.s.outputDepth.out).toBe(1);
    expect(r.plan.nodes.c.mapDepth).toBe(0);
    expect(r.plan.estimate.perNode.s).toMatchObject({ items: 5, usd: 0.05 });
    expect(r.plan.estimate.usd).toBeCloseTo(0.05);
  });

  it("reports a malformed document with the field path", () => {
    const errors = errorsOf({ version: 1, name: "x", nodes: [{ id: "a", type: "test.const" }], edges: [] });
    expect(errors[0]).toMatchObject({ code: "INVALID_DOCUMENT", field: "nodes.0.position" });
  });

  it("reports an unknown node type", () => {
    expect(errorsOf(graph([{ id: "a", type: "nope.nothing" }]))).toEqual([
      expect.objectContaining({ code: "UNKNOWN_NODE_TYPE", nodeId: "a", message: expect.stringContaining("nope.nothing") }),
    ]);
  });

  it("reports each invalid config field with its path", () => {
    const errors = errorsOf(graph([{ id: "a", type: "test.list", config: { count: -1, items: "x" } }]));
    expect(errors.map((e) => [e.code, e.nodeId, e.field])).toEqual([
      ["INVALID_CONFIG", "a", "count"],
      ["INVALID_CONFIG", "a", "items"],
    ]);
    // The raw zod issue travels with it: the editor shows `issue.message` at `issue.path`, no regex.
    expect(errors.map((e) => e.issue)).toEqual([
      { code: "too_small", path: ["count"], message: expect.stringMatching(/^Too small/) },
      { code: "invalid_type", path: ["items"], message: expect.stringMatching(/^Invalid input/) },
    ]);
    expect(errors[0].message).toBe(`node "a": count: ${errors[0].issue!.message}`);
  });

  it("names every node on a cycle", () => {
    const errors = errorsOf(
      graph(
        [
          { id: "a", type: "test.const" },
          { id: "b", type: "test.step" },
          { id: "c", type: "test.step" },
          { id: "d", type: "test.step" },
        ],
        [
          ["a", "out", "b", "other"],
          ["b", "out", "c", "in"],
          ["c", "out", "d", "in"],
          ["d", "out", "b", "in"],
        ],
      ),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe("CYCLE");
    expect([...errors[0].nodes!].sort()).toEqual(["b", "c", "d"]);
  });

  it("reports a self-loop as a cycle", () => {
    const errors = errorsOf(graph([{ id: "a", type: "test.step" }], [["a", "out", "a", "in"]]));
    expect(errors[0]).toMatchObject({ code: "CYCLE", nodes: ["a"] });
  });

  it("reports a required input left unconnected", () => {
    expect(errorsOf(graph([{ id: "c", type: "test.collect" }]))).toEqual([
      expect.objectContaining({ code: "MISSING_INPUT", nodeId: "c", port: "items" }),
    ]);
  });

  it("reports a port type mismatch on the edge", () => {
    const errors = errorsOf(
      graph(
        [
          { id: "i", type: "test.image" },
          { id: "j", type: "test.image" },
          { id: "k", type: "test.image" },
        ],
        [
          ["i", "video", "j", "image"],
          ["j", "video", "k", "image"],
          ["j", "video", "i", "image"],
        ],
      ),
    );
    const mismatch = errors.filter((e) => e.code === "PORT_TYPE_MISMATCH");
    expect(mismatch).toHaveLength(3);
    expect(mismatch[0]).toMatchObject({ edgeId: "e0", nodeId: "j", port: "image", message: expect.stringContaining("(video)") });
  });

  it("reports unknown ports and unknown edge endpoints", () => {
    const errors = errorsOf(
      graph(
        [
          { id: "a", type: "test.const" },
          { id: "b", type: "test.step" },
        ],
        [
          ["a", "nope", "b", "in"],
          ["a", "out", "b", "missing"],
          ["a", "out", "ghost", "in"],
        ],
      ),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "UNKNOWN_PORT", edgeId: "e0", nodeId: "a", port: "nope" }),
        expect.objectContaining({ code: "UNKNOWN_PORT", edgeId: "e1", nodeId: "b", port: "missing" }),
        expect.objectContaining({ code: "UNKNOWN_NODE", edgeId: "e2", nodeId: "ghost" }),
      ]),
    );
  });

  it("reports duplicate node and edge ids", () => {
    const doc = graph([
      { id: "a", type: "test.const" },
      { id: "a", type: "test.const" },
    ]);
    doc.edges = [
      { id: "x", source: "a", sourcePort: "out", target: "a", targetPort: "in" },
      { id: "x", source: "a", sourcePort: "out", target: "a", targetPort: "in" },
    ];
    const codes = errorsOf(doc).filter((e) => e.code === "DUPLICATE_ID");
    expect(codes.map((e) => e.nodeId ?? e.edgeId)).toEqual(["a", "x"]);
  });

  it("refuses two edges into one single-valued port, but joins them into a list port", () => {
    const nodes = [
      { id: "a", type: "test.const" },
      { id: "b", type: "test.const" },
      { id: "s", type: "test.step" },
      { id: "c", type: "test.collect" },
    ];
    const errors = errorsOf(
      graph(nodes, [
        ["a", "out", "s", "in"],
        ["b", "out", "s", "in"],
        ["a", "out", "c", "items"],
      ]),
    );
    expect(errors).toEqual([expect.objectContaining({ code: "MULTIPLE_EDGES_INTO_SINGLE_PORT", nodeId: "s", port: "in" })]);
    const ok = compile(
      graph(nodes, [
        ["a", "out", "c", "items"],
        ["b", "out", "c", "items"],
      ]),
      registry,
    );
    expect(ok.ok).toBe(true);
  });

  it("refuses to map over a list arriving on a port that also joins other connections", () => {
    const errors = errorsOf(
      graph(
        [
          { id: "l", type: "test.list" },
          { id: "m", type: "test.list" },
          { id: "r", type: "test.repeat" },
          { id: "c", type: "test.collect" },
        ],
        [
          ["l", "items", "r", "in"],
          ["r", "items", "c", "items"],
          ["m", "items", "c", "items"],
        ],
      ),
    );
    expect(errors).toEqual([expect.objectContaining({ code: "INCOMPATIBLE_FAN_IN", nodeId: "c", port: "items" })]);
  });

  it("returns every error at once", () => {
    const errors = errorsOf(
      graph([
        { id: "a", type: "nope" },
        { id: "c", type: "test.collect" },
        { id: "l", type: "test.list", config: { count: "many" } },
      ]),
    );
    expect(errors.map((e) => e.code).sort()).toEqual(["INVALID_CONFIG", "MISSING_INPUT", "UNKNOWN_NODE_TYPE"]);
  });

  it("compiles a 10,000-node graph", () => {
    const r = compile(chain(10_000), registry);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.plan.order).toHaveLength(10_000);
  });
});
