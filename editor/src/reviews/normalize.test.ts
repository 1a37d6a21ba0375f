import { expect, it } from "vitest";
import { normalizeReview } from "./normalize.js";

const media = (c: string) => ({ hash: c.repeat(64), mime: "video/mp4", size: 1, url: `/media/${c.repeat(64)}`, kind: "video" as const, meta: {} });

it("reads a review as services/reviews.ts lists it: candidates with their own QA flags", () => {
  const v = normalizeReview({
    id: "42",
    title: "Approve the cut",
    instructions: "Pick the best",
    graphId: "g1",
    graphName: "Launch",
    nodeId: "review",
    createdAt: "2024-01-01T00:00:00Z",
    items: [
      { id: "video-0", label: "9:16", kind: "video", media: media("a"), qa: { score: 80, route: "review", flags: [{ id: "aspect", severity: "high", message: "16:9 sent to Reels" }] } },
      { id: "video-1", label: "1:1", kind: "video", media: media("b") },
    ],
    qa: { score: 80, flags: [{ check: "aspect", name: "aspect", severity: "high", message: "16:9 sent to Reels", itemId: "video-0" }] },
    product: { id: "p1", name: "Shoe", price: 99 },
    allowedDecisions: ["approve", "reject", "select"],
    minSelect: 1,
    revisions: { used: 0, max: 2 },
  });
  expect(v.candidates.map((c) => [c.id, c.label, c.media.length, c.qaScore])).toEqual([
    ["video-0", "9:16", 1, 80],
    ["video-1", "1:1", 1, null],
  ]);
  expect(v.candidates[0].flags).toEqual([{ name: "aspect", severity: "high", message: "16:9 sent to Reels", itemId: undefined }]);
  expect(v.flags).toEqual([]);
  expect(v.decisions).toEqual(["approve", "reject", "select"]);
  expect(v.subtitle).toBe("Launch · node review");
  expect(v.product).toEqual({ id: "p1", name: "Shoe", price: 99 });
});
