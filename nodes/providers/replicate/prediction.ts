/**
 * One prediction from start to terminal state: create it (by pinned version or by the
 * official-model route) without `Prefer: wait`, so the create answers at once with the id;
 * checkpoint that id with the node item before anything else; then poll until done with progress
 * from the model's logs, cancel on abort or time limit, and surface failures with Replicate's own
 * error text.
 *
 * Paying once (at-least-once node work): Replicate has no idempotency keys, so the id of the
 * prediction serving (ref, input) is stored in the item's checkpoint (ctx.checkpoint, committed
 * before the first poll). Any later attempt of the same item, in this worker or another one after
 * a crash, polls that prediction (or reuses its finished output) instead of creating and paying
 * for a second one. A prediction that failed, was canceled or is gone (404) is replaced, and the
 * log says so. The one window left is the create's own round trip: a worker killed after
 * Replicate created the prediction and before its answer arrived loses that id.
 */
import { createHash } from "node:crypto";
import type Replicate from "replicate";
import type { Prediction } from "replicate";
import { abortReason, sleep } from "./abort.js";
import { ReplicatePredictionError, ReplicateTimeoutError } from "./errors.js";
import { ReplicateHttpError } from "./http.js";

/** Where prediction ids are kept across attempts (the node item's checkpoint). */
export interface PredictionStore {
  /** The prediction id saved for this work, if an earlier attempt created one. */
  get(workKey: string): string | undefined;
  /** Save it durably before returning. */
  save(workKey: string, predictionId: string): Promise<void>;
}

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
  signal: AbortSignal;
  hooks: PredictionHooks;
  store: PredictionStore;
  pollIntervalMs: number;
  /** Give up (and cancel) after this long. */
  maxWaitMs: number;
}

const TERMINAL = new Set(["succeeded", "failed", "canceled"]);
const FAST_POLL_MS = 250;
const FAST_POLLS = 8;

/** Names one piece of work within a node item: the same model and input is the same prediction. */
export const workKeyOf = (ref: string, input: Record<string, unknown>) =>
  createHash("sha256").update(ref).update("\0").update(JSON.stringify(input)).digest("hex").slice(0, 32);

export async function runPrediction(opts: RunPredictionOptions): Promise<Prediction> {
  const { client, signal, hooks } = opts;
  const workKey = workKeyOf(opts.ref, opts.input);

  let prediction = await resumeSaved(opts, workKey);
  if (!prediction) {
    prediction = await create(opts);
    await opts.store.save(workKey, prediction.id);
    hooks.log(`Replicate prediction ${prediction.id} created for ${opts.modelKey} (${opts.ref}), status ${prediction.status}`);
  }

  const started = Date.now();
  let lastLogLength = 0;
  let polls = 0;
  while (!TERMINAL.has(prediction.status)) {
    if (signal.aborted) await cancelAndThrow(opts, prediction.id, abortReason(signal));
    if (Date.now() - started > opts.maxWaitMs) {
      await cancelAndThrow(opts, prediction.id, new ReplicateTimeoutError(prediction.id, opts.modelKey, opts.maxWaitMs / 1000));
    }
    try {
      // Without `Prefer: wait`, a fast model would otherwise wait a full interval for its result:
      // the first seconds are polled every 250 ms (a fast model costs at most that much more),
      // then every pollIntervalMs.
      await sleep(polls++ < FAST_POLLS ? Math.min(opts.pollIntervalMs, FAST_POLL_MS) : opts.pollIntervalMs, signal);
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
  // is in flight, we let it answer and cancel what it created. No `wait`: a blocking create would
  // hold the id back for seconds, the very window in which a crash makes us pay twice.
  const creating = client.predictions.create({ ...(version ? { version } : { model }), input: opts.input });
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

async function resumeSaved(opts: RunPredictionOptions, workKey: string): Promise<Prediction | undefined> {
  const id = opts.store.get(workKey);
  if (!id) return undefined;
  let previous: Prediction;
  try {
    previous = await opts.client.predictions.get(id, { signal: opts.signal });
  } catch (err) {
    if (!(err instanceof ReplicateHttpError && err.status === 404)) throw err;
    opts.hooks.log(`Replicate prediction ${id} from an earlier attempt is gone (404); creating a new one`);
    return undefined;
  }
  if (previous.status === "failed" || previous.status === "canceled") {
    opts.hooks.log(`Replicate prediction ${id} from an earlier attempt ${previous.status}; creating a new one`);
    return undefined;
  }
  if (previous.status === "succeeded" && outputExpired(previous)) {
    opts.hooks.log(`Replicate prediction ${id} from an earlier attempt succeeded but its output has expired (Replicate keeps API outputs for an hour); creating a new one`);
    return undefined;
  }
  opts.hooks.log(`resuming Replicate prediction ${id} from an earlier attempt (status ${previous.status})`);
  return previous;
}

/** Replicate removes an API prediction's output values and files an hour after it was created. */
const OUTPUT_KEPT_MS = 55 * 60_000;
function outputExpired(p: Prediction): boolean {
  if (p.output === null || p.output === undefined) return true;
  const created = Date.parse(p.created_at ?? "");
  return Number.isFinite(created) && Date.now() - created > OUTPUT_KEPT_MS;
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
