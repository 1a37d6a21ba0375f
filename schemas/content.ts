import { z } from "zod";
import { MediaRefSchema } from "./media.js";

/**
 * Values that travel on the content ports (product, brand) and the structured json values the
 * generation nodes hand each other (shots, scenes, ad texts). Nodes validate what they receive
 * against these, so a hand-wired json port gets a clear error instead of undefined behaviour.
 */

export const HEX_COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

const describeValue = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

export const HexColorSchema = z
  .string({ error: (iss) => `expected a hex colour like #1a2b3c, got ${describeValue(iss.input)}` })
  .regex(HEX_COLOR, { error: (iss) => `expected a hex colour like #1a2b3c, got ${describeValue(iss.input)}` });

export const BrandColorsSchema = z.strictObject({
  primary: HexColorSchema.default("#1f3a5f").describe("Main brand colour: text boxes, outro card"),
  secondary: HexColorSchema.default("#f2a541").describe("Second brand colour: gradients and accents"),
  accent: HexColorSchema.default("#ffffff").describe("Highlight colour: call-to-action text"),
  background: HexColorSchema.default("#f4f1ea").describe("Studio background and intro card colour"),
  text: HexColorSchema.default("#ffffff").describe("Colour of overlay text drawn on the primary colour"),
});

export const BrandSchema = z.object({
  name: z.string().min(1),
  colors: BrandColorsSchema,
  fonts: z.object({ heading: z.string(), body: z.string() }),
  tone: z.string(),
  logo: MediaRefSchema.optional(),
});
export type Brand = z.infer<typeof BrandSchema>;

export const AttributeValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** A catalogue product after asset.source validated it and stored its images. */
export const ProductSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string(),
  price: z.number(),
  currency: z.string().length(3),
  category: z.string(),
  images: z.array(MediaRefSchema),
  attributes: z.record(z.string(), AttributeValueSchema),
});
export type Product = z.infer<typeof ProductSchema>;

export const VIEWS = ["front", "side", "detail", "lifestyle", "top", "back"] as const;
export const CAMERA_MOVES = ["zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "orbit", "static"] as const;
export const CameraMoveSchema = z.enum(CAMERA_MOVES);
export type CameraMove = z.infer<typeof CameraMoveSchema>;

/** One image to generate (prompt.parse -> image.generate). Views of one product share the seed. */
export const ShotSchema = z.object({
  prompt: z.string().min(1),
  negativePrompt: z.string().optional(),
  view: z.string().optional(),
  seed: z.number().int().nonnegative().optional(),
  aspectRatio: z.string().optional(),
});
export type Shot = z.infer<typeof ShotSchema>;

/** One clip to animate (prompt.parse -> video.fromImage). */
export const SceneSchema = z.object({
  prompt: z.string(),
  view: z.string().optional(),
  camera: CameraMoveSchema.default("zoom_in"),
  motion: z.number().min(0).max(1).default(0.5),
  durationSec: z.number().positive().optional(),
});
export type Scene = z.infer<typeof SceneSchema>;

/** Rendered on-screen texts of an ad (prompt.parse -> video.composite). */
export const AdTextsSchema = z.object({
  headline: z.string().default(""),
  cta: z.string().default(""),
  disclaimer: z.string().default(""),
  productName: z.string().optional(),
  brandName: z.string().optional(),
});
export type AdTexts = z.infer<typeof AdTextsSchema>;
