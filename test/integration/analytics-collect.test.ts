import path from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventHub } from "../../engine/events.js";
import { createApp } from "../../server/app.js";
import { libraryFeature } from "../../server/routes/library.js";
import { nodeOutput } from "../engine.js";
import { graph } from "../graphs.js";
import { analyticsCollect } from "../../nodes/analytics-collect/definition.js";
import type { InsightsReport } from "../../nodes/analytics-collect/report.js";
import type { PublicationOutput } from "../../nodes/publish-channel/definition.js";
import { startPublishTestbed, type PublishTestbed } from "../publish.js";

let tb: PublishTestbed;
let hub: RunEventHub;
let app: Hono;
const lamp = { id: "lamp", name: "Aurora Lamp", description: "", price: 49, currency: "USD", category: "lighting", images: [], attributes: {} };
const chair = { id: "chair", name: "Fjord Chair", description: "", price: 199, currency: "USD", category: "furniture", images: [], attributes: {} };
let pubs: PublicationOutput[] = [];

beforeAll(async () => {
  tb = await startPublishTestbed({ extraNodes: [analyticsCollect] });
  hub = new RunEventHub(tb.engine.db.sql);
  app = createApp({ database: tb.engine.db, registry: tb.engine.registry, hub, mediaRoot: path.join(tb.engine.home, "media") }, [libraryFeature]);
  const publish = async (channels: string[], product: unknown, video = tb.videos.vertical) => {
    const run = await tb.engine.run(tb.publishGraph({ channels, prepare: false }, { product, video }), { timeoutMs: 60_000 });
    expect(run.status).toBe("succeeded");
    return (await nodeOutput(tb.engine, run.id, "publish"))!.publications as PublicationOutput[];
  };
  pubs = [...(await publish(["instagram_reels", "youtube_shorts", "tiktok", "library"], lamp)), ...(await publish(["library"], chair, tb.videos.wide))];
}, 180_000);
afterAll(async () => {
  await hub?.stop();
  await tb?.stop();
});

const analyticsGraph = (config: Record<string, unknown> = {}, attribution?: unknown) =>
  graph(
    [
      { id: "analytics", type: "analytics.collect", config },
      ...(attribution ? [{ id: "attribution", type: "test.const", config: { value: attribution } }] : []),
    ],
    attribution ? [["attribution", "out", "analytics", "attribution"]] : [],
  );

