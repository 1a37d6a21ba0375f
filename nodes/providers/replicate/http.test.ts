import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReplicateHttpError, createRetryingFetch, parseRetryAfter } from "./http.js";

/** A server answering from a queue of statuses, counting hits: what the retry wrapper actually sends. */
let statuses: Array<{ status: number; retryAfter?: string }> = [];
let hits = 0;
let url = "";
const server = createServer((_req, res) => {
  hits++;
  const next = statuses.shift() ?? { status: 200 };
  res.writeHead(next.status, {
    "content-type": "application/json",
    ...(next.retryAfter ? { "retry-after": next.retryAfter } : {}),
  });
  res.end(JSON.stringify(next.status === 200 ? { ok: true } : { title: "x", detail: `detail ${next.status}`, status: next.status }));
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/predictions`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("retrying fetch", () => {
  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("3")).toBe(3);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("fails fast when Retry-After is longer than we are willing to wait, keeping the hint", async () => {
    statuses = [{ status: 429, retryAfter: "120" }];
    hits = 0;
    const f = createRetryingFetch({ retry: { maxRetryAfterMs: 1000 } });
    const err = await f(url, { method: "POST" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplicateHttpError);
    expect(err).toMatchObject({ status: 429, retryAfterSec: 120, detail: "detail 429", retryable: true });
    expect(hits).toBe(1);
  });

  it("does not retry a 4xx and replays its failure for the same request without the network", async () => {
    statuses = [{ status: 422 }];
    hits = 0;
    const f = createRetryingFetch({ retry: { baseDelayMs: 1 } });
    const init = { method: "POST", body: "{}" };
    const first = await f(url, init).catch((e: unknown) => e);
    const again = await f(url, init).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ReplicateHttpError);
    expect((first as ReplicateHttpError).retryable).toBe(false);
    expect(again).toBe(first);
    expect(hits).toBe(1);
  });

  it("retries 5xx with backoff up to its limit", async () => {
    statuses = [{ status: 500 }, { status: 502 }, { status: 503 }];
    hits = 0;
    const waits: number[] = [];
    const f = createRetryingFetch({ retry: { baseDelayMs: 5, maxRetries: 2 }, onRetry: (i) => waits.push(i.delayMs) });
    await expect(f(url)).rejects.toThrow("failed with HTTP 503: detail 503");
    expect(hits).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it("stops waiting the moment the abort signal fires", async () => {
    statuses = [{ status: 429, retryAfter: "30" }];
    const controller = new AbortController();
    const f = createRetryingFetch({ abortWaits: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const err = await f(url, { method: "POST" }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
