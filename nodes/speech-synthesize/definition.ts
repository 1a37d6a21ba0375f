/**
 * speech.synthesize: text -> spoken audio. local: espeak-ng (WASM, optional dependency); replicate:
 * Kokoro, MiniMax speech...
 */
import { z } from "zod";
import { checkModels, estimateGeneration, generatingNode, generationFields, modelKey } from "../shared/generation-config.js";
import { defineNode } from "../contract.js";

const DEFAULT_MODEL = "kokoro-82m";

export const SpeechSynthesizeConfigSchema = z
  .strictObject({
    ...generationFields("speech", DEFAULT_MODEL),
    language: z.enum(["en", "da", "de", "sv"]).default("en").describe("Language of the text"),
    voice: z.enum(["female", "male"]).default("female").describe("Voice gender"),
    speed: z.number().min(0.5).max(2).default(1).describe("Speaking rate, 1 = normal"),
  })
  .superRefine(checkModels("speech"));
export type SpeechSynthesizeConfig = z.output<typeof SpeechSynthesizeConfigSchema>;

export const speechSynthesize = defineNode({
  type: "speech.synthesize",
  version: 1,
  title: "Text to speech",
  category: "Generation",
  description: "Speaks a script (the voice-over) in the chosen language and voice.",
  ...generatingNode,
  inputs: [
    {
      name: "text",
      type: "text",
      description: "What to say",
      schema: z.string({ error: "expected text" }).trim().min(1, { error: "the text is empty: nothing to say" }),
    },
  ],
  outputs: [{ name: "audio", type: "audio" }],
  config: SpeechSynthesizeConfigSchema,
  // About 250 characters for a 15 s voice-over.
  timeoutMs: 20 * 60_000,
  estimate: (config) => estimateGeneration(config, "speech", DEFAULT_MODEL, { localSeconds: 1, characters: 250 }),
  async run(inputs, config, ctx) {
    const text = inputs.text;
    const provider = ctx.provider(config.provider);
    const result = await provider.synthesizeSpeech({
      text,
      language: config.language,
      voice: config.voice,
      speed: config.speed,
      model: modelKey(config, "speech", DEFAULT_MODEL),
    });
    ctx.log(`${text.split(/\s+/).length} words spoken by ${provider.name}/${result.model}`);
    return { audio: result.audio };
  },
});
