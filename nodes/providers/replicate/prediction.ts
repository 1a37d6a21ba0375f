/**
 * One prediction from start to terminal state: create (by pinned version or by the official-model
 * route, with a short `Prefer: wait` so fast models answer in one round trip), poll until done
 * with progress from the model's logs, cancel on abort or time limit, and surface failures with
 * Replicate's own error text.
 *
 * Idempotency (at-least-once node work): Replicate has no idempotency keys, so we remember, per
 * worker process, which prediction served (node idempotency key, model, input). A retry of the
 * same work in the same process resumes that prediction (or reuses its finished output) instead of
 * paying for a second one; a failed or canceled one is replaced. Across a worker crash the memory
 * is gone and the work is created again: the price of not persisting ids, kept on purpose simple.
 */
import { createHash } from "node:crypto";
import type Replicate from "replicate";
import type { Prediction } from "replicate";
import { abortReason, sleep } from "./abort.js";
import { ReplicatePredictionError, ReplicateTimeoutError } from "./errors.js";
import { ReplicateHttpError } from "./http.js";

export interface PredictionHooks {
  log(message: string): void;
  /** 0..1 of the prediction's own work. */
  progress(fraction: number): void;
  /** Called once the prediction is terminal (succeeded, failed, or canceled by us or by Replicate): billing happens here. */
  settled(prediction: Prediction): void;
}

export interface RunPredictionOptions {
  client: Replicate;
  modelKey: string;
  /** "owner/name" (official model route) or "owner/name:version". */
  ref: string;
  input: Record<string, unknown>;
  idempotencyKey: string;
  signal: AbortSignal;
  hooks: PredictionHooks;
  pollIntervalMs: number;
  /** Seconds the create request may block for a result (`Prefer: wait=n`); 0 = return at once. */
  syncWaitSec: number;
  /** Give up (and cancel) after this long. */
  maxWaitMs: number;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);
const MAX_REMEMBERED = 2000;
const rememberedPredictions = new Map<string, string>();

export async function runPrediction(opts: RunPredictionOptions): Promise<Prediction> {
  const { client, signal, hooks } = opts;
  const workKey = `${opts.idempotencyKey}|${createHash("sha256").update(opts.ref).update(JSON.stringify(opts.input)).digest("hex")}`;

  let prediction = await resumeRemembered(opts, workKey);
  if (!prediction) {
    prediction = await create(opts);
    remember(workKey, prediction.id);
    hooks.log(`Replicate prediction ${prediction.id} created for ${opts.modelKey} (${opts.ref}), status ${prediction.status}`);
  }

  const started = Date.now();
  let lastLogLength = 0;
  while (!TERMINAL.has(prediction.status)) {
    if (signal.aborted) await cancelAndThrow(opts, prediction.id, abortReason(signal));
    if (Date.now() - started > opts.maxWaitMs) {
      await cancelAndThrow(opts, prediction.id, new ReplicateTimeoutError(prediction.id, opts.modelKey, opts.maxWaitMs / 1000));
    }
    try {
      await sleep(opts.pollIntervalMs, signal);
      prediction = await client.predictions.get(prediction.id, { signal });
    } catch (err) {
      if (signal.aborted) await cancelAndThrow(opts, prediction.id, abortReason(signal));
      throw err;
    }
    if (prediction.logs && prediction.logs.length !== lastLogLength) {
      lastLogLength = prediction.logs.length;
      const parsed = parseProgress(prediction.logs);
      if (parsed !== undefined) hooks.progress(parsed);
    }
  }

  hooks.settled(prediction);
  if (prediction.status === "failed") {
    throw new ReplicatePredictionError(prediction.id, opts.modelKey, "failed", describeError(prediction.error));
  }
  if (prediction.status === "canceled") {
    throw new ReplicatePredictionError(prediction.id, opts.modelKey, "canceled", "canceled");
  }
  hooks.progress(1);
  return prediction;
}

async function create(opts: RunPredictionOptions): Promise<Prediction> {
  const { client, signal, ref } = opts;
  const [model, version] = ref.split(":");
  // The create request gets no abort signal on purpose: aborting it mid-flight could leave a
  // paid prediction running whose id we never learned. Instead, if the node is canceled while it
  // is in flight, we let it answer (at most syncWaitSec) and cancel what it created.
  const creating = client.predictions.create({
    ...(version ? { version } : { model }),
    input: opts.input,
    ...(opts.syncWaitSec > 0 ? { wait: opts.syncWaitSec } : {}),
  });
  if (signal.aborted) {
    cancelWhenCreated(opts, creating);
    throw abortReason(signal);
  }
  return new Promise<Prediction>((resolve, reject) => {
    const onAbort = () => {
      cancelWhenCreated(opts, creating);
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    creating.then(
      (p) => {
        signal.removeEventListener("abort", onAbort);
        resolve(p);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

function cancelWhenCreated(opts: RunPredictionOptions, creating: Promise<Prediction>): void {
  creating.then(
    (p) => {
      if (!TERMINAL.has(p.status)) void cancelQuietly(opts, p.id);
    },
    () => {
      // Creation failed: nothing is running, nothing to cancel.
    },
  );
}

async function cancelAndThrow(opts: RunPredictionOptions, id: string, reason: Error): Promise<never> {
  await cancelQuietly(opts, id);
  throw reason;
}

/** Cancel is best effort: the node is already failing for another reason, which is what it should report. */
async function cancelQuietly(opts: RunPredictionOptions, id: string): Promise<void> {
  try {
    const canceled = await opts.client.predictions.cancel(id, { signal: AbortSignal.timeout(15_000) });
    opts.hooks.log(`Replicate prediction ${id} canceled`);
    if (TERMINAL.has(canceled.status)) opts.hooks.settled(canceled);
  } catch (err) {
    opts.hooks.log(`could not cancel Replicate prediction ${id}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function resumeRemembered(opts: RunPredictionOptions, workKey: string): Promise<Prediction | undefined> {
  const id = rememberedPredictions.get(workKey);
  if (!id) return undefined;
  try {
    const previous = await opts.client.predictions.get(id, { signal: opts.signal });
    if (previous.status === "failed" || previous.status === "canceled") return undefined;
    opts.hooks.log(`resuming Replicate prediction ${id} from an earlier attempt (status ${previous.status})`);
    return previous;
  } catch (err) {
    if (err instanceof ReplicateHttpError && err.status === 404) return undefined;
    throw err;
  }
}

function remember(workKey: string, id: string) {
  rememberedPredictions.set(workKey, id);
  if (rememberedPredictions.size > MAX_REMEMBERED) {
    rememberedPredictions.delete(rememberedPredictions.keys().next().value!);
  }
}

/** The last tqdm progress bar in the logs ("  40%|████      | 4/10 [...]"), as 0..1. */
export function parseProgress(logs: string): number | undefined {
  const lines = logs.split(/\r?\n|\r/).reverse();
  for (const line of lines) {
    const m = /^\s*(\d{1,3})%\|/.exec(line);
    if (m) return Math.min(1, Number(m[1]) / 100);
  }
  return undefined;
}

function describeError(error: unknown): string {
  if (typeof error === "string" && error.trim()) return error.trim().slice(0, 2000);
  if (error && typeof error === "object") return JSON.stringify(error).slice(0, 2000);
  return "no error message from Replicate";
}
