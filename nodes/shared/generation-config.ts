/**
 * Config fields every generating node shares (provider, model, fallback chain), validated against
 * the Replicate catalogue, plus the estimate and fallback helpers built on the same table.
 */
import { z } from "zod";
import type { NodeEstimate } from "../contract.js";
import { LOCAL_MODELS } from "../providers/local/index.js";
import { REPLICATE_MODELS, estimateReplicateUsd, replicateModelKeys, type ReplicateModel, type ReplicateModelKind } from "../providers/replicate/models.js";

export const PROVIDERS = ["local", "replicate"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export interface GenerationConfig {
  provider: ProviderName;
  model?: string;
  fallback: { provider: ProviderName; model?: string }[];
}

/** The local provider's single renderer per kind (shown as its "model"). */
export const LOCAL_MODEL_KEYS: Record<ReplicateModelKind, string> = { ...LOCAL_MODELS, llm: "rule-based" };

export function generationFields(kind: ReplicateModelKind, defaultReplicateModel: string) {
  const keys = replicateModelKeys(kind).join(", ");
  return {
    provider: z
      .enum(PROVIDERS)
      .default("local")
      .describe("local: offline, free, deterministic renderer. replicate: hosted models (needs REPLICATE_API_TOKEN)"),
    model: z
      .string()
      .optional()
      .describe(`Model key. replicate: ${keys} (default ${defaultReplicateModel}); local: ${LOCAL_MODEL_KEYS[kind]}`),
    fallback: z
      .array(z.strictObject({ provider: z.enum(PROVIDERS), model: z.string().optional() }))
      .default([])
      .describe("Tried in order when the provider/model above keeps failing"),
  };
}

/** zod check that each model key exists for its provider and makes the right kind of output. */
export function checkModels(kind: ReplicateModelKind) {
  return (config: GenerationConfig, ctx: z.RefinementCtx) => {
    const stages: [PropertyKey[], GenerationConfig["fallback"][number]][] = [
      [["model"], config],
      ...config.fallback.map((f, i) => [["fallback", i, "model"], f] as [PropertyKey[], GenerationConfig["fallback"][number]]),
    ];
    for (const [path, stage] of stages) {
      if (stage.model === undefined || stage.model === "") continue;
      if (stage.provider === "local") {
        if (stage.model !== LOCAL_MODEL_KEYS[kind]) {
          ctx.addIssue({ code: "custom", path, message: `the local provider has one ${kind} renderer, "${LOCAL_MODEL_KEYS[kind]}"; got "${stage.model}"` });
        }
        continue;
      }
      const model = (REPLICATE_MODELS as Record<string, ReplicateModel>)[stage.model];
      if (!model) {
        ctx.addIssue({ code: "custom", path, message: `unknown Replicate model "${stage.model}" (${kind} models: ${replicateModelKeys(kind).join(", ")})` });
      } else if (model.kind !== kind) {
        ctx.addIssue({ code: "custom", path, message: `Replicate model "${stage.model}" makes ${model.kind}, not ${kind}` });
      }
    }
  };
}

/** The model a stage uses: its own key or the provider's default. */
export function modelKey(stage: { provider: ProviderName; model?: string }, kind: ReplicateModelKind, defaultReplicateModel: string): string {
  if (stage.model) return stage.model;
  return stage.provider === "local" ? LOCAL_MODEL_KEYS[kind] : defaultReplicateModel;
}

/** [config itself, then one config per fallback entry]: what NodeDefinition.fallbacks returns. */
export function fallbackChain<C extends GenerationConfig>(config: C): C[] {
  return [config, ...config.fallback.map((f) => ({ ...config, provider: f.provider, model: f.model, fallback: [] }))];
}

export function mayCostMoney(config: GenerationConfig): boolean {
  return config.provider === "replicate" || config.fallback.some((f) => f.provider === "replicate");
}

/**
 * What every generating node declares the same way (spread it into the definition): its providers,
 * that a stage on Replicate may cost money, the fallback chain of its config, the Replicate token
 * (read by the replicate provider, only on a stage that uses it), and which provider a config selects.
 */
export const generatingNode = {
  providers: [...PROVIDERS] as string[],
  paid: mayCostMoney,
  fallbacks: fallbackChain,
  secrets: ["REPLICATE_API_TOKEN"] as readonly string[],
  providerOf: (config: GenerationConfig): string => config.provider,
};

/**
 * Pre-run cost and time of one call from the catalogue's pricing table. `units` counts the model's
 * billing unit when the config tells it (video seconds, characters); otherwise the typical call.
 */
export function estimateGeneration(
  config: GenerationConfig,
  kind: ReplicateModelKind,
  defaultReplicateModel: string,
  opts: { localSeconds: number; videoSeconds?: number; characters?: number },
): NodeEstimate {
  if (config.provider === "local") return { usd: 0, seconds: opts.localSeconds };
  const key = modelKey(config, kind, defaultReplicateModel);
  const model = (REPLICATE_MODELS as Record<string, ReplicateModel>)[key];
  if (!model) return { usd: 0, seconds: opts.localSeconds };
  const unit = model.pricing.unit;
  const units = unit === "video-second" ? opts.videoSeconds : unit === "input-character" ? opts.characters : undefined;
  return { usd: estimateReplicateUsd(key, units), seconds: model.typicalSeconds };
}
