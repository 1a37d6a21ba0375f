/**
 * The `replicate` GenerationProvider: the real `replicate` npm client, models and prices from
 * ./models.ts, retries in ./http.ts, the prediction lifecycle in ./prediction.ts, media in and out
 * in ./files.ts. Every output is downloaded into our storage and its cost recorded with ctx.cost().
 */
import Replicate, { type Prediction } from "replicate";
import type { MediaRef } from "../../../schemas/index.js";
import { PermanentNodeError, type NodeContext } from "../../contract.js";
import type {
  GenerationProvider,
  ImageRequest,
  JsonCompletionRequest,
  SpeechRequest,
  VideoRequest,
} from "../types.js";
import { predictionCost, type CostFacts } from "./cost.js";
import { redact, toNodeError } from "./errors.js";
import { outputText, outputUrls, storeOutput, toReplicateFile, type ExpectedKind } from "./files.js";
import { createRetryingFetch, type RetryPolicy } from "./http.js";
import { getReplicateModel, replicateModelKeys, type ReplicateModel, type ReplicateModelKind } from "./models.js";
import { runPrediction, type PredictionStore } from "./prediction.js";

export interface ReplicateProviderOptions {
  /** API base, e.g. a local fake in tests; the composition root passes REPLICATE_BASE_URL. Default: Replicate's public API. */
  baseUrl?: string;
  /** Default: the REPLICATE_API_TOKEN secret. */
  token?: string;
  fetch?: typeof fetch;
  pollIntervalMs?: number;
  /** Cancel and fail a prediction that has not finished after this long. Default 30 min. */
  maxWaitMs?: number;
  retry?: Partial<RetryPolicy>;
}

export const REPLICATE_PUBLIC_API = "https://api.replicate.com/v1";

export function createReplicateProvider(ctx: NodeContext, options: ReplicateProviderOptions = {}): GenerationProvider {
  const token = options.token ?? ctx.secrets.get("REPLICATE_API_TOKEN");
  const baseUrl = options.baseUrl ?? REPLICATE_PUBLIC_API;
  const log = (message: string, level?: Parameters<NodeContext["log"]>[1]) => ctx.log(redact(message, token), level);
  const onRetry = (i: { method: string; path: string; status?: number; delayMs: number; attempt: number }) =>
    log(
      `Replicate ${i.method} ${i.path} ${i.status ? `answered HTTP ${i.status}` : "was unreachable"}; retry ${i.attempt} in ${(i.delayMs / 1000).toFixed(1)} s`,
      "warn",
    );
  const apiFetch = createRetryingFetch({ fetch: options.fetch, retry: options.retry, abortWaits: ctx.signal, onRetry });
  // Output files live on another host and need no token: a separate fetch that never sees it.
  const downloadFetch = createRetryingFetch({ fetch: options.fetch, retry: options.retry, onRetry }) as typeof fetch;

  let client: Replicate | undefined;
  function getClient(): Replicate {
    if (!token) {
      throw new PermanentNodeError(
        "The replicate provider needs an API token: set REPLICATE_API_TOKEN or use the local provider",
        "REPLICATE_TOKEN_MISSING",
      );
    }
    checkBaseUrl(baseUrl);
    client ??= new Replicate({ auth: token, baseUrl, fetch: apiFetch, useFileOutput: false });
    return client;
  }

  /** Run `model` for one request, record its cost, and hand back the finished prediction. */
  async function predict(
    modelKey: string,
    model: ReplicateModel,
    input: Record<string, unknown>,
    facts: (p: Prediction) => CostFacts,
  ): Promise<Prediction> {
    const replicate = getClient();
    ctx.progress(0.02);
    // Billed when the prediction settles, whatever the outcome: hardware-priced models charge for
    // the seconds they ran even when they fail or are canceled; the table knows which do. The
    // checkpoint marks it billed and commits the cost with that mark, so an attempt resuming the
    // same prediction (in any worker) never records it again.
    const store = predictionStore(ctx);
    let billing: Promise<void> = Promise.resolve();
    const bill = (p: Prediction) => {
      if (store.billed(p.id)) return;
      const { usd, detail } = predictionCost(modelKey, model, p, facts(p));
      if (usd > 0) ctx.cost(usd, detail);
      // Marked now (the checkpoint state changes synchronously), written in order.
      const marked = store.markBilled(p.id);
      marked.catch(() => {}); // its failure surfaces through `billing`
      billing = billing.then(() => marked);
    };
    try {
      const prediction = await runPrediction({
        client: replicate,
        modelKey,
        ref: model.ref,
        input,
        signal: ctx.signal,
        store,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        maxWaitMs: options.maxWaitMs ?? 30 * 60_000,
        hooks: { log: (m) => log(m), progress: (f) => ctx.progress(0.05 + 0.8 * f), settled: bill },
      });
      await billing;
      log(`Replicate prediction ${prediction.id} succeeded${predictTime(prediction)}`);
      return prediction;
    } catch (err) {
      await billing.catch(() => {});
      throw toNodeError(err, modelKey, token);
    }
  }

  async function download(
    modelKey: string,
    model: ReplicateModel,
    prediction: Prediction,
    kind: ExpectedKind,
    extraMeta: Record<string, unknown> = {},
  ): Promise<MediaRef> {
    const url = outputUrls(prediction.output)[0];
    if (!url) {
      throw toNodeError(new Error(`prediction ${prediction.id} succeeded without an output file`), modelKey, token);
    }
    try {
      const ref = await storeOutput(
        ctx.storage,
        url,
        kind,
        { renderer: "replicate", model: modelKey, modelRef: model.ref, predictionId: prediction.id, ...extraMeta },
        { fetch: downloadFetch, signal: ctx.signal },
      );
      ctx.progress(1);
      return ref;
    } catch (err) {
      throw toNodeError(err, modelKey, token);
    }
  }

  function modelFor<K extends ReplicateModelKind>(requested: string | undefined, kind: K) {
    const key = requested ?? replicateModelKeys(kind)[0]!;
    try {
      return { key, model: getReplicateModel(key, kind) };
    } catch (err) {
      throw new PermanentNodeError((err as Error).message, "REPLICATE_UNKNOWN_MODEL", { model: key, kind });
    }
  }

  return {
    name: "replicate",

    async generateImage(req: ImageRequest) {
      const { key, model } = modelFor(req.model, "image");
      const files: { referenceImage?: string } = {};
      if (req.referenceImage && model.acceptsReferenceImage) {
        files.referenceImage = await fileInput(req.referenceImage, key);
      } else if (req.referenceImage) {
        log(`${key} cannot start from a reference image; generating from the prompt alone`, "warn");
      }
      const input = inputOf(() => model.input(req, files), key);
      const prediction = await predict(key, model, input, (p) => ({ outputs: outputUrls(p.output).length }));
      return { image: await download(key, model, prediction, "image", { prompt: req.prompt, seed: req.seed }), model: key };
    },

    async imageToVideo(req: VideoRequest) {
      const { key, model } = modelFor(req.model, "video");
      const image = await fileInput(req.image, key);
      const input = inputOf(() => model.input(req, { image }), key);
      const prediction = await predict(key, model, input, (p) => ({
        outputs: outputUrls(p.output).length,
        videoSeconds: model.outputSeconds(req),
      }));
      return { video: await download(key, model, prediction, "video"), model: key };
    },

    async synthesizeSpeech(req: SpeechRequest) {
      const { key, model } = modelFor(req.model, "speech");
      if (!model.languages.includes(req.language)) {
        throw new PermanentNodeError(
          `${key} does not speak "${req.language}" (it speaks ${model.languages.join(", ")}); pick another speech model`,
          "REPLICATE_LANGUAGE_UNSUPPORTED",
          { model: key, language: req.language },
        );
      }
      const input = inputOf(() => model.input(req), key);
      const prediction = await predict(key, model, input, (p) => ({
        outputs: outputUrls(p.output).length,
        inputCharacters: [...req.text].length,
      }));
      return { audio: await download(key, model, prediction, "audio", { language: req.language }), model: key };
    },

    async completeJson(req: JsonCompletionRequest) {
      const { key, model } = modelFor(req.model, "llm");
      const input = inputOf(() => model.input(req), key);
      const prediction = await predict(key, model, input, (p) => ({
        outputs: 0,
        promptText: `${req.system}\n${req.prompt}`,
        outputText: safeText(p.output),
      }));
      try {
        const text = outputText(prediction.output);
        ctx.progress(1);
        return { text, model: key };
      } catch (err) {
        throw toNodeError(err, key, token);
      }
    },
  };

  async function fileInput(ref: MediaRef, modelKey: string): Promise<string> {
    try {
      return await toReplicateFile(ctx.storage, getClient(), ref, ctx.signal);
    } catch (err) {
      throw toNodeError(err, modelKey, token);
    }
  }
}

