import type { ImageRequest, JsonCompletionRequest, SpeechRequest, VideoRequest } from "../types.js";

/**
 * THE catalogue of Replicate models we call, with their real input names and their price.
 * One place: the provider runs them, nodes read it for estimate() and for their config enums,
 * and the cost recorded after a prediction comes from the same table.
 *
 * Refs: community models are pinned to a version hash ("owner/name:version") and created through
 * POST /v1/predictions. Official models ("owner/name", no hash) are created through
 * POST /v1/models/{owner}/{name}/predictions: Replicate keeps them always on, prices them per
 * output and recommends that route; they do not take a pinned version.
 *
 * Prices are Replicate's public list prices when these entries were pinned (hardware table from
 * replicate.com/pricing, per-output prices from each official model's pricing section).
 */

export type ReplicateModelKind = "image" | "video" | "speech" | "llm";

/** Hardware SKUs our models run on, with Replicate's per-second price. */
export const REPLICATE_HARDWARE_USD_PER_SECOND = {
  "cpu": 0.0001,
  "gpu-t4": 0.000225,
  "gpu-a40-large": 0.000725,
  "gpu-l40s": 0.000975,
  "gpu-a100-large": 0.0014,
  "gpu-h100": 0.001525,
} as const;
export type ReplicateHardware = keyof typeof REPLICATE_HARDWARE_USD_PER_SECOND;

/**
 * How a model is billed. `units` in estimateReplicateUsd() and in the cost of a finished
 * prediction always counts the unit named here.
 */
export type ReplicatePricing =
  /** Official models billed per generated file (image or video). units = files. */
  | { unit: "output"; usdPerOutput: number; typicalUnits: number }
  /** Billed per second of output video. units = video seconds. */
  | { unit: "video-second"; usdPerVideoSecond: number; typicalUnits: number }
  /** Billed per input character (MiniMax counts one token per character). units = characters. */
  | { unit: "input-character"; usdPerThousandCharacters: number; typicalUnits: number }
  /** Billed per token. units = output tokens; input tokens are estimated as typicalInputTokens. */
  | {
      unit: "token";
      usdPerMillionInputTokens: number;
      usdPerMillionOutputTokens: number;
      typicalInputTokens: number;
      typicalUnits: number;
    }
  /** Community models billed for GPU time: metrics.predict_time x the hardware price. units = seconds. */
  | { unit: "hardware-second"; hardware: ReplicateHardware; typicalUnits: number };

interface ModelBase {
  /** "owner/name" (official model route) or "owner/name:version" (pinned community version). */
  ref: string;
  title: string;
  pricing: ReplicatePricing;
  /** Typical wall time of one prediction, for estimates (queue excluded). */
  typicalSeconds: number;
}

/** Files the provider has already turned into something Replicate can fetch (data: URI or uploaded file URL). */
export interface ImageInputFiles {
  referenceImage?: string;
}
export interface VideoInputFiles {
  image: string;
}

export interface ReplicateImageModel extends ModelBase {
  kind: "image";
  /** Whether the model can start from a reference image (img2img). */
  acceptsReferenceImage: boolean;
  input(req: ImageRequest, files: ImageInputFiles): Record<string, unknown>;
}
export interface ReplicateVideoModel extends ModelBase {
  kind: "video";
  input(req: VideoRequest, files: VideoInputFiles): Record<string, unknown>;
  /** Seconds of video the request will produce (what per-second pricing bills). */
  outputSeconds(req: VideoRequest): number;
}
export interface ReplicateSpeechModel extends ModelBase {
  kind: "speech";
  languages: SpeechRequest["language"][];
  input(req: SpeechRequest): Record<string, unknown>;
}
export interface ReplicateLlmModel extends ModelBase {
  kind: "llm";
  input(req: JsonCompletionRequest): Record<string, unknown>;
}
export type ReplicateModel = ReplicateImageModel | ReplicateVideoModel | ReplicateSpeechModel | ReplicateLlmModel;

// ---------------------------------------------------------------- input helpers

/** Aspect ratios FLUX accepts (its `aspect_ratio` enum). */
const FLUX_ASPECT_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"];

export function parseAspectRatio(aspect: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*[:x/]\s*(\d+(?:\.\d+)?)\s*$/.exec(aspect);
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= 0) {
    throw new RangeError(`aspect ratio "${aspect}" is not of the form W:H (e.g. 16:9)`);
  }
  return Number(m[1]) / Number(m[2]);
}

