/**
 * The fetch handed to the `replicate` client: retries 429 honouring Retry-After and 5xx / network
 * failures with exponential backoff, aborts promptly on the node's signal, and turns every final
 * failure into a ReplicateHttpError carrying Replicate's own `detail` text.
 *
 * Why here and not the client's own retry: replicate@1.4's withAutomaticRetries only reads
 * Retry-After from thrown errors (never from a 429 response), effectively does not wait between
 * attempts (its sleep is guarded by an integer check on a jittered float), and its attempt count
 * cannot be configured. So we do the waiting, and
 * when we give up on a request we remember the error by its `init` object (the client re-sends the
 * very same object on its internal retries) and throw it again at once, without touching the
 * network. The client's loop then ends within microseconds and rethrows our error.
 */
import { abortReason, sleep } from "./abort.js";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After we are willing to sit through; longer ones fail fast (the engine retries later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** An HTTP failure from Replicate's API, after our retries. The message never includes headers or tokens. */
export class ReplicateHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly method: string,
    readonly path: string,
    /** Seconds the server asked us to wait (429), if it said. */
    readonly retryAfterSec?: number,
  ) {
    super(`Replicate API ${method} ${path} failed with HTTP ${status}: ${detail}`);
    this.name = "ReplicateHttpError";
  }
  /** 429 and 5xx may pass with time; other 4xx mean the request itself is wrong. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The network failed (no HTTP answer) on every attempt. */
export class ReplicateNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    reason: string,
  ) {
    super(`Replicate API ${method} ${path} could not be reached: ${reason}`);
    this.name = "ReplicateNetworkError";
  }
}

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RetryingFetchOptions {
  fetch?: FetchLike;
  retry?: Partial<RetryPolicy>;
  /**
   * Ends waits between attempts (and stops further attempts) when aborted, even for requests sent
   * without their own signal. An in-flight request is only ever aborted by its own init.signal.
   */
  abortWaits?: AbortSignal;
  /** Told about each wait, for the node's log. */
  onRetry?: (info: { method: string; path: string; status?: number; delayMs: number; attempt: number }) => void;
}

export function createRetryingFetch(opts: RetryingFetchOptions = {}): FetchLike {
  const baseFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  const policy = { ...DEFAULT_RETRY, ...opts.retry };
  const gaveUp = new WeakMap<object, Error>();

  return async (input, init = {}) => {
    const known = gaveUp.get(init);
    if (known) throw known;
    const method = (init.method ?? "GET").toUpperCase();
    const path = pathOf(input);
    const signal = init.signal ?? opts.abortWaits;

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      let response: Response;
      try {
        response = await baseFetch(input, init);
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        if (attempt < policy.maxRetries) {
          const delayMs = backoff(policy, attempt);
          opts.onRetry?.({ method, path, delayMs, attempt: attempt + 1 });
          await sleep(delayMs, signal);
          continue;
        }
        const failure = new ReplicateNetworkError(method, path, describeNetworkError(err));
        gaveUp.set(init, failure);
        throw failure;
      }
      if (response.ok) return response;

      const retryAfterSec = parseRetryAfter(response.headers.get("retry-after"));
      const transient = response.status === 429 || response.status >= 500;
      const waitMs = retryAfterSec !== undefined ? retryAfterSec * 1000 : backoff(policy, attempt);
      if (transient && attempt < policy.maxRetries && waitMs <= policy.maxRetryAfterMs) {
        await response.body?.cancel().catch(() => {});
        opts.onRetry?.({ method, path, status: response.status, delayMs: waitMs, attempt: attempt + 1 });
        await sleep(waitMs, signal);
        continue;
      }
      const failure = new ReplicateHttpError(response.status, await detailOf(response), method, path, retryAfterSec);
      gaveUp.set(init, failure);
      throw failure;
    }
  };
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Full jitter on the upper half, so parallel nodes hitting the same limit do not retry in lockstep.
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - Date.now()) / 1000);
}

/** Replicate answers errors as problem+json ({title, detail, status}); fall back to the raw text. */
async function detailOf(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  try {
    const body = JSON.parse(text) as { detail?: unknown; title?: unknown };
    const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail ?? body.title ?? body);
    return detail.slice(0, 1000);
  } catch {
    return text.slice(0, 1000) || response.statusText || "no details";
  }
}

function pathOf(input: string | URL | Request): string {
  const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(href).pathname;
  } catch {
    return href;
  }
}

function describeNetworkError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}