describe("analytics.collect", () => {
  it("pulls metrics from each platform's insights API and the library's tracking into the time series", async () => {
    const [ig, yt, tt, libLamp, libChair] = pubs;
    Object.assign(tb.instagram.media[0].insights, { views: 1200, reach: 900, likes: 90, comments: 12, shares: 18, saved: 6, ig_reels_video_view_total_time: 1_800_000 });
    tb.youtube.videos[0].stats = { views: 3000, estimatedMinutesWatched: 50, likes: 30, comments: 4, shares: 6 };
    tb.tiktok.posts[0].stats = { view_count: 5000, like_count: 400, comment_count: 40, share_count: 60 };
    // Real visits through the library's pages.
    for (let i = 0; i < 4; i++) await app.request(`/library/items/${libLamp.id}`, { headers: { "user-agent": `visitor ${i % 2}` } });
    await app.request(`/library/items/${libLamp.id}/click`);
    for (let i = 0; i < 2; i++) await app.request(`/library/items/${libChair.id}/view`, { method: "POST" });

    const attribution = [
      { productId: "lamp", channel: "tiktok", conversions: 8, revenue: 392, spend: 80 },
      { publicationId: ig.id, conversions: 1, revenue: 49, spend: 60 },
    ];
    const run = await tb.engine.run(analyticsGraph({ minViews: 1 }, attribution), { timeoutMs: 60_000 });
    expect(run.status).toBe("succeeded");
    const samples = await tb.engine.db.sql<{ publicationId: string; metric: string; value: number; source: string }[]>`
      select publication_id as "publicationId", metric, value, source from metric_samples where collected_at >= ${run.startedAt}`;
    const of = (id: string) => Object.fromEntries(samples.filter((s) => s.publicationId === id).map((s) => [s.metric, [s.value, s.source]]));
    expect(of(ig.id)).toMatchObject({
      views: [1200, "instagram_insights"],
      impressions: [900, "instagram_insights"],
      likes: [90, "instagram_insights"],
      saves: [6, "instagram_insights"],
      watchTimeSec: [1800, "instagram_insights"],
      revenue: [49, "attribution"],
      spend: [60, "attribution"],
    });
    expect(of(yt.id)).toMatchObject({ views: [3000, "youtube_analytics"], watchTimeSec: [3000, "youtube_analytics"], shares: [6, "youtube_analytics"] });
    expect(of(tt.id)).toMatchObject({ views: [5000, "tiktok_display_api"], likes: [400, "tiktok_display_api"], revenue: [392, "attribution"], conversions: [8, "attribution"] });
    expect(of(libLamp.id)).toMatchObject({ views: [4, "library"], clicks: [1, "library"] });
    expect(of(libChair.id)).toMatchObject({ views: [2, "library"], clicks: [0, "library"] });

    // The API calls were the platforms' own.
    expect(tb.instagram.requests.at(-1)).toMatchObject({ method: "GET", path: `/graph/v21.0/${tb.instagram.media[0].id}/insights` });
    expect(tb.youtube.requests.at(-1)).toMatchObject({ path: "/youtubeanalytics/v2/reports", query: { ids: "channel==MINE", dimensions: "video", filters: `video==${tb.youtube.videos[0].id}` } });
    expect(tb.tiktok.requests.at(-1)).toMatchObject({ path: "/v2/video/query/", body: { filters: { video_ids: [tb.tiktok.posts[0].postId] } } });

    const report = (await nodeOutput(tb.engine, run.id, "analytics"))!.report as InsightsReport & { recommendations: { kind: string; message: string }[] };
    // engagement: tiktok 500/5000 = 10%, instagram 126/1200 = 10.5%, youtube 40/3000 = 1.3%, library lamp 1/4 = 25%, chair 0%
    expect(report.publications.map((p) => p.channel + ":" + p.productId)).toEqual(["library:lamp", "instagram_reels:lamp", "tiktok:lamp", "youtube_shorts:lamp", "library:chair"]);
    expect(report.byProduct.map((g) => g.key)).toEqual(["lamp", "chair"]);
    expect(report.byFormat.map((g) => g.label)).toEqual(["9:16 · ≤10 s", "16:9 · ≤10 s"]);
    expect(report.roas.byChannel).toEqual([
      { channel: "tiktok", spend: 80, revenue: 392, roas: 4.9 },
      { channel: "instagram_reels", spend: 60, revenue: 49, roas: 0.817 },
    ]);
    expect(report.recommendations.map((r) => r.kind)).toEqual(expect.arrayContaining(["format", "channel", "product", "budget"]));
    expect(report.recommendations.find((r) => r.kind === "budget")!.message).toMatch(/^Cut or rework paid spend on instagram_reels: ROAS 0\.82x/);
  });

  it("keeps a time series: a second collection appends samples and the report uses the latest", async () => {
    const ig = pubs[0];
    Object.assign(tb.instagram.media[0].insights, { views: 2400 });
    const run = await tb.engine.run(graph([{ id: "analytics", type: "analytics.collect", config: {} }]), { timeoutMs: 60_000 });
    expect(run.status).toBe("succeeded");
    const series = await tb.engine.db.sql`select value from metric_samples where publication_id = ${ig.id} and metric = 'views' order by collected_at, id`;
    expect(series.map((s) => s.value)).toEqual([1200, 2400]);
    const out = (await nodeOutput(tb.engine, run.id, "analytics"))!;
    expect((out.metrics as { publications: Record<string, { views: number }> }).publications[ig.id].views).toBe(2400);
  });

  it("reports a platform that refuses as a problem, not a crash, and keeps the others", async () => {
    process.env.TIKTOK_ACCESS_TOKEN = "wrong";
    try {
      const run = await tb.engine.run(graph([{ id: "analytics", type: "analytics.collect", config: {} }]), { timeoutMs: 60_000 });
      expect(run.status).toBe("succeeded");
      const out = (await nodeOutput(tb.engine, run.id, "analytics"))!;
      expect((out.report as { problems: unknown[] }).problems).toEqual([
        { channel: "tiktok", code: "TIKTOK_access_token_invalid", message: "access_token_invalid: The access token is invalid or not found in the request." },
      ]);
    } finally {
      process.env.TIKTOK_ACCESS_TOKEN = tb.tiktok.token;
    }
    const bad = await tb.engine.run(analyticsGraph({}, [{ revenue: 3 }]));
    expect(bad.nodes.find((n) => n.nodeId === "analytics")!.error).toMatchObject({
      code: "PORT_VALUE_INVALID",
      message: 'node "analytics" (analytics.collect): input attribution[0]: each row needs a publicationId or a productId',
      details: { port: "attribution", path: [0] },
    });
  });

  it("takes publish.channel's publications in the same run", async () => {
    const doc = tb.publishGraph({ channels: ["library", "tiktok"], prepare: false });
    doc.nodes.push({ id: "analytics", type: "analytics.collect", position: { x: 0, y: 0 }, config: {} });
    doc.edges.push({ id: "e-analytics", source: "publish", sourcePort: "publications", target: "analytics", targetPort: "publications" });
    const run = await tb.engine.run(doc, { timeoutMs: 60_000 });
    expect(run.status).toBe("succeeded");
    const report = (await nodeOutput(tb.engine, run.id, "analytics"))!.report as InsightsReport;
    const published = (await nodeOutput(tb.engine, run.id, "publish"))!.publications as PublicationOutput[];
    expect(report.publications.map((p) => p.id).sort()).toEqual(published.map((p) => p.id).sort());
  });
});
