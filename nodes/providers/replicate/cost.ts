import type { Prediction } from "replicate";
import { REPLICATE_HARDWARE_USD_PER_SECOND, priceOfUnits, type ReplicateModel } from "./models.js";

/** What we know about the work besides the prediction itself (for output-, second- and character-priced models). */
export interface CostFacts {
  /** Files the prediction produced. */
  outputs: number;
  /** Seconds of video the request asked for (per-second pricing). */
  videoSeconds?: number;
  /** Characters of input text (per-character pricing). */
  inputCharacters?: number;
  /** Prompt and answer text, to estimate tokens if Replicate did not report counts. */
  promptText?: string;
  outputText?: string;
}

interface TokenMetrics {
  predict_time?: number;
  input_token_count?: number;
  output_token_count?: number;
}

/**
 * What a finished prediction cost, from the pricing table: per output, per video second or per
 * character for official models; metrics.predict_time x the hardware's per-second price for
 * community models (billed for the seconds they ran, whatever the outcome); tokens as reported
 * in metrics for language models. Official models charge only for what they produced.
 */
export function predictionCost(
  modelKey: string,
  model: ReplicateModel,
  prediction: Pick<Prediction, "status" | "metrics" | "started_at" | "completed_at">,
  facts: CostFacts,
): { usd: number; detail: string } {
  const succeeded = prediction.status === "succeeded";
  const metrics = (prediction.metrics ?? {}) as TokenMetrics;
  const pricing = model.pricing;
  switch (pricing.unit) {
    case "output": {
      const n = succeeded ? facts.outputs : 0;
      return { usd: priceOfUnits(pricing, n), detail: `${modelKey} x${n} output${n === 1 ? "" : "s"}` };
    }
    case "video-second": {
      const seconds = succeeded ? (facts.videoSeconds ?? 0) : 0;
      return { usd: priceOfUnits(pricing, seconds), detail: `${modelKey} ${seconds.toFixed(2)} s of video` };
    }
    case "input-character": {
      const chars = succeeded ? (facts.inputCharacters ?? 0) : 0;
      return { usd: priceOfUnits(pricing, chars), detail: `${modelKey} ${chars} characters` };
    }
    case "token": {
      if (!succeeded) return { usd: 0, detail: `${modelKey} ${prediction.status}, no tokens billed` };
      const input = metrics.input_token_count ?? estimateTokens(facts.promptText);
      const output = metrics.output_token_count ?? estimateTokens(facts.outputText);
      return {
        usd: priceOfUnits(pricing, output, input),
        detail: `${modelKey} ${input} input + ${output} output tokens`,
      };
    }
    case "hardware-second": {
      const seconds = metrics.predict_time ?? wallSeconds(prediction.started_at, prediction.completed_at);
      return {
        usd: seconds * REPLICATE_HARDWARE_USD_PER_SECOND[pricing.hardware],
        detail: `${modelKey} ${seconds.toFixed(2)} s on ${pricing.hardware}`,
      };
    }
  }
}

/** Llama-family tokenizers average about four characters per token on English prose. */
function estimateTokens(text: string | undefined): number {
  return text ? Math.ceil(text.length / 4) : 0;
}

function wallSeconds(started?: string, completed?: string): number {
  if (!started || !completed) return 0;
  const ms = Date.parse(completed) - Date.parse(started);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
