import { describe, expect, it } from "vitest";
import type { MediaRef } from "../../../schemas/index.js";
import {
  REPLICATE_MODELS,
  estimateReplicateUsd,
  getReplicateModel,
  nearestAspectRatio,
  replicateModelKeys,
  sdxlSize,
} from "./models.js";

const image: MediaRef = {
  hash: "a".repeat(64),
  mime: "image/png",
  size: 10,
  url: "/media/x",
  kind: "image",
  meta: { width: 1080, height: 1920 },
};

describe("replicate model catalogue", () => {
  it("lists keys per kind, first one the default", () => {
    expect(replicateModelKeys("image")).toEqual(["flux-schnell", "flux-dev", "sdxl"]);
    expect(replicateModelKeys("video")).toEqual(["stable-video-diffusion", "wan-2.1-i2v-480p", "minimax-video-01"]);
    expect(replicateModelKeys("speech")).toEqual(["kokoro-82m", "minimax-speech-02-turbo"]);
    expect(replicateModelKeys("llm")).toEqual(["llama-3-8b-instruct", "llama-3-70b-instruct"]);
  });

  it("pins community models to a version and calls official ones by name", () => {
    for (const [key, model] of Object.entries(REPLICATE_MODELS)) {
      expect(model.ref, key).toMatch(/^[a-z0-9-]+\/[a-z0-9.\-]+(:[0-9a-f]{64})?$/);
    }
    expect(REPLICATE_MODELS.sdxl.ref).toContain(":39ed52f2");
    expect(REPLICATE_MODELS["flux-schnell"].ref).toBe("black-forest-labs/flux-schnell");
  });

  it("maps an image request to FLUX schnell's real input names", () => {
    const input = getReplicateModel("flux-schnell", "image").input(
      { prompt: "a red shoe", aspectRatio: "9:16", seed: 2 ** 40 + 7 },
      {},
    );
    expect(input).toEqual({
      prompt: "a red shoe",
      aspect_ratio: "9:16",
      num_outputs: 1,
      num_inference_steps: 4,
      seed: 7,
      output_format: "png",
      go_fast: true,
      megapixels: "1",
    });
  });

  it("maps img2img to SDXL's image/prompt_strength and computes a 64-aligned size", () => {
    const input = getReplicateModel("sdxl", "image").input(
      { prompt: "p", negativePrompt: "blurry", aspectRatio: "16:9" },
      { referenceImage: "data:image/png;base64,AAAA" },
    );
    expect(input).toMatchObject({
      prompt: "p",
      negative_prompt: "blurry",
      width: 1344,
      height: 768,
      image: "data:image/png;base64,AAAA",
      prompt_strength: 0.65,
    });
    expect(sdxlSize("1:1")).toEqual({ width: 1024, height: 1024 });
  });

  it("falls back to the nearest supported aspect ratio and rejects nonsense", () => {
    expect(nearestAspectRatio("1.91:1", ["1:1", "16:9", "4:5"])).toBe("16:9");
    expect(nearestAspectRatio("4:5", ["1:1", "16:9", "4:5"])).toBe("4:5");
    expect(() => nearestAspectRatio("wide", ["1:1"])).toThrow(/"wide" is not of the form W:H/);
  });

  it("maps video requests: SVD frame plan, Wan frame count and portrait area", () => {
    const svd = getReplicateModel("stable-video-diffusion", "video");
    const req = { image, durationSec: 3, fps: 24, motion: 0.5, seed: 1 };
    expect(svd.input(req, { image: "https://x/img.png" })).toEqual({
      input_image: "https://x/img.png",
      video_length: "25_frames_with_svd_xt",
      sizing_strategy: "maintain_aspect_ratio",
      frames_per_second: 8,
      motion_bucket_id: 128,
      cond_aug: 0.02,
      decoding_t: 14,
      seed: 1,
    });
    const wan = getReplicateModel("wan-2.1-i2v-480p", "video");
    expect(wan.input({ ...req, durationSec: 5 }, { image: "u" })).toMatchObject({
      image: "u",
      num_frames: 81,
      max_area: "480x832",
      frames_per_second: 16,
    });
    expect(wan.outputSeconds({ ...req, durationSec: 5 })).toBeCloseTo(81 / 16);
  });

  it("maps speech to voices and language boost", () => {
    const minimax = getReplicateModel("minimax-speech-02-turbo", "speech");
    expect(minimax.input({ text: "Hej", language: "da", voice: "male" })).toMatchObject({
      text: "Hej",
      voice_id: "Deep_Voice_Man",
      language_boost: "Danish",
    });
    expect(getReplicateModel("kokoro-82m", "speech").languages).toEqual(["en"]);
  });

  it("maps a JSON completion to Llama 3's prompt/system_prompt/max_tokens/temperature", () => {
    const input = getReplicateModel("llama-3-8b-instruct", "llm").input({
      system: "Answer in JSON",
      prompt: "{}",
      maxTokens: 300,
      temperature: 0,
    });
    expect(input).toMatchObject({ prompt: "{}", system_prompt: "Answer in JSON", max_tokens: 300, temperature: 0 });
  });

  it("estimates from the pricing table", () => {
    expect(estimateReplicateUsd("flux-schnell")).toBeCloseTo(0.003);
    expect(estimateReplicateUsd("flux-dev", 2)).toBeCloseTo(0.05);
    expect(estimateReplicateUsd("sdxl", 10)).toBeCloseTo(0.00975);
    expect(estimateReplicateUsd("wan-2.1-i2v-480p", 5)).toBeCloseTo(0.45);
    expect(estimateReplicateUsd("minimax-speech-02-turbo", 1000)).toBeCloseTo(0.03);
    expect(estimateReplicateUsd("llama-3-8b-instruct", 1_000_000)).toBeCloseTo(0.25 + 0.00004);
    expect(() => estimateReplicateUsd("dall-e")).toThrow(/unknown Replicate model "dall-e"/);
    expect(() => getReplicateModel("sdxl", "video")).toThrow(/makes image, not video/);
  });
});
