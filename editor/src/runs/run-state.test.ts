import { describe, expect, it } from "vitest";
import type { NodeRunView, RunView } from "../../../schemas/index.js";
import { aggregateNode, applyEvent, compareItems, emptyRunState, withRun } from "./run-state.js";

const nr = (nodeId: string, item: string, status: NodeRunView["status"], extra: Partial<NodeRunView> = {}): NodeRunView => ({
  nodeId, item, status, attempts: 1, progress: 0, costUsd: 0, costBreakdown: [], durationMs: null,
  queuedAt: null, startedAt: null, finishedAt: null, provider: null, output: null, error: null, ...extra,
});
const run = (nodes: NodeRunView[]): RunView => ({
  id: "r1", graphId: "g", versionId: "v", name: "x", status: "running", costUsd: 0, estimateUsd: 1, budgetUsd: null,
  createdAt: "2024-01-01T00:00:00Z", startedAt: null, finishedAt: null, error: null, nodes,
});

describe("run state", () => {
  it("aggregates fanned-out items into one node status", () => {
    const a = aggregateNode([
      nr("img", "0", "succeeded", { costUsd: 0.01, output: { i: 0 } }),
      nr("img", "1", "running", { progress: 0.5 }),
      nr("img", "2", "failed", { attempts: 3, error: { code: "X", message: "boom" } }),
    ]);
    expect(a.status).toBe("failed");
    expect(a.items).toBe(3);
    expect(a.itemsDone).toBe(2);
    expect(a.attempts).toBe(3);
    expect(a.progress).toBeCloseTo((1 + 0.5 + 1) / 3);
    expect(a.errors).toEqual([{ item: "2", message: "boom", code: "X" }]);
    expect(a.outputs).toEqual([{ i: 0 }]);
    expect(aggregateNode([nr("a", "", "cached"), nr("a", "", "succeeded")]).status).toBe("succeeded");
    expect(aggregateNode([nr("a", "0", "cached"), nr("a", "1", "pending")]).status).toBe("running");
    expect(["2.10", "2.9", "10", "1"].sort(compareItems)).toEqual(["1", "2.9", "2.10", "10"]);
  });

  it("applies live node, run and log events, keeping untouched nodes' objects", () => {
    let s = withRun(emptyRunState, run([nr("a", "", "running"), nr("b", "", "pending")]));
    const bBefore = s.byNode.b;
    s = applyEvent(s, { kind: "node", runId: "r1", nodeId: "a", item: "", status: "succeeded", progress: 1, attempts: 1, costUsd: 0.02, durationMs: 1200, at: "2024-01-01T00:00:05Z" });
    expect(s.byNode.a).toMatchObject({ status: "succeeded", costUsd: 0.02, durationMs: 1200, finishedAt: "2024-01-01T00:00:05Z" });
    expect(s.byNode.b).toBe(bBefore);
    s = applyEvent(s, { kind: "node", runId: "r1", nodeId: "c", item: "0", status: "queued", progress: 0, attempts: 0, costUsd: 0, durationMs: null, at: "t" });
    expect(s.byNode.c.status).toBe("queued");
    s = applyEvent(s, { kind: "log", runId: "r1", nodeId: "a", item: "", level: "info", message: "hi", at: "t" });
    expect(s.logs.map((l) => l.message)).toEqual(["hi"]);
    s = applyEvent(s, { kind: "run", runId: "r1", status: "succeeded", costUsd: 0.02, at: "2024-01-01T00:00:06Z" });
    expect(s.run).toMatchObject({ status: "succeeded", costUsd: 0.02, finishedAt: "2024-01-01T00:00:06Z" });
    expect(applyEvent(s, { kind: "run", runId: "other", status: "failed", costUsd: 9, at: "t" })).toBe(s);
  });

  it("a reset (retry) replaces the node's items", () => {
    let s = withRun(emptyRunState, run([nr("a", "0", "failed"), nr("a", "1", "succeeded")]));
    s = applyEvent(s, { kind: "node", runId: "r1", nodeId: "a", item: "", status: "pending", progress: 0, attempts: 0, costUsd: 0, durationMs: null, at: "t" });
    expect(s.run!.nodes.filter((n) => n.nodeId === "a")).toHaveLength(1);
    expect(s.byNode.a.status).toBe("pending");
  });
});