/** The supported ratio closest to the requested one (compared on a log scale, so 2:1 and 1:2 are symmetric). */
export function nearestAspectRatio(aspect: string, supported: readonly string[]): string {
  if (supported.includes(aspect)) return aspect;
  const want = Math.log(parseAspectRatio(aspect));
  let best = supported[0]!;
  for (const candidate of supported) {
    if (Math.abs(Math.log(parseAspectRatio(candidate)) - want) < Math.abs(Math.log(parseAspectRatio(best)) - want)) {
      best = candidate;
    }
  }
  return best;
}

/** About one megapixel at the requested ratio, both sides multiples of 64 (what SDXL was trained on). */
export function sdxlSize(aspect: string): { width: number; height: number } {
  const ratio = parseAspectRatio(aspect);
  const area = 1024 * 1024;
  const round64 = (v: number) => Math.max(512, Math.min(2048, Math.round(v / 64) * 64));
  return { width: round64(Math.sqrt(area * ratio)), height: round64(Math.sqrt(area / ratio)) };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Replicate seeds are 32-bit; our seeds may be larger hashes. */
const seed32 = (seed: number | undefined) => (seed === undefined ? undefined : Math.abs(Math.trunc(seed)) % 2 ** 32);

/** Drops undefined values so the request only carries what we decided (the model's defaults apply otherwise). */
function defined(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** Portrait or landscape, from explicit size or the start image's own dimensions. */
function isPortrait(req: VideoRequest): boolean {
  const w = req.width ?? req.image.meta?.width;
  const h = req.height ?? req.image.meta?.height;
  return typeof w === "number" && typeof h === "number" && h > w;
}

// ---------------------------------------------------------------- the catalogue

const SVD_FRAMES = { "14_frames_with_svd": 14, "25_frames_with_svd_xt": 25 } as const;
function svdPlan(req: VideoRequest) {
  const wanted = req.durationSec * req.fps;
  const videoLength = wanted > 14 ? "25_frames_with_svd_xt" : "14_frames_with_svd";
  const frames = SVD_FRAMES[videoLength];
  // SVD always renders 14 or 25 frames: the frame rate is what stretches them over the duration.
  const fps = clamp(Math.round(frames / Math.max(req.durationSec, 0.1)), 5, 30);
  return { videoLength, frames, fps };
}

function wanPlan(req: VideoRequest) {
  // Wan 2.1 renders 81..100 frames; its price is the duration of those frames at 16 fps.
  const frames = clamp(Math.round(req.durationSec * 16) + 1, 81, 100);
  const fps = clamp(Math.round(frames / Math.max(req.durationSec, 0.1)), 5, 24);
  return { frames, fps };
}

const KOKORO_VOICES = { female: "af_bella", male: "am_michael" } as const;
const MINIMAX_VOICES = { female: "Wise_Woman", male: "Deep_Voice_Man" } as const;
const MINIMAX_LANGUAGE_BOOST = { en: "English", da: "Danish", de: "German", sv: "Swedish" } as const;

function llama3Input(req: JsonCompletionRequest): Record<string, unknown> {
  return defined({
    prompt: req.prompt,
    system_prompt: req.system,
    max_tokens: req.maxTokens ?? 1024,
    min_tokens: 0,
    temperature: req.temperature ?? 0.2,
    top_p: 0.9,
    presence_penalty: 0,
    frequency_penalty: 0,
  });
}

export const REPLICATE_MODELS = {
  "flux-schnell": {
    kind: "image",
    title: "FLUX.1 [schnell]",
    ref: "black-forest-labs/flux-schnell",
    pricing: { unit: "output", usdPerOutput: 0.003, typicalUnits: 1 },
    typicalSeconds: 3,
    acceptsReferenceImage: false,
    input: (req) =>
      defined({
        prompt: req.prompt,
        aspect_ratio: nearestAspectRatio(req.aspectRatio, FLUX_ASPECT_RATIOS),
        num_outputs: 1,
        num_inference_steps: 4,
        seed: seed32(req.seed),
        output_format: "png",
        go_fast: true,
        megapixels: "1",
      }),
  },
  "flux-dev": {
    kind: "image",
    title: "FLUX.1 [dev]",
    ref: "black-forest-labs/flux-dev",
    pricing: { unit: "output", usdPerOutput: 0.025, typicalUnits: 1 },
    typicalSeconds: 10,
    acceptsReferenceImage: true,
    input: (req, files) =>
      defined({
        prompt: req.prompt,
        aspect_ratio: nearestAspectRatio(req.aspectRatio, FLUX_ASPECT_RATIOS),
        // img2img: keep the product recognisable (0 = the reference untouched, 1 = ignore it).
        image: files.referenceImage,
        prompt_strength: files.referenceImage ? 0.65 : undefined,
        num_outputs: 1,
        num_inference_steps: 28,
        guidance: 3,
        seed: seed32(req.seed),
        output_format: "png",
        go_fast: true,
        megapixels: "1",
      }),
  },
  "sdxl": {
    kind: "image",
    title: "Stable Diffusion XL",
    ref: "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
    pricing: { unit: "hardware-second", hardware: "gpu-l40s", typicalUnits: 8 },
    typicalSeconds: 10,
    acceptsReferenceImage: true,
    input: (req, files) =>
      defined({
        prompt: req.prompt,
        negative_prompt: req.negativePrompt ?? "",
        ...sdxlSize(req.aspectRatio),
        image: files.referenceImage,
        prompt_strength: files.referenceImage ? 0.65 : undefined,
        num_outputs: 1,
        scheduler: "K_EULER",
        num_inference_steps: 30,
        guidance_scale: 7.5,
        refine: "expert_ensemble_refiner",
        high_noise_frac: 0.8,
        apply_watermark: false,
        seed: seed32(req.seed),
      }),
  },
  "stable-video-diffusion": {
    kind: "video",
    title: "Stable Video Diffusion",
    ref: "stability-ai/stable-video-diffusion:3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438",
    pricing: { unit: "hardware-second", hardware: "gpu-a100-large", typicalUnits: 60 },
    typicalSeconds: 70,
    input: (req, files) => {
      const plan = svdPlan(req);
      return defined({
        input_image: files.image,
        video_length: plan.videoLength,
        sizing_strategy: "maintain_aspect_ratio",
        frames_per_second: plan.fps,
        // 1..255, 127 is SVD's default; our motion 0..1 spreads over the range.
        motion_bucket_id: Math.round(clamp(1 + req.motion * 254, 1, 255)),
        cond_aug: 0.02,
        decoding_t: 14,
        seed: seed32(req.seed),
      });
    },
    outputSeconds: (req) => {
      const plan = svdPlan(req);
      return plan.frames / plan.fps;
    },
  },
  "wan-2.1-i2v-480p": {
    kind: "video",
    title: "Wan 2.1 image-to-video (480p)",
    ref: "wavespeedai/wan-2.1-i2v-480p",
    pricing: { unit: "video-second", usdPerVideoSecond: 0.09, typicalUnits: 5 },
    typicalSeconds: 60,
    input: (req, files) => {
      const plan = wanPlan(req);
      return defined({
        image: files.image,
        prompt: req.prompt ?? "",
        num_frames: plan.frames,
        max_area: isPortrait(req) ? "480x832" : "832x480",
        frames_per_second: plan.fps,
        fast_mode: "Balanced",
        sample_steps: 30,
        sample_guide_scale: 5,
        sample_shift: 3,
        seed: seed32(req.seed),
      });
    },
    // Billed on the frame count at 16 fps, whatever playback rate we ask for.
    outputSeconds: (req) => wanPlan(req).frames / 16,
  },
  "minimax-video-01": {
    kind: "video",
    title: "MiniMax video-01 (Hailuo)",
    ref: "minimax/video-01",
    pricing: { unit: "output", usdPerOutput: 0.5, typicalUnits: 1 },
    typicalSeconds: 180,
    input: (req, files) =>
      defined({
        prompt: req.prompt ?? "",
        first_frame_image: files.image,
        prompt_optimizer: true,
      }),
    // Always a 6 s clip at 25 fps.
    outputSeconds: () => 6,
  },
  "kokoro-82m": {
    kind: "speech",
    title: "Kokoro 82M",
    ref: "jaaari/kokoro-82m:f559560eb822dc509045f3921a1921234918b91739db4bf3daab2169b71c7a13",
    pricing: { unit: "hardware-second", hardware: "gpu-t4", typicalUnits: 6 },
    typicalSeconds: 8,
    // Kokoro's voices cover English (and languages we do not offer), not Danish, German or Swedish.
    languages: ["en"],
    input: (req) =>
      defined({
        text: req.text,
        voice: KOKORO_VOICES[req.voice],
        speed: clamp(req.speed ?? 1, 0.1, 5),
      }),
  },
  "minimax-speech-02-turbo": {
    kind: "speech",
    title: "MiniMax Speech-02 Turbo",
    ref: "minimax/speech-02-turbo",
    pricing: { unit: "input-character", usdPerThousandCharacters: 0.03, typicalUnits: 400 },
    typicalSeconds: 6,
    languages: ["en", "da", "de", "sv"],
    input: (req) =>
      defined({
        text: req.text,
        voice_id: MINIMAX_VOICES[req.voice],
        speed: clamp(req.speed ?? 1, 0.5, 2),
        volume: 1,
        pitch: 0,
        emotion: "auto",
        language_boost: MINIMAX_LANGUAGE_BOOST[req.language],
        english_normalization: req.language === "en",
        sample_rate: 32000,
        bitrate: 128000,
        channel: "mono",
      }),
  },
  "llama-3-8b-instruct": {
    kind: "llm",
    title: "Meta Llama 3 8B Instruct",
    ref: "meta/meta-llama-3-8b-instruct",
    pricing: {
      unit: "token",
      usdPerMillionInputTokens: 0.05,
      usdPerMillionOutputTokens: 0.25,
      typicalInputTokens: 800,
      typicalUnits: 600,
    },
    typicalSeconds: 5,
    input: llama3Input,
  },
  "llama-3-70b-instruct": {
    kind: "llm",
    title: "Meta Llama 3 70B Instruct",
    ref: "meta/meta-llama-3-70b-instruct",
    pricing: {
      unit: "token",
      usdPerMillionInputTokens: 0.65,
      usdPerMillionOutputTokens: 2.75,
      typicalInputTokens: 800,
      typicalUnits: 600,
    },
    typicalSeconds: 12,
    input: llama3Input,
  },
} satisfies Record<string, ReplicateModel>;

export type ReplicateModelKey = keyof typeof REPLICATE_MODELS;

type ModelOfKind<K extends ReplicateModelKind> = Extract<ReplicateModel, { kind: K }>;

/** The catalogue entry for a key, checked against the kind the caller needs. */
export function getReplicateModel<K extends ReplicateModelKind>(key: string, kind: K): ModelOfKind<K> {
  const model = (REPLICATE_MODELS as Record<string, ReplicateModel>)[key];
  if (!model) {
    throw new RangeError(`unknown Replicate model "${key}" (known: ${Object.keys(REPLICATE_MODELS).join(", ")})`);
  }
  if (model.kind !== kind) {
    throw new RangeError(`Replicate model "${key}" makes ${model.kind}, not ${kind}`);
  }
  return model as ModelOfKind<K>;
}

/** Model keys of one kind, in catalogue order (the first is the default). For config enums. */
export function replicateModelKeys(kind: ReplicateModelKind): string[] {
  return Object.entries(REPLICATE_MODELS as Record<string, ReplicateModel>)
    .filter(([, m]) => m.kind === kind)
    .map(([key]) => key);
}

/** Price of `units` of the model's billing unit (see ReplicatePricing); no units = a typical call. */
export function priceOfUnits(pricing: ReplicatePricing, units: number, inputTokens?: number): number {
  switch (pricing.unit) {
    case "output":
      return units * pricing.usdPerOutput;
    case "video-second":
      return units * pricing.usdPerVideoSecond;
    case "input-character":
      return (units / 1000) * pricing.usdPerThousandCharacters;
    case "token":
      return (
        ((inputTokens ?? pricing.typicalInputTokens) / 1e6) * pricing.usdPerMillionInputTokens +
        (units / 1e6) * pricing.usdPerMillionOutputTokens
      );
    case "hardware-second":
      return units * REPLICATE_HARDWARE_USD_PER_SECOND[pricing.hardware];
  }
}

/**
 * Pre-run estimate in USD for one call of a model. `units` counts the model's billing unit:
 * images/videos (per-output), video seconds, input characters, output tokens, or GPU seconds.
 */
export function estimateReplicateUsd(modelKey: string, units?: number): number {
  const model = (REPLICATE_MODELS as Record<string, ReplicateModel>)[modelKey];
  if (!model) {
    throw new RangeError(`unknown Replicate model "${modelKey}" (known: ${Object.keys(REPLICATE_MODELS).join(", ")})`);
  }
  return priceOfUnits(model.pricing, units ?? model.pricing.typicalUnits);
}
