/**
 * image.generate: a prompt (or a shot from prompt.parse) + optional product/reference image, seed and
 * aspect ratio -> one image. local: a studio shot composed from the product photo; replicate: FLUX/SDXL.
 */
import { z } from "zod";
import { ShotSchema, type Shot } from "../../schemas/content.js";
import { checkModels, estimateGeneration, generatingNode, generationFields, modelKey } from "../shared/generation-config.js";
import { notesFor, revisionNotesField, withRevisionNotes } from "../shared/revision.js";
import { defineNode } from "../contract.js";

const DEFAULT_MODEL = "flux-schnell";

export const ImageGenerateConfigSchema = z
  .strictObject({
    ...generationFields("image", DEFAULT_MODEL),
    aspectRatio: z
      .string()
      .regex(/^\d{1,2}:\d{1,2}$/, { error: "expected an aspect ratio like 1:1, 16:9 or 9:16" })
      .optional()
      .describe("Aspect ratio (1:1, 16:9, 9:16, 4:5...); default: the shot's, else 1:1"),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe("Fixed seed; default: the shot's consistency seed"),
    negativePrompt: z.string().optional().describe("What to avoid (models that support it)"),
    stylePrompt: z.string().default("").describe("Extra words appended to every prompt"),
    revisionNotes: revisionNotesField(),
  })
  .superRefine(checkModels("image"));
export type ImageGenerateConfig = z.output<typeof ImageGenerateConfigSchema>;

/** The prompt port takes a plain string or a shot object from prompt.parse. */
const PromptValueSchema = z.union([z.string().trim().min(1).transform((prompt): Shot => ({ prompt })), ShotSchema]);

export const imageGenerate = defineNode({
  type: "image.generate",
  version: 1,
  title: "Generate image",
  category: "Generation",
  description: "A product image from a prompt, optionally starting from the product's own photo.",
  ...generatingNode,
  inputs: [
    { name: "prompt", type: "json", schema: PromptValueSchema, description: "A prompt string, or a shot from prompt.parse ({prompt, view, seed, aspectRatio})" },
    { name: "product", type: "product", required: false, description: "Its first image is the reference photo" },
    { name: "reference", type: "image", required: false, description: "Reference image (overrides the product photo)" },
    { name: "brand", type: "brand", required: false, description: "Brand colours for the studio backdrop" },
  ],
  outputs: [{ name: "image", type: "image" }],
  config: ImageGenerateConfigSchema,
  // A remote prediction may queue for minutes; the replicate provider checkpoints it, so a retry resumes it.
  timeoutMs: 30 * 60_000,
  estimate: (config) => estimateGeneration(config, "image", DEFAULT_MODEL, { localSeconds: 1 }),
  async run(inputs, config, ctx) {
    const { prompt: shot, product, brand } = inputs;
    const reference = inputs.reference ?? product?.images[0];
    const prompt = withRevisionNotes([shot.prompt, config.stylePrompt].filter(Boolean).join(", "), notesFor(config.revisionNotes, ctx.item));
    const provider = ctx.provider(config.provider);
    const result = await provider.generateImage({
      prompt,
      negativePrompt: config.negativePrompt ?? shot.negativePrompt,
      seed: config.seed ?? shot.seed,
      aspectRatio: config.aspectRatio ?? shot.aspectRatio ?? "1:1",
      referenceImage: reference,
      palette: brand ? [brand.colors.background, brand.colors.secondary, brand.colors.primary] : undefined,
      view: shot.view,
      model: modelKey(config, "image", DEFAULT_MODEL),
    });
    ctx.log(`${shot.view ?? "image"} by ${provider.name}/${result.model}`);
    return { image: result.image };
  },
});
