import { expect, it } from "vitest";
import type { GraphDocument, NodeRunView, RunView } from "../../../schemas/index.js";
import { modelOf, spendByDay, spendByTypeAndModel } from "./aggregate.js";

it("names the model of a cost line", () => {
  expect(modelOf("flux-schnell x4 outputs")).toBe("flux-schnell");
  expect(modelOf("kokoro-82m 120 characters")).toBe("kokoro-82m");
  expect(modelOf("wan-2.1-i2v 5.00 s of video")).toBe("wan-2.1-i2v");
  expect(modelOf("llama-3-8b 10 input + 20 output tokens")).toBe("llama-3-8b");
  expect(modelOf("local studio shot")).toBe("local studio shot");
});

it("sums spend per day with empty days filled", () => {
  const runs = [
    { id: "1", graphId: null, name: "a", status: "succeeded" as const, costUsd: 0.5, estimateUsd: 0, createdAt: "2024-03-10T10:00:00Z", finishedAt: null },
    { id: "2", graphId: null, name: "a", status: "failed" as const, costUsd: 0.25, estimateUsd: 0, createdAt: "2024-03-10T23:00:00Z", finishedAt: null },
    { id: "3", graphId: null, name: "a", status: "succeeded" as const, costUsd: 1, estimateUsd: 0, createdAt: "2024-03-08T01:00:00Z", finishedAt: null },
  ];
  expect(spendByDay(runs, 3, new Date("2024-03-10T12:00:00Z"))).toEqual([
    { day: "2024-03-08", usd: 1, runs: 1 },
    { day: "2024-03-09", usd: 0, runs: 0 },
    { day: "2024-03-10", usd: 0.75, runs: 2 },
  ]);
});

it("sums spend per node type (from the run's document) and per model", () => {
  const nr = (nodeId: string, costUsd: number, breakdown: { usd: number; detail: string }[]): NodeRunView => ({
    nodeId, item: "", status: "succeeded", attempts: 1, progress: 1, costUsd, costBreakdown: breakdown, durationMs: 1,
    queuedAt: null, startedAt: null, finishedAt: null, provider: "replicate", output: null, error: null,
  });
  const run = { id: "r", nodes: [nr("img", 0.3, [{ usd: 0.3, detail: "flux-schnell x3 outputs" }]), nr("img2", 0.1, [{ usd: 0.1, detail: "flux-schnell x1 output" }]), nr("tts", 0, [])] } as RunView;
  const document = { version: 1, name: "x", edges: [], nodes: [{ id: "img", type: "image.generate" }, { id: "img2", type: "image.generate" }, { id: "tts", type: "speech.synthesize" }] } as unknown as GraphDocument;
  const { byType, byModel } = spendByTypeAndModel([{ run, document }]);
  expect(byType[0]).toEqual({ key: "image.generate", usd: 0.4, count: 2 });
  expect(byType[1]).toEqual({ key: "speech.synthesize", usd: 0, count: 1 });
  expect(byModel).toEqual([{ key: "flux-schnell", usd: 0.4, count: 2 }]);
});
