/**
 * The rule-based prompt parser (the local provider's parser and the LLM path's fallback): one image
 * prompt per view sharing one consistency seed, a scene per view with a camera move that suits the
 * view, and a voice-over script from the template.
 */
import type { Brand, CameraMove, Product, Scene, Shot } from "../../schemas/content.js";

export const VIEW_ORDER = ["front", "side", "detail", "lifestyle", "top", "back"] as const;

const VIEW_PHRASES: Record<string, string> = {
  front: "front view, centred hero shot",
  side: "three-quarter side view",
  detail: "macro close-up of the details and materials",
  lifestyle: "lifestyle scene, in use on a table by a window",
  top: "top-down flat lay",
  back: "rear view",
};

const VIEW_CAMERA: Record<string, CameraMove> = {
  front: "zoom_in",
  side: "pan_right",
  detail: "pan_up",
  lifestyle: "pan_left",
  top: "orbit",
  back: "zoom_out",
};

export const NEGATIVE_PROMPT = "blurry, distorted, extra objects, text artifacts, watermark, low quality, deformed product";

export interface ParseInputs {
  product: Product;
  brand?: Brand;
  views: string[];
  style: string[];
  seed: number;
  aspectRatio: string;
  motion: number;
  sceneSec: number;
}

function describeProduct(p: Product): string {
  const attrs = Object.entries(p.attributes)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  return [p.name, p.category && `(${p.category})`, attrs && `with ${attrs}`].filter(Boolean).join(" ");
}

export function ruleBasedShots(i: ParseInputs): Shot[] {
  const palette = i.brand ? `backdrop in ${i.brand.colors.background} and ${i.brand.colors.secondary}` : "neutral backdrop";
  return i.views.map((view) => ({
    prompt: [`Studio product photograph of ${describeProduct(i.product)}`, VIEW_PHRASES[view] ?? `${view} view`, palette, ...i.style].join(", "),
    negativePrompt: NEGATIVE_PROMPT,
    view,
    seed: i.seed,
    aspectRatio: i.aspectRatio,
  }));
}

export function ruleBasedScenes(i: ParseInputs): Scene[] {
  return i.views.map((view) => ({
    prompt: `Slow cinematic camera ${VIEW_CAMERA[view]?.replace("_", " ") ?? "move"} around ${i.product.name}, ${VIEW_PHRASES[view] ?? view}, smooth motion`,
    view,
    camera: VIEW_CAMERA[view] ?? "zoom_in",
    // Close-ups move less: the same intensity reads much stronger on a detail.
    motion: Math.round((view === "detail" ? i.motion * 0.6 : i.motion) * 100) / 100,
    durationSec: i.sceneSec,
  }));
}
