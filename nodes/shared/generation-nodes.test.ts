/**
 * image.generate, video.fromImage and speech.synthesize as nodes: local renders, the replicate
 * provider through the real client against the local Replicate-compatible server, the fallback
 * chain from a failing model to local, and estimates from the catalogue's price table.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeReplicate, type FakeReplicate } from "../../test/fakes/replicate-server.js";
import type { MediaRef } from "../../schemas/index.js";
import { imageGenerate } from "../image-generate/definition.js";
import { probeMedia } from "../../lib/media/probe.js";
import { createReplicateProvider } from "../providers/replicate/index.js";
import { REPLICATE_MODELS, estimateReplicateUsd } from "../providers/replicate/models.js";
import { speechSynthesize } from "../speech-synthesize/definition.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../test/node-context.js";
import { videoFromImage } from "../video-from-image/definition.js";

const TOKEN = "r8_GenerationNodesTestToken_abcdef";
let h: NodeTestHarness;
let fake: FakeReplicate;
let bottle: MediaRef;

beforeAll(async () => {
  fake = await startFakeReplicate({ token: TOKEN });
  fake.model(REPLICATE_MODELS["flux-schnell"].ref, { output: { kind: "image", width: 96, height: 96 } });
  fake.model(REPLICATE_MODELS["kokoro-82m"].ref, { output: { kind: "audio", durationSec: 1 } });
  h = await createNodeTestHarness({
    secrets: { REPLICATE_API_TOKEN: TOKEN },
    providers: { replicate: (ctx) => createReplicateProvider(ctx, { baseUrl: fake.baseUrl, pollIntervalMs: 20, retry: { baseDelayMs: 10, maxDelayMs: 50 } }) },
  });
  bottle = await h.storage.put(await readFile(path.resolve("examples/demo-catalog/images/aurora-bottle.png")), { mime: "image/png" });
});
afterAll(async () => {
  await fake.close();
  await h.close();
});

describe("image.generate", () => {
  it("renders a local studio shot from a shot object and a reference image", async () => {
    const shot = { prompt: "studio bottle", view: "side", seed: 5, aspectRatio: "16:9" };
    const { image } = (await h.run(imageGenerate, { prompt: shot, reference: bottle }, {})) as { image: MediaRef };
    expect(image.meta).toMatchObject({ width: 1344, height: 768, view: "side", seed: 5 });
    expect(image.meta.renderer).toContain("local-studio");
  });

  it("runs FLUX schnell on Replicate and records its price; a failing model falls back to local", async () => {
    const costs = h.costs.length;
    const { image } = (await h.run(imageGenerate, { prompt: "a bottle" }, { provider: "replicate" })) as { image: MediaRef };
    expect(image.kind).toBe("image");
    expect(h.costs.slice(costs)).toEqual([expect.objectContaining({ usd: estimateReplicateUsd("flux-schnell", 1) })]);

    const config = imageGenerate.config.parse({ provider: "replicate", model: "flux-schnell", fallback: [{ provider: "local" }] });
    const chain = imageGenerate.fallbacks!(config);
    expect(chain.map((c) => c.provider)).toEqual(["replicate", "local"]);
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "failed", error: "CUDA out of memory" }]);
    await expect(imageGenerate.run({ prompt: { prompt: "a bottle" } }, chain[0], h.ctx())).rejects.toThrow(/CUDA out of memory/);
    const fallback = (await imageGenerate.run({ prompt: { prompt: "a bottle" }, reference: bottle }, chain[1], h.ctx())) as { image: MediaRef };
    expect(fallback.image.meta.renderer).toContain("local-studio");
  });

  it("estimates from the catalogue and knows when it may cost money", () => {
    const local = imageGenerate.config.parse({});
    expect(imageGenerate.estimate(local).usd).toBe(0);
    expect(imageGenerate.paid!(local)).toBe(false);
    const sdxl = imageGenerate.config.parse({ provider: "replicate", model: "sdxl" });
    expect(imageGenerate.estimate(sdxl).usd).toBe(estimateReplicateUsd("sdxl"));
    expect(imageGenerate.paid!(imageGenerate.config.parse({ fallback: [{ provider: "replicate" }] }))).toBe(true);
    expect(imageGenerate.config.safeParse({ provider: "local", model: "flux-dev" }).success).toBe(false);
  });

  it("rejects an empty prompt, naming the port", async () => {
    await expect(h.run(imageGenerate, { prompt: "  " }, {})).rejects.toThrow(/^input prompt/);
  });
});

describe("video.fromImage", () => {
  it("animates at the configured resolution, taking duration, camera and motion from the scene", async () => {
    const { video } = (await h.run(videoFromImage, { image: bottle, scene: { prompt: "x", camera: "zoom_out", motion: 0.8, durationSec: 1.5 } }, { resolution: "480p", fps: 25 })) as { video: MediaRef };
    const p = await probeMedia(h.storage.path(video.hash));
    expect(p).toMatchObject({ width: 480, height: 480, fps: 25, videoCodec: "h264" });
    expect(Math.abs(p.durationSec! - 1.5)).toBeLessThan(0.1);
    expect(video.meta.camera).toBe("zoom_out");
    expect(videoFromImage.estimate(videoFromImage.config.parse({ provider: "replicate", model: "wan-2.1-i2v-480p", durationSec: 5 })).usd).toBeCloseTo(
      estimateReplicateUsd("wan-2.1-i2v-480p", 5),
    );
  });

  it("rejects an audio file on the image port", async () => {
    const wav = (await h.run(speechSynthesize, { text: "Hello." }, {})).audio;
    await expect(h.run(videoFromImage, { image: wav }, {})).rejects.toThrow("input image: expected an image, got an audio (audio/wav)");
  });
});

describe("speech.synthesize", () => {
  it("speaks locally with espeak-ng and on Replicate with Kokoro", async () => {
    const local = (await h.run(speechSynthesize, { text: "Meet the Aurora bottle." }, { language: "sv", voice: "male" })).audio as MediaRef;
    expect(local.meta).toMatchObject({ language: "sv", voice: "male" });
    expect(local.meta.renderer).toContain("espeak-ng");
    const remote = (await h.run(speechSynthesize, { text: "Meet the Aurora bottle." }, { provider: "replicate" })).audio as MediaRef;
    expect(remote.kind).toBe("audio");
    await expect(h.run(speechSynthesize, { text: "" }, {})).rejects.toThrow("input text: the text is empty: nothing to say");
  });
});
