import type { MediaRef } from "../../schemas/index.js";

/**
 * What generating nodes ask of a provider. `local` (offline, deterministic, $0) and `replicate`
 * (the `replicate` npm client) both implement it, so a node's fallback chain can move between them.
 * Implementations record cost themselves through the node's ctx.cost().
 */
export interface ImageRequest {
  prompt: string;
  negativePrompt?: string;
  seed?: number;
  /** "1:1", "16:9", "9:16", "4:5"... */
  aspectRatio: string;
  /** Product photo to start from (img2img / composition). */
  referenceImage?: MediaRef;
  /** Brand colours as hex, used by the local renderer for the studio background. */
  palette?: string[];
  /** View name ("front", "side", "detail", "lifestyle"), used by the local renderer for crop/zoom. */
  view?: string;
  /** Model key from the provider's catalogue ("flux-schnell", "sdxl"...). */
  model?: string;
}

export interface VideoRequest {
  image: MediaRef;
  prompt?: string;
  durationSec: number;
  fps: number;
  /** 0..1 */
  motion: number;
  /** "zoom_in", "zoom_out", "pan_left", "pan_right", "orbit", "static"... */
  camera?: string;
  width?: number;
  height?: number;
  seed?: number;
  model?: string;
}

export interface SpeechRequest {
  text: string;
  language: "en" | "da" | "de" | "sv";
  voice: "female" | "male";
  speed?: number;
  model?: string;
}

export interface JsonCompletionRequest {
  system: string;
  prompt: string;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  model?: string;
}

export interface GenerationProvider {
  readonly name: string;
  generateImage(req: ImageRequest): Promise<{ image: MediaRef; model: string }>;
  imageToVideo(req: VideoRequest): Promise<{ video: MediaRef; model: string }>;
  synthesizeSpeech(req: SpeechRequest): Promise<{ audio: MediaRef; model: string }>;
  /** Raw text from an LLM asked to answer in JSON (the caller validates and repairs it). */
  completeJson(req: JsonCompletionRequest): Promise<{ text: string; model: string }>;
}
