/**
 * A publishing testbed (test files only): the real engine and worker with the PostgreSQL ledger,
 * local fakes of Instagram, YouTube, TikTok and a webhook receiver, the environment pointing the
 * adapters at them, and real rendered videos in the engine's media storage.
 */
import path from "node:path";
import { controlProviders } from "../services/control-providers.js";
import { createMediaStorage } from "../services/storage.js";
import type { MediaRef } from "../schemas/index.js";
import { startTestEngine, type TestEngine } from "./engine.js";
import { startFakeInstagram, type FakeInstagram } from "./fakes/instagram-server.js";
import { startFakeTikTok, type FakeTikTok } from "./fakes/tiktok-server.js";
import { startFakeWebhook, type FakeWebhook } from "./fakes/webhook-receiver.js";
import { startFakeYouTube, type FakeYouTube } from "./fakes/youtube-server.js";
import { graph } from "./graphs.js";
import { testRegistry } from "./nodes.js";
import { createLocalProvider } from "../nodes/providers/local/index.js";
import type { ProviderFactory } from "../nodes/providers/index.js";
import { renderTestVideo } from "./test-videos.js";
import { publishChannel } from "../nodes/publish-channel/definition.js";
import { defineNode, type NodeDefinition } from "../nodes/contract.js";
import { z } from "zod";

/** A stored video as a node output (test.const's output is json, which a video port does not take). */
export const videoConstNode = defineNode({
  type: "test.video",
  version: 1,
  title: "Video constant",
  category: "test",
  description: "Outputs the configured stored video",
  inputs: [],
  outputs: [{ name: "video", type: "video" }],
  config: z.object({ value: z.unknown() }),
  exampleConfig: { value: null },
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config) {
    return { video: config.value };
  },
});

/** A product as a node output. */
export const productConstNode = defineNode({
  type: "test.product",
  version: 1,
  title: "Product constant",
  category: "test",
  description: "Outputs the configured product",
  inputs: [],
  outputs: [{ name: "product", type: "product" }],
  config: z.object({ value: z.unknown() }),
  exampleConfig: { value: null },
  estimate: () => ({ usd: 0, seconds: 0 }),
  async run(_inputs, config) {
    return { product: config.value };
  },
});

export interface PublishTestbed {
  engine: TestEngine;
  instagram: FakeInstagram;
  youtube: FakeYouTube;
  tiktok: FakeTikTok;
  webhook: FakeWebhook;
  /** Environment the adapters read (base URLs and credentials): for a worker in another process. */
  env: Record<string, string>;
  /** Every credential value, to grep logs and outputs for. */
  secrets: string[];
  videos: { vertical: MediaRef; wide: MediaRef };
  providers: ProviderFactory;
  publishGraph(config: Record<string, unknown>, o?: { video?: MediaRef; product?: unknown; retry?: { maxAttempts?: number; backoffMs?: number } }): ReturnType<typeof graph>;
  stop(): Promise<void>;
}

export async function startPublishTestbed(o: { extraNodes?: NodeDefinition<any, any>[]; workers?: number } = {}): Promise<PublishTestbed> {
  const registry = testRegistry().register(publishChannel).register(videoConstNode).register(productConstNode);
  for (const n of o.extraNodes ?? []) registry.register(n);
  const engine = await startTestEngine(registry, { workers: 0 });
  const [instagram, youtube, tiktok, webhook] = await Promise.all([startFakeInstagram(), startFakeYouTube(), startFakeTikTok(), startFakeWebhook()]);
  const env: Record<string, string> = {
    INSTAGRAM_GRAPH_URL: instagram.graphUrl,
    INSTAGRAM_UPLOAD_URL: instagram.uploadUrl,
    INSTAGRAM_ACCESS_TOKEN: instagram.token,
    INSTAGRAM_USER_ID: instagram.userId,
    YOUTUBE_UPLOAD_URL: youtube.uploadUrl,
    YOUTUBE_API_URL: youtube.apiUrl,
    YOUTUBE_ANALYTICS_URL: youtube.analyticsUrl,
    YOUTUBE_ACCESS_TOKEN: youtube.token,
    TIKTOK_API_URL: tiktok.apiUrl,
    TIKTOK_ACCESS_TOKEN: tiktok.token,
    WEBHOOK_SECRET: webhook.secret,
    GENJED_PUBLIC_URL: "http://studio.test",
    // The fake webhook receiver is on loopback: the outbound guard allows it only through the allow-list.
    GENJED_OUTBOUND_ALLOW: "127.0.0.1",
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const providers: ProviderFactory = { local: createLocalProvider, ...controlProviders(engine.db.sql, { publicUrl: env.GENJED_PUBLIC_URL }) };
  for (let i = 0; i < (o.workers ?? 1); i++) await engine.startWorker({ providers });

  const storage = createMediaStorage({ root: path.join(engine.home, "media"), sql: engine.db.sql });
  const dir = await storage.tempDir();
  const vertical = await storage.put({ path: await renderTestVideo(dir, "vertical", { durationSec: 2 }) }, { mime: "video/mp4", meta: { aspectRatio: "9:16" } });
  const wide = await storage.put({ path: await renderTestVideo(dir, "wide", { width: 1280, height: 720, durationSec: 2 }) }, { mime: "video/mp4", meta: { aspectRatio: "16:9" } });

  return {
    engine,
    instagram,
    youtube,
    tiktok,
    webhook,
    env,
    secrets: [instagram.token, youtube.token, tiktok.token, webhook.secret],
    videos: { vertical, wide },
    providers,
    publishGraph(config, g = {}) {
      return graph(
        [
          { id: "video", type: "test.video", config: { value: g.video ?? vertical } },
          ...(g.product ? [{ id: "product", type: "test.product", config: { value: g.product } }] : []),
          { id: "publish", type: "publish.channel", config: { pollIntervalSec: 0.02, ...config }, retry: g.retry ?? { maxAttempts: 3, backoffMs: 50 } },
        ],
        [["video", "video", "publish", "video"], ...(g.product ? [["product", "product", "publish", "product"] as [string, string, string, string]] : [])],
      );
    },
    async stop() {
      await engine.stop();
      await Promise.all([instagram.close(), youtube.close(), tiktok.close(), webhook.close()]);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
