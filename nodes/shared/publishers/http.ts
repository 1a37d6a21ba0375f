/**
 * HTTP for platform adapters: each platform's error body becomes a PlatformError (code, message,
 * retryable), rate-limit answers are waited out (Retry-After, else exponential backoff) a few times
 * within the call, and credentials never reach an error message (they travel in headers only, and
 * messages are built from the platform's error fields, never from request URLs or headers).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { OutboundRefusedError } from "../../../lib/net/index.js";
import type { PublicationError, PublishChannel } from "./ledger.js";

export class PlatformError extends Error {
  constructor(
    readonly channel: PublishChannel,
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** The platform's error object, for the record (never holds our credentials). */
    readonly platform?: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "PlatformError";
  }

  toRecord(): PublicationError {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.status ? { status: this.status } : {}), ...(this.platform ? { platform: this.platform } : {}) };
  }
}

export interface ErrorShape {
  code: string;
  message: string;
  retryable: boolean;
  rateLimited?: boolean;
  platform?: unknown;
}

export interface PlatformClientOptions {
  channel: PublishChannel;
  /** Reads a platform's error body (already parsed as JSON when it was JSON). */
  describeError(status: number, body: unknown, headers: Headers): ErrorShape;
  signal?: AbortSignal;
  /** Rate-limited calls are retried this many times within one call before giving up (retryable). */
  rateLimitRetries?: number;
  /** Longest single wait for a rate limit; a longer Retry-After is returned as a retryable error instead. */
  maxWaitMs?: number;
  log?: (m: string) => void;
  /**
   * How requests are sent. Default: global fetch, for the platform base URLs the operator
   * configures. A URL a user supplied (the webhook target) passes the outbound guard's fetch.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export interface PlatformResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class PlatformClient {
  constructor(private readonly o: PlatformClientOptions) {}

  /** fetch that returns the parsed body for 2xx and `okStatuses`, and throws PlatformError for the rest. */
  async request<T = unknown>(url: string, init: RequestInit & { okStatuses?: number[] } = {}): Promise<PlatformResponse<T>> {
    const retries = this.o.rateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await (this.o.fetch ?? fetch)(url, { ...init, signal: this.o.signal, redirect: "manual" });
      } catch (err) {
        if (this.o.signal?.aborted) throw err;
        // A refused address is the user's to fix, not a network blip: permanent, with the guard's reason.
        if (err instanceof OutboundRefusedError) throw new PlatformError(this.o.channel, err.code, err.message, false);
        throw new PlatformError(this.o.channel, "NETWORK_ERROR", `could not reach ${new URL(url).host}: ${(err as Error).message}`, true);
      }
      const body = await readBody(res);
      if ((res.status >= 200 && res.status < 300) || init.okStatuses?.includes(res.status)) return { status: res.status, headers: res.headers, body: body as T };
      const shape = this.o.describeError(res.status, body, res.headers);
      const waitMs = retryAfterMs(res.headers) ?? Math.min(30_000, 500 * 2 ** attempt);
      const err = new PlatformError(this.o.channel, shape.code, shape.message, shape.retryable, res.status, shape.platform, shape.rateLimited ? waitMs : undefined);
      if (!shape.rateLimited || attempt >= retries || waitMs > (this.o.maxWaitMs ?? 60_000)) throw err;
      this.o.log?.(`${this.o.channel}: rate limited (${shape.message}); waiting ${Math.round(waitMs)} ms`);
      await sleep(waitMs, undefined, { signal: this.o.signal });
    }
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
}

/** Retry-After as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const v = headers.get("retry-after");
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** Generic: 429 and 5xx are worth retrying, other 4xx are not. */
export const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;