interface ReplicateCheckpoint {
  /** Prediction id by work key (model ref + input). */
  predictions?: Record<string, string>;
  /** Predictions whose cost is recorded. */
  billed?: string[];
}

/**
 * Prediction ids in the item's checkpoint, under `replicate` (other keys of the checkpoint are
 * left as they are), so a later attempt resumes the prediction it paid for, and bills it once.
 */
function predictionStore(ctx: NodeContext): PredictionStore & { billed(id: string): boolean; markBilled(id: string): Promise<void> } {
  const saved = (): ReplicateCheckpoint => (ctx.resumeState?.replicate as ReplicateCheckpoint | undefined) ?? {};
  const write = (patch: ReplicateCheckpoint) => ctx.checkpoint({ ...ctx.resumeState, replicate: { ...saved(), ...patch } });
  return {
    get: (workKey) => saved().predictions?.[workKey],
    save: (workKey, id) => write({ predictions: { ...saved().predictions, [workKey]: id } }),
    billed: (id) => saved().billed?.includes(id) ?? false,
    markBilled: (id) => write({ billed: [...(saved().billed ?? []), id] }),
  };
}

/** A request our mapping cannot express (e.g. a malformed aspect ratio) is bad input, not a flaky service. */
function inputOf(build: () => Record<string, unknown>, modelKey: string): Record<string, unknown> {
  try {
    return build();
  } catch (err) {
    throw new PermanentNodeError(`cannot build ${modelKey} input: ${(err as Error).message}`, "REPLICATE_INPUT_INVALID");
  }
}

/** The token travels in a header: only over TLS, except to this machine (tests, local proxies). */
function checkBaseUrl(baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new PermanentNodeError(`REPLICATE_BASE_URL "${baseUrl}" is not a URL`, "REPLICATE_BASE_URL_INVALID");
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new PermanentNodeError(
      `REPLICATE_BASE_URL must use https (plain http only to localhost), got ${url.origin}`,
      "REPLICATE_BASE_URL_INVALID",
    );
  }
}

function predictTime(p: Prediction): string {
  const t = p.metrics?.predict_time;
  return typeof t === "number" ? ` (${t.toFixed(2)} s of model time)` : "";
}

function safeText(output: unknown): string {
  try {
    return outputText(output);
  } catch {
    return "";
  }
}

export { REPLICATE_MODELS, estimateReplicateUsd, replicateModelKeys } from "./models.js";
