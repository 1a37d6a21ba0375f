/**
 * The LLM prompt parser: asks a provider's language model for image prompts, scenes and a script as
 * JSON, validates the answer with zod, asks once more with the validation error when it is wrong,
 * and returns undefined when the second answer is wrong too (the caller falls back to the rules).
 */
import { z } from "zod";
import { CameraMoveSchema, type Brand, type Product } from "../../schemas/content.js";
import type { GenerationProvider } from "../providers/types.js";

export const LlmAnswerSchema = z.object({
  shots: z.array(z.object({ view: z.string(), prompt: z.string().min(10) })),
  scenes: z.array(z.object({ view: z.string(), prompt: z.string().min(5), camera: CameraMoveSchema, motion: z.number().min(0).max(1) })),
  voiceover: z.string().min(5),
});
export type LlmAnswer = z.infer<typeof LlmAnswerSchema>;

export interface LlmParseRequest {
  product: Product;
  brand?: Brand;
  views: string[];
  style: string[];
  language: string;
  motion: number;
  /** What the rule-based template produced, offered to the model as the script's facts. */
  draftVoiceover: string;
  maxScriptWords: number;
  seed: number;
  model: string;
}

const SYSTEM = `You write prompts for a product advertising pipeline. Answer with ONE JSON object and nothing else:
{"shots":[{"view":string,"prompt":string}],"scenes":[{"view":string,"prompt":string,"camera":one of ${CameraMoveSchema.options.map((o) => `"${o}"`).join("|")},"motion":number 0..1}],"voiceover":string}
One shot and one scene per requested view, in the same order. Shot prompts describe a photorealistic studio product photo. Never invent prices or claims that are not in the facts.`;

function userPrompt(r: LlmParseRequest): string {
  const facts = {
    name: r.product.name,
    description: r.product.description,
    category: r.product.category,
    attributes: r.product.attributes,
    brand: r.brand ? { name: r.brand.name, tone: r.brand.tone, colors: r.brand.colors } : undefined,
  };
  return [
    `Product facts: ${JSON.stringify(facts)}`,
    `Views, in order: ${r.views.join(", ")}`,
    `Style keywords: ${r.style.join(", ") || "none"}`,
    `Motion intensity around ${r.motion}`,
    `Voice-over language: ${r.language}; at most ${r.maxScriptWords} words; keep these facts: ${JSON.stringify(r.draftVoiceover)}`,
  ].join("\n");
}

/** The JSON object inside an answer that may carry prose or code fences around it. */
export function extractJson(text: string): unknown {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) throw new Error("the answer holds no JSON object");
  return JSON.parse(text.slice(start, end + 1));
}

function check(answer: LlmAnswer, r: LlmParseRequest): string | undefined {
  const shotViews = answer.shots.map((s) => s.view).join(",");
  const sceneViews = answer.scenes.map((s) => s.view).join(",");
  const want = r.views.join(",");
  if (shotViews !== want) return `shots must be one per view in order [${want}], got [${shotViews}]`;
  if (sceneViews !== want) return `scenes must be one per view in order [${want}], got [${sceneViews}]`;
  const words = answer.voiceover.trim().split(/\s+/).length;
  if (words > r.maxScriptWords * 1.5) return `voiceover has ${words} words, at most ${r.maxScriptWords} allowed`;
  return undefined;
}

export async function llmParse(
  provider: GenerationProvider,
  r: LlmParseRequest,
  log: (m: string, level?: "info" | "warn") => void,
): Promise<{ answer: LlmAnswer; model: string } | undefined> {
  let prompt = userPrompt(r);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const res = await provider.completeJson({ system: SYSTEM, prompt, model: r.model, temperature: 0.4, seed: r.seed, maxTokens: 1200 });
    let problem: string;
    try {
      const parsed = LlmAnswerSchema.safeParse(extractJson(res.text));
      if (parsed.success) {
        const bad = check(parsed.data, r);
        if (!bad) return { answer: parsed.data, model: res.model };
        problem = bad;
      } else {
        problem = parsed.error.issues.map((i) => `${i.path.join(".") || "answer"}: ${i.message}`).join("; ");
      }
    } catch (err) {
      problem = (err as Error).message;
    }
    log(`LLM answer ${attempt} was not usable: ${problem}`, "warn");
    // Repair: show the model its own answer and what was wrong with it.
    prompt = `${userPrompt(r)}\n\nYour previous answer was invalid (${problem}). Previous answer:\n${res.text.slice(0, 4000)}\nAnswer again with the corrected JSON object only.`;
  }
  return undefined;
}
