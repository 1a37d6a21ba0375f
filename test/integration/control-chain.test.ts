/**
 * The four control nodes wired as a user wires them: composite output -> qa.gate -> review.human ->
 * publish.channel -> analytics.collect, on the real engine, with a real rendered video whose
 * metadata carries the texts the composite drew.
 */
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMediaStorage } from "../../services/storage.js";
import { decideReview } from "../../services/review-decisions.js";
import { listReviews } from "../../services/reviews.js";
import { waitForRun } from "../../engine/runs.js";
import { nodeOutput } from "../engine.js";
import { graph } from "../graphs.js";
import { analyticsCollect } from "../../nodes/analytics-collect/definition.js";
import type { InsightsReport } from "../../nodes/analytics-collect/report.js";
import type { PublicationOutput } from "../../nodes/publish-channel/definition.js";
import { startPublishTestbed, type PublishTestbed } from "../publish.js";
import { qaGate } from "../../nodes/qa-gate/definition.js";
import type { QaReport } from "../../nodes/shared/qa-report.js";
import { renderTestVideo } from "../test-videos.js";
import { reviewHuman } from "../../nodes/review-human/definition.js";
import { systemScope } from "../../lib/scope.js";

let tb: PublishTestbed;
beforeAll(async () => {
  tb = await startPublishTestbed({ extraNodes: [qaGate, reviewHuman, analyticsCollect] });
}, 120_000);
afterAll(() => tb?.stop());

const product = { id: "lamp-1", name: "Aurora Desk Lamp", description: "", price: 49.99, currency: "USD", category: "lighting", images: [], attributes: {} };

it("a wide render with a wrong price is flagged by QA, waits for a reviewer, and once approved is published to Reels (prepared to 9:16) and measured", async () => {
  const storage = createMediaStorage({ root: path.join(tb.engine.home, "media"), sql: tb.engine.db.sql });
  const file = await renderTestVideo(await storage.tempDir(), "ad", { width: 1280, height: 720, durationSec: 4 });
  // As video.composite stores it: the texts it drew are in the metadata.
  const video = await storage.put({ path: file }, { mime: "video/mp4", meta: { aspectRatio: "16:9", texts: { headline: "Aurora Desk Lamp now $39.99", cta: "Shop now" } } });

  const doc = graph(
    [
      { id: "video", type: "test.video", config: { value: video } },
      { id: "product", type: "test.product", config: { value: product } },
      { id: "qa", type: "qa.gate", config: { channel: "instagram_reels", skip: ["loudness"], failBelow: 10 } },
      { id: "review", type: "review.human", config: {} },
      { id: "publish", type: "publish.channel", config: { channels: ["instagram_reels", "library"], pollIntervalSec: 0.02 } },
      { id: "analytics", type: "analytics.collect", config: {} },
    ],
    [
      ["video", "video", "qa", "video"],
      ["product", "product", "qa", "product"],
      ["qa", "video", "review", "video"],
      ["qa", "report", "review", "qa"],
      ["product", "product", "review", "product"],
      ["review", "videos", "publish", "video"],
      ["publish", "publications", "analytics", "publications"],
    ],
  );
  const runId = await tb.engine.start(doc);
  await waitForRun(tb.engine.db.sql, runId, { until: ["waiting", "failed"], timeoutMs: 60_000 });
  const qaRun = (await (await import("../../engine/runs.js")).getRun(tb.engine.db.sql, runId, systemScope("test")))!;
  const report = (await nodeOutput(tb.engine, runId, "qa"))!.report as QaReport;
  expect(qaRun.status, JSON.stringify(qaRun.nodes.map((n) => [n.nodeId, n.status, n.error]))).toBe("waiting");
  expect(report.route).toBe("review");
  expect(report.flags.map((f) => f.id)).toEqual(["aspect_ratio", "price"]);

  const [review] = await listReviews(tb.engine.db.sql, systemScope("test"), { runId });
  expect(review.items).toMatchObject([{ id: "video-0", qa: { route: "review", flags: [{ id: "aspect_ratio" }, { id: "price" }] }, product: { id: "lamp-1", price: 49.99 } }]);
  expect(review.qa!.flags.map((f) => f.check)).toEqual(["aspect_ratio", "price"]);
  await decideReview(tb.engine.db.sql, tb.engine.registry, review.id, { decision: "approve", reviewer: "lead reviewer", notes: "price is a launch offer" }, systemScope("test"));

  const run = await waitForRun(tb.engine.db.sql, runId, { timeoutMs: 60_000 });
  expect(run.status).toBe("succeeded");
  const pubs = ((await nodeOutput(tb.engine, runId, "publish"))!.publications as PublicationOutput[][]).flat();
  expect(pubs.map((p) => [p.channel, p.status])).toEqual([
    ["instagram_reels", "published"],
    ["library", "published"],
  ]);
  expect(pubs[0].format).toMatchObject({ width: 720, height: 1280 });
  const insights = ((await nodeOutput(tb.engine, runId, "analytics"))!.report as InsightsReport[])[0];
  expect(insights.publications.map((p) => p.id).sort()).toEqual(pubs.map((p) => p.id).sort());
});
