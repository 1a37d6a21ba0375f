import { PermanentNodeError } from "../../contract.js";
import { isAbortError } from "./abort.js";
import { ReplicateHttpError, ReplicateNetworkError } from "./http.js";

/** A prediction that ended `failed` or `canceled` on Replicate's side; retrying (then falling back) may help. */
export class ReplicatePredictionError extends Error {
  constructor(
    readonly predictionId: string,
    readonly modelKey: string,
    readonly status: "failed" | "canceled",
    readonly replicateError: string,
  ) {
    super(
      status === "failed"
        ? `Replicate prediction ${predictionId} (${modelKey}) failed: ${replicateError}`
        : `Replicate prediction ${predictionId} (${modelKey}) was canceled on Replicate's side`,
    );
    this.name = "ReplicatePredictionError";
  }
}

/** The prediction did not finish within the provider's time limit (it has been canceled). */
export class ReplicateTimeoutError extends Error {
  constructor(predictionId: string, modelKey: string, waitedSec: number) {
    super(`Replicate prediction ${predictionId} (${modelKey}) did not finish within ${Math.round(waitedSec)} s; canceled it`);
    this.name = "ReplicateTimeoutError";
  }
}

/** Replaces every occurrence of the secret, so no message we emit can carry the token. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join("[REDACTED]");
}

/**
 * The error a node sees. Bad requests (4xx other than 429: invalid input, unknown model or
 * version, rejected token, no credit) become PermanentNodeError, since retrying cannot fix them.
 * Throttling, 5xx, network trouble and failed predictions stay plain errors, so the engine retries
 * and then walks the node's fallback chain. Aborts pass through untouched. Nothing from the client
 * library (whose errors hold the request, headers included) is passed on; messages are redacted.
 */
export function toNodeError(err: unknown, modelKey: string, token: string | undefined): Error {
  if (isAbortError(err)) return err as Error;
  if (err instanceof PermanentNodeError) return err;
  if (err instanceof ReplicateHttpError) {
    if (err.retryable) return redacted(err, token);
    if (err.status === 401 || err.status === 403) {
      return new PermanentNodeError(
        `Replicate rejected the API token (HTTP ${err.status}): check REPLICATE_API_TOKEN or use the local provider`,
        "REPLICATE_AUTH",
        { status: err.status },
      );
    }
    if (err.status === 402) {
      return new PermanentNodeError(
        `Replicate refused to run ${modelKey}: ${redact(err.detail, token)} (HTTP 402, check the account's billing)`,
        "REPLICATE_BILLING",
        { status: err.status },
      );
    }
    return new PermanentNodeError(
      `Replicate rejected the request for ${modelKey} (HTTP ${err.status}): ${redact(err.detail, token)}`,
      "REPLICATE_REQUEST_REJECTED",
      { status: err.status, model: modelKey },
    );
  }
  if (
    err instanceof ReplicateNetworkError ||
    err instanceof ReplicatePredictionError ||
    err instanceof ReplicateTimeoutError
  ) {
    return redacted(err, token);
  }
  const message = err instanceof Error ? err.message : String(err);
  const plain = new Error(`Replicate (${modelKey}): ${redact(message, token)}`);
  plain.name = "ReplicateError";
  return plain;
}

/**
 * The same error with the token scrubbed from its message, its stack (which repeats the message)
 * and its own string fields (Replicate's error text, HTTP detail), in case the service echoed it.
 */
function redacted<E extends Error>(err: E, token: string | undefined): E {
  err.message = redact(err.message, token);
  if (err.stack) err.stack = redact(err.stack, token);
  const fields = err as unknown as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (typeof value === "string") fields[key] = redact(value, token);
  }
  return err;
}
