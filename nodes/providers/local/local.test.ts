import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeTestHarness, type NodeTestHarness } from "../../../test/node-context.js";
import { probeMedia } from "../../../lib/media/probe.js";
import { PermanentNodeError } from "../../contract.js";
import { createLocalProvider } from "./index.js";
import { espeakVoice } from "./speech.js";

const bottle = path.resolve("examples/demo-catalog/images/aurora-bottle.png");
let h: NodeTestHarness;

beforeAll(async () => {
  h = await createNodeTestHarness();
});
afterAll(() => h.close());

async function storedBottle() {
  return h.storage.put(await readFile(bottle), { mime: "image/png" });
}

describe("local provider", () => {
  it("composes a studio shot at the requested aspect ratio, deterministically, and names its renderer", async () => {
    const local = createLocalProvider(h.ctx());
    const ref = await storedBottle();
    const req = { prompt: "bottle", aspectRatio: "9:16", seed: 7, view: "front", referenceImage: ref, palette: ["#f4f1ea", "#d8cfc0", "#1f3a5f"] };
    const a = await local.generateImage(req);
    const b = await local.generateImage(req);
    expect(a.image.hash).toBe(b.image.hash);
    expect(a.image.meta).toMatchObject({ width: 768, height: 1344, renderer: expect.stringContaining("local-studio") });
    expect(a.model).toBe("studio");
    // The backdrop takes the palette: a corner pixel is near the first palette colour's family, not white.
    const { data } = await sharp(h.storage.path(a.image.hash)).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(180);
    // A different view frames the product differently.
    const side = await local.generateImage({ ...req, view: "detail" });
    expect(side.image.hash).not.toBe(a.image.hash);
  });

  it("animates an image with Ken Burns motion at the requested size, fps and duration", async () => {
    const local = createLocalProvider(h.ctx());
    const img = (await local.generateImage({ prompt: "x", aspectRatio: "16:9", seed: 1, referenceImage: await storedBottle() })).image;
    const { video } = await local.imageToVideo({ image: img, durationSec: 2, fps: 24, motion: 0.6, camera: "pan_right", width: 480, height: 270 });
    const p = await probeMedia(h.storage.path(video.hash));
    expect(p).toMatchObject({ width: 480, height: 270, videoCodec: "h264", fps: 24 });
    expect(Math.abs(p.durationSec! - 2)).toBeLessThan(0.1);
    expect(video.meta.renderer).toContain("kenburns");
    await expect(local.imageToVideo({ image: img, durationSec: 1, fps: 24, motion: 0.5, camera: "wobble" })).rejects.toThrow(/unknown camera movement "wobble"/);
  });

  it("speaks text with espeak-ng in each language", async () => {
    const local = createLocalProvider(h.ctx());
    const en = await local.synthesizeSpeech({ text: "Hello there, meet the Aurora bottle.", language: "en", voice: "female" });
    const p = await probeMedia(h.storage.path(en.audio.hash));
    expect(p.hasAudio).toBe(true);
    expect(p.durationSec).toBeGreaterThan(1);
    expect(en.audio.meta.renderer).toContain("espeak-ng");
    const da = await local.synthesizeSpeech({ text: "Hej, mød Aurora flasken.", language: "da", voice: "male" });
    expect(da.audio.hash).not.toBe(en.audio.hash);
    expect(espeakVoice("sv", "female")).toBe("sv+f3");
  });

  it("has no language model and says so", async () => {
    const local = createLocalProvider(h.ctx());
    await expect(local.completeJson({ system: "s", prompt: "p" })).rejects.toBeInstanceOf(PermanentNodeError);
  });
});
