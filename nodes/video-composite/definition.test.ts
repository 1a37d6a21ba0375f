import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaRef } from "../../schemas/index.js";
import type { Brand, Product } from "../../schemas/content.js";
import { assetSource } from "../asset-source/definition.js";
import { imageGenerate } from "../image-generate/definition.js";
import { grabFrame, regionDifference } from "../../lib/media/frames.js";
import { measureIntegratedLoudness } from "../../lib/media/loudness.js";
import { probeMedia } from "../../lib/media/probe.js";
import { promptParse } from "../prompt-parse/definition.js";
import { speechSynthesize } from "../speech-synthesize/definition.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../test/node-context.js";
import { videoComposite } from "./definition.js";
import { videoFromImage } from "../video-from-image/definition.js";

let h: NodeTestHarness;
let clips: MediaRef[];
let voice: MediaRef;
let brand: Brand;
let product: Product;
let texts: Record<string, unknown>;

/** The demo pipeline's pieces with the local provider, kept small: 3 views, 2 s clips at 480p. */
beforeAll(async () => {
  h = await createNodeTestHarness();
  const assets = await h.run(assetSource, {}, { limit: 1 });
  product = (assets.products as Product[])[0];
  brand = assets.brand as Brand;
  const parsed = await h.run(promptParse, { product, brand }, { viewCount: 3, sceneSec: 2 });
  texts = parsed.texts as Record<string, unknown>;
  const shots = parsed.shots as unknown[];
  const scenes = parsed.scenes as unknown[];
  clips = [];
  for (const [i, shot] of shots.entries()) {
    const { image } = await h.run(imageGenerate, { prompt: shot, product, brand }, {});
    const { video } = await h.run(videoFromImage, { image, scene: scenes[i] }, { resolution: "480p" });
    clips.push(video as MediaRef);
  }
  voice = (await h.run(speechSynthesize, { text: parsed.voiceover }, {})).audio as MediaRef;
}, 180_000);
afterAll(() => h.close());

async function expectAd(ref: MediaRef, width: number, height: number, durationSec: number, lufs = -14) {
  const p = await probeMedia(h.storage.path(ref.hash));
  expect(p).toMatchObject({ width, height, videoCodec: "h264", audioCodec: "aac", hasAudio: true });
  expect(Math.abs(p.durationSec! - durationSec)).toBeLessThanOrEqual(0.1);
  const loudness = await measureIntegratedLoudness(h.storage.path(ref.hash));
  expect(Math.abs(loudness - lufs)).toBeLessThanOrEqual(2);
  return p;
}

describe("video.composite (local pipeline)", () => {
  it("renders one 15 s ad per aspect ratio at the configured size, h264+aac, at the loudness target", async () => {
    const out = await h.run(
      videoComposite,
      { clips, voiceover: voice, brand, texts, product },
      { resolution: "360p", durationSec: 15, quality: "draft", fps: 30 },
    );
    const videos = out.videos as MediaRef[];
    expect(videos.map((v) => v.meta.aspectRatio)).toEqual(["9:16", "16:9", "1:1"]);
    await expectAd(videos[0], 360, 640, 15);
    await expectAd(videos[1], 640, 360, 15);
    const sq = await expectAd(videos[2], 360, 360, 15);
    expect(sq.fps).toBe(30);
    expect(videos[0].meta.renderer).toContain("local-composite");
    expect(videos[0].meta.musicBed).toContain("musicbed");
    expect(videos[0].thumbnail).toBeDefined();
  }, 180_000);

  it("renders a real 1080p 9:16 ad at 24 fps and a -16 LUFS target", async () => {
    const out = await h.run(videoComposite, { clips, voiceover: voice, brand, texts }, { aspectRatios: ["9:16"], durationSec: 15, fps: 24, quality: "draft", loudnessLufs: -16 });
    const [ad] = out.videos as MediaRef[];
    const p = await expectAd(ad, 1080, 1920, 15, -16);
    expect(p.fps).toBe(24);
  }, 180_000);

  it("draws the headline, disclaimer and CTA where they belong (frames differ from a text-free render only there)", async () => {
    const cfg = { aspectRatios: ["16:9"], resolution: "360p", durationSec: 8, quality: "draft", music: "none", introSec: 1, outroSec: 2 };
    const withText = (await h.run(videoComposite, { clips, voiceover: voice, brand, texts }, cfg)).videos as MediaRef[];
    const noText = (await h.run(videoComposite, { clips, voiceover: voice, brand }, { ...cfg, headline: "", cta: "", disclaimer: "" })).videos as MediaRef[];
    const [W, H] = [640, 360];
    const a = await grabFrame(h.storage.path(withText[0].hash), 2.5, W, H);
    const b = await grabFrame(h.storage.path(noText[0].hash), 2.5, W, H);
    const headlineBand = regionDifference(a, b, W, H, { x0: 0.1, y0: 0.06, x1: 0.9, y1: 0.2 });
    const middle = regionDifference(a, b, W, H, { x0: 0.1, y0: 0.4, x1: 0.9, y1: 0.75 });
    const disclaimerBand = regionDifference(a, b, W, H, { x0: 0.1, y0: 0.93, x1: 0.9, y1: 0.98 });
    expect(headlineBand).toBeGreaterThan(20);
    expect(disclaimerBand).toBeGreaterThan(10);
    expect(middle).toBeLessThan(3);
    // Outro card: the CTA in the middle of the frame.
    const ao = await grabFrame(h.storage.path(withText[0].hash), 7.2, W, H);
    const bo = await grabFrame(h.storage.path(noText[0].hash), 7.2, W, H);
    expect(regionDifference(ao, bo, W, H, { x0: 0.1, y0: 0.4, x1: 0.9, y1: 0.6 })).toBeGreaterThan(10);
  }, 180_000);

  it("rejects clips that are not videos and configs that leave no room for clips", async () => {
    const img = (await h.run(imageGenerate, { prompt: "plain" }, {})).image;
    await expect(h.run(videoComposite, { clips: [clips[0], img] }, { resolution: "360p" })).rejects.toThrow("input clips[1]: expected a video, got an image (image/jpeg)");
    const r = videoComposite.config.safeParse({ durationSec: 5, introSec: 3, outroSec: 3 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["durationSec"], message: expect.stringContaining("leave no room for clips") });
  }, 60_000);
});

