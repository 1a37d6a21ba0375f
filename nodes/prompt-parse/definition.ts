/**
 * prompt.parse: product (+ brand) + a template -> image prompts per view (one consistency seed),
 * scenes with camera movement and motion, a voice-over script and the rendered headline/CTA/disclaimer.
 * local: rule-based. replicate: an instruct LLM asked for JSON (validated, repaired once, then the rules).
 */
import { z } from "zod";
import type { AdTexts } from "../../schemas/content.js";
import { notesFor, revisionNotesField, withRevisionNotes } from "../shared/revision.js";
import { checkModels, estimateGeneration, generatingNode, generationFields, modelKey } from "../shared/generation-config.js";
import { DEFAULT_TEMPLATES } from "./default-templates.js";
import { llmParse } from "./llm.js";
import { consistencySeed } from "../../lib/seed.js";
import { ruleBasedScenes, ruleBasedShots, VIEW_ORDER } from "./rule-based.js";
import { describeKnownPlaceholders, renderTemplate, unknownPlaceholders, type Language } from "./template.js";
import { defineNode, PermanentNodeError } from "../contract.js";

const DEFAULT_LLM = "llama-3-8b-instruct";

const TemplateSchema = z
  .strictObject({
    headline: z.string().optional().describe("On-screen headline, e.g. {{product_name}} now {{price}}; empty: the language's default"),
    cta: z.string().optional().describe("Call to action on the outro card; empty: the language's default"),
    disclaimer: z.string().optional().describe("Small print along the bottom; empty: the language's default"),
    voiceover: z.string().optional().describe("Voice-over script; {{cta}} and {{headline}} insert the rendered texts; empty: the language's default"),
    style: z.array(z.string()).default(["soft studio lighting", "high detail", "clean composition"]).describe("Style keywords added to every image prompt"),
  })
  .superRefine((t, ctx) => {
    for (const field of ["headline", "cta", "disclaimer", "voiceover"] as const) {
      // Texts may refer to the ones rendered before them, never to themselves or later ones.
      const allowed = field === "voiceover" ? undefined : ["product_name", "product_id", "price", "currency", "category", "description", "brand_name"];
      const text = t[field];
      if (text === undefined) continue;
      const unknown = unknownPlaceholders(text, allowed);
      if (unknown.length) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `{{${u}}}`).join(", ")}; known: ${describeKnownPlaceholders(allowed)}`,
        });
      }
    }
  });

export const PromptParseConfigSchema = z
  .strictObject({
    ...generationFields("llm", DEFAULT_LLM),
    template: TemplateSchema.default(TemplateSchema.parse({})),
    viewCount: z.number().int().min(1).max(VIEW_ORDER.length).default(3).describe(`Number of views per product, taken in order: ${VIEW_ORDER.join(", ")}`),
    views: z
      .array(z.enum(VIEW_ORDER))
      .min(1)
      .refine((v) => new Set(v).size === v.length, { error: "each view once" })
      .optional()
      .describe("Exactly these views, in this order (overrides viewCount)"),
    aspectRatio: z.string().regex(/^\d{1,2}:\d{1,2}$/).default("1:1").describe("Aspect ratio of the product images (1:1 crops well into every ad format)"),
    motion: z.number().min(0).max(1).default(0.5).describe("Motion intensity of the scenes, 0 (still) to 1 (strong)"),
    sceneSec: z.number().min(1).max(20).default(4).describe("Length of each scene clip in seconds"),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional().describe("Consistency seed shared by all views; default derived from the product id"),
    language: z.enum(["en", "da", "de", "sv"]).default("en").describe("Language of the default texts, the voice-over and price formatting"),
    maxScriptWords: z.number().int().min(5).max(300).default(40).describe("Upper bound on the voice-over length in words (about 2.5 words per second)"),
    revisionNotes: revisionNotesField(),
  })
  .superRefine(checkModels("llm"));
export type PromptParseConfig = z.output<typeof PromptParseConfigSchema>;

export const promptParse = defineNode({
  type: "prompt.parse",
  version: 1,
  title: "Prompt parser",
  category: "Generation",
  description: "Turns a product and a template into image prompts per view, animated scenes, a voice-over script and the ad texts.",
  ...generatingNode,
  inputs: [
    { name: "product", type: "product", description: "The product to advertise" },
    { name: "brand", type: "brand", required: false, description: "Brand kit: name, colours and tone" },
  ],
  outputs: [
    { name: "shots", type: "json", list: true, description: "One image prompt per view: {prompt, negativePrompt, view, seed, aspectRatio}" },
    { name: "scenes", type: "json", list: true, description: "One scene per view: {prompt, camera, motion, durationSec}" },
    { name: "voiceover", type: "text", description: "Voice-over script" },
    { name: "headline", type: "text" },
    { name: "cta", type: "text" },
    { name: "texts", type: "json", description: "{headline, cta, disclaimer, productName, brandName} for video.composite" },
  ],
  config: PromptParseConfigSchema,
  listSizeHint: (config) => config.views?.length ?? config.viewCount,
  // One LLM completion (remote) or a template (local).
  timeoutMs: 10 * 60_000,
  estimate: (config) => estimateGeneration(config, "llm", DEFAULT_LLM, { localSeconds: 0.05 }),
  async run(inputs, config, ctx) {
    const { product, brand } = inputs;
    const language = config.language as Language;
    const render = (template: string, field: string, extra?: Record<string, string>) => {
      try {
        return renderTemplate(template, { product, brand, language, extra });
      } catch (err) {
        throw new PermanentNodeError(`template.${field}: ${(err as Error).message}`, "NODE_INPUT_INVALID", { field: `template.${field}` });
      }
    };
    const defaults = DEFAULT_TEMPLATES[language];
    const t = config.template;
    const headline = render(t.headline ?? defaults.headline, "headline");
    const cta = render(t.cta ?? (brand ? defaults.cta : defaults.ctaWithoutBrand), "cta");
    const disclaimer = render(t.disclaimer ?? defaults.disclaimer, "disclaimer");
    const draftVoiceover = render(t.voiceover ?? defaults.voiceover, "voiceover", { cta, headline });

    const views: string[] = config.views ?? VIEW_ORDER.slice(0, config.viewCount);
    const seed = config.seed ?? consistencySeed(product.id);
    const parseInputs = { product, brand, views, style: config.template.style, seed, aspectRatio: config.aspectRatio, motion: config.motion, sceneSec: config.sceneSec };
    let shots = ruleBasedShots(parseInputs);
    let scenes = ruleBasedScenes(parseInputs);
    let voiceover = draftVoiceover;
    let parser = "rule-based";

    if (config.provider === "replicate") {
      const model = modelKey(config, "llm", DEFAULT_LLM);
      const result = await llmParse(
        ctx.provider("replicate"),
        { product, brand, views, style: config.template.style, language, motion: config.motion, draftVoiceover, maxScriptWords: config.maxScriptWords, seed, model },
        ctx.log,
      );
      if (result) {
        // Seeds, aspect ratio and durations stay ours: the LLM only words the prompts.
        shots = shots.map((s, i) => ({ ...s, prompt: result.answer.shots[i].prompt }));
        scenes = scenes.map((s, i) => ({ ...s, prompt: result.answer.scenes[i].prompt, camera: result.answer.scenes[i].camera, motion: result.answer.scenes[i].motion }));
        voiceover = result.answer.voiceover.trim();
        parser = `llm:${result.model}`;
      } else {
        ctx.log("the LLM gave no valid answer after one repair: using the rule-based parser", "warn");
        parser = "rule-based (LLM fallback)";
      }
    } else {
      ctx.cost(0, "rule-based prompt parser");
    }
    // A reviewer's revise notes steer every image and scene prompt of this product.
    const notes = notesFor(config.revisionNotes, ctx.item);
    if (notes.length) {
      shots = shots.map((s) => ({ ...s, prompt: withRevisionNotes(s.prompt, notes) }));
      scenes = scenes.map((s) => ({ ...s, prompt: withRevisionNotes(s.prompt, notes) }));
      ctx.log(`revision notes applied: ${notes.join("; ")}`);
    }
    const words = voiceover.split(/\s+/).filter(Boolean);
    if (words.length > config.maxScriptWords) {
      ctx.log(`voice-over trimmed from ${words.length} to ${config.maxScriptWords} words`, "warn");
      voiceover = `${words.slice(0, config.maxScriptWords).join(" ").replace(/[,;:]$/, "")}.`;
    }
    ctx.log(`${views.length} views for "${product.name}" (seed ${seed}, parser ${parser})`);
    const texts: AdTexts = { headline, cta, disclaimer, productName: product.name, brandName: brand?.name };
    return { shots, scenes, voiceover, headline, cta, texts };
  },
});