describe("video.composite formats", () => {
  it("encodes h265 at 60 fps in 4:5", async () => {
    const out = await h.run(videoComposite, { clips, voiceover: voice }, { aspectRatios: ["4:5"], resolution: "360p", durationSec: 4, introSec: 0.5, outroSec: 1, fps: 60, codec: "h265", quality: "draft" });
    const [ad] = out.videos as MediaRef[];
    const p = await probeMedia(h.storage.path(ad.hash));
    expect(p).toMatchObject({ width: 360, height: 450, fps: 60, videoCodec: "hevc", audioCodec: "aac" });
    expect(Math.abs(p.durationSec! - 4)).toBeLessThanOrEqual(0.1);
  }, 60_000);

  it("puts the brand logo on the outro card", async () => {
    const logo = (await h.run(assetSource, {}, { source: "inline", products: [{ name: "x", price: 1, images: ["examples/demo-catalog/images/halo-headphones.png"] }] })).products as Product[];
    const cfg = { aspectRatios: ["16:9"], resolution: "360p", durationSec: 4, introSec: 0, outroSec: 2, quality: "draft", music: "none" };
    const [withLogo] = (await h.run(videoComposite, { clips: [clips[0]], brand: { ...brand, logo: logo[0].images[0] } }, cfg)).videos as MediaRef[];
    const [without] = (await h.run(videoComposite, { clips: [clips[0]], brand }, cfg)).videos as MediaRef[];
    const a = await grabFrame(h.storage.path(withLogo.hash), 3.5, 640, 360);
    const b = await grabFrame(h.storage.path(without.hash), 3.5, 640, 360);
    expect(regionDifference(a, b, 640, 360, { x0: 0.43, y0: 0.3, x1: 0.57, y1: 0.4 })).toBeGreaterThan(10);
    expect(regionDifference(a, b, 640, 360, { x0: 0, y0: 0.75, x1: 0.3, y1: 0.9 })).toBeLessThan(2);
  }, 60_000);

  it("contain shows the whole clip on the brand background", async () => {
    const out = await h.run(videoComposite, { clips: [clips[0]], brand }, { aspectRatios: ["9:16"], resolution: "360p", durationSec: 4, introSec: 0, outroSec: 0, transitionSec: 0, fit: "contain", quality: "draft", disclaimer: "" });
    const [ad] = out.videos as MediaRef[];
    const frame = await grabFrame(h.storage.path(ad.hash), 2, 360, 640);
    // #f4f1ea at the top-left corner (padding), within YUV rounding.
    expect(Math.abs(frame[0] - 0xf4)).toBeLessThan(8);
    expect(Math.abs(frame[1] - 0xf1)).toBeLessThan(8);
    expect(Math.abs(frame[2] - 0xea)).toBeLessThan(8);
  }, 60_000);
});
