/**
 * The replicate provider end to end: the real `replicate` client against the local fake server
 * (test/fakes/replicate-server.ts) speaking Replicate's HTTP API, real storage on a real database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeReplicate, type FakeReplicate } from "../../../test/fakes/replicate-server.js";
import { makePng } from "../../../test/fakes/sample-media.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../../test/node-context.js";
import { PermanentNodeError, type NodeContext } from "../../contract.js";
import { createReplicateProvider, type ReplicateProviderOptions } from "./index.js";
import { REPLICATE_MODELS } from "./models.js";

const TOKEN = "r8_TestTokenThatMustNeverLeak_9f8e7d6c5b4a";
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 100 };

let fake: FakeReplicate;
let h: NodeTestHarness;

beforeAll(async () => {
  fake = await startFakeReplicate({ token: TOKEN });
  fake.model(REPLICATE_MODELS["flux-schnell"].ref, { output: { kind: "image", width: 96, height: 64 } });
  fake.model(REPLICATE_MODELS["flux-dev"].ref, { output: { kind: "image" } });
  fake.model(REPLICATE_MODELS.sdxl.ref, { output: { kind: "image" }, predictTime: 7.5 });
  fake.model(REPLICATE_MODELS["stable-video-diffusion"].ref, {
    output: { kind: "video", width: 128, height: 72, durationSec: 2, fps: 8 },
    predictTime: 42,
    durationMs: 300,
  });
  fake.model(REPLICATE_MODELS["minimax-speech-02-turbo"].ref, { output: { kind: "audio", durationSec: 1.5 } });
  fake.model(REPLICATE_MODELS["kokoro-82m"].ref, { output: { kind: "audio" } });
  fake.model(REPLICATE_MODELS["llama-3-8b-instruct"].ref, {
    output: { kind: "text", text: '{"headline":"Fresh shoes","views":["front","side"]}' },
    metrics: { input_token_count: 120, output_token_count: 30 },
  });
  h = await createNodeTestHarness({ secrets: { REPLICATE_API_TOKEN: TOKEN } });
});

afterAll(async () => {
  await fake?.close();
  await h?.close();
});

function provider(ctx: NodeContext, options: ReplicateProviderOptions = {}) {
  return createReplicateProvider(ctx, { baseUrl: fake.baseUrl, pollIntervalMs: 20, retry: FAST_RETRY, ...options });
}

function costsSince(n: number) {
  return h.costs.slice(n);
}

function createsFor(path: string) {
  return fake.requests.filter((r) => r.method === "POST" && r.path === path);
}

describe("replicate provider", () => {
  it("generates an image with FLUX schnell, stores it and records the per-image price", async () => {
    const costs = h.costs.length;
    const ctx = h.ctx();
    const { image, model } = await provider(ctx).generateImage({ prompt: "a red sneaker", aspectRatio: "16:9", seed: 42 });

    expect(model).toBe("flux-schnell");
    expect(image).toMatchObject({ kind: "image", mime: "image/png", meta: { width: 96, height: 64, renderer: "replicate", model: "flux-schnell" } });
    expect((await h.storage.read(image.hash)).subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(costsSince(costs)).toEqual([{ usd: 0.003, detail: "flux-schnell x1 output" }]);

    const [create] = createsFor("/v1/models/black-forest-labs/flux-schnell/predictions").slice(-1);
    // No blocking `Prefer: wait`: the id comes back at once and is checkpointed before any waiting.
    expect(create!.headers.prefer).toBeUndefined();
    expect(create!.body).toEqual({
      input: {
        prompt: "a red sneaker",
        aspect_ratio: "16:9",
        num_outputs: 1,
        num_inference_steps: 4,
        seed: 42,
        output_format: "png",
        go_fast: true,
        megapixels: "1",
      },
    });
  });

  it("runs SDXL by pinned version with the reference image inline, costed as predict_time x L40S", async () => {
    const ref = await h.storage.put(makePng(64, 64, 3), { mime: "image/png" });
    const costs = h.costs.length;
    const { image } = await provider(h.ctx()).generateImage({ prompt: "studio shot", aspectRatio: "1:1", referenceImage: ref, model: "sdxl" });

    expect(image.kind).toBe("image");
    const create = createsFor("/v1/predictions").slice(-1)[0]!;
    const body = create.body as { version: string; input: Record<string, unknown> };
    expect(body.version).toBe(REPLICATE_MODELS.sdxl.ref.split(":")[1]);
    expect(body.input.image).toBe(`data:image/png;base64,${(await h.storage.read(ref.hash)).toString("base64")}`);
    expect(body.input).toMatchObject({ width: 1024, height: 1024, prompt_strength: 0.65 });
    expect(costsSince(costs)).toHaveLength(1);
    expect(costsSince(costs)[0]!.usd).toBeCloseTo(7.5 * 0.000975, 10);
    expect(costsSince(costs)[0]!.detail).toBe("sdxl 7.50 s on gpu-l40s");
  });

  it("uploads a large reference image through the Files API", async () => {
    const big = await h.storage.put(makePng(400, 400, 5, true), { mime: "image/png" });
    expect(big.size).toBeGreaterThan(256 * 1024);
    await provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1", referenceImage: big, model: "flux-dev" });
    const body = createsFor("/v1/models/black-forest-labs/flux-dev/predictions").slice(-1)[0]!.body as { input: { image: string } };
    const id = /\/v1\/files\/([a-f0-9]+)$/.exec(body.input.image)?.[1];
    expect(id).toBeDefined();
    expect(fake.uploads.get(id!)!.bytes.equals(await h.storage.read(big.hash))).toBe(true);
  });

  it("waits out a 429 for its Retry-After, then succeeds", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: 429, retryAfter: 1 }]);
    const before = createsFor("/v1/models/black-forest-labs/flux-schnell/predictions").length;
    const logs = h.logs.length;
    const started = Date.now();
    const { image } = await provider(h.ctx()).generateImage({ prompt: "retry me", aspectRatio: "1:1" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(image.kind).toBe("image");
    expect(createsFor("/v1/models/black-forest-labs/flux-schnell/predictions").length - before).toBe(2);
    expect(h.logs.slice(logs).some((l) => l.level === "warn" && /HTTP 429; retry 1 in 1\.0 s/.test(l.message))).toBe(true);
  });

  it("retries 5xx answers with backoff, on create and on polls", async () => {
    fake.script(REPLICATE_MODELS.sdxl.ref, [{ status: 503 }]);
    fake.failNext("GET", /^\/v1\/predictions\//, [{ status: 502 }, { status: 500 }]);
    const { image } = await provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "4:5", model: "sdxl" });
    expect(image.kind).toBe("image");
  });

  it("gives up on a 429 that keeps coming with a retryable error, not a permanent one", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [
      { status: 429, retryAfter: 0 },
      { status: 429, retryAfter: 0 },
      { status: 429, retryAfter: 0 },
    ]);
    const err = await provider(h.ctx(), { retry: { ...FAST_RETRY, maxRetries: 2 } })
      .generateImage({ prompt: "p", aspectRatio: "1:1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PermanentNodeError);
    expect((err as Error).message).toMatch(/HTTP 429: Request was throttled/);
  });

  it("surfaces a failed prediction with Replicate's error text as a retryable error (the engine then falls back)", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "failed", error: "NSFW content detected. Try running it again, or try a different prompt." }]);
    const costs = h.costs.length;
    const err = await provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1" }).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PermanentNodeError);
    expect((err as Error).message).toMatch(/^Replicate prediction \w+ \(flux-schnell\) failed: NSFW content detected\. Try running it again/);
    // Official models bill per output: a failure costs nothing.
    expect(costsSince(costs)).toEqual([]);
  });

  it("bills the seconds a hardware-priced model ran even when it failed", async () => {
    fake.script(REPLICATE_MODELS.sdxl.ref, [{ status: "failed", error: "CUDA out of memory", predictTime: 3 }]);
    const costs = h.costs.length;
    await expect(provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1", model: "sdxl" })).rejects.toThrow(/CUDA out of memory/);
    expect(costsSince(costs).map((c) => c.detail)).toEqual(["sdxl 3.00 s on gpu-l40s"]);
  });

  it("turns invalid input (HTTP 422) into a PermanentNodeError carrying Replicate's detail", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: 422, detail: "input.aspect_ratio: aspect_ratio must be one of the following: ..." }]);
    const err = await provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentNodeError);
    expect((err as PermanentNodeError).code).toBe("REPLICATE_REQUEST_REJECTED");
    expect((err as Error).message).toBe(
      "Replicate rejected the request for flux-schnell (HTTP 422): input.aspect_ratio: aspect_ratio must be one of the following: ...",
    );
  });

  it("cancels the prediction on Replicate when the node is aborted", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "hang" }]);
    const controller = new AbortController();
    const cancelsBefore = fake.requests.filter((r) => r.path.endsWith("/cancel")).length;
    const running = provider(h.ctx({ signal: controller.signal })).generateImage({ prompt: "slow", aspectRatio: "1:1" });
    const outcome = running.catch((e: unknown) => e);
    // Abort once the prediction is being polled (it is running at Replicate).
    const polled = await until(() => fake.requests.find((r) => r.method === "GET" && r.path.startsWith("/v1/predictions/") && fake.prediction(r.path.split("/").pop()!)?.status === "processing"));
    const id = polled!.path.split("/").pop()!;
    controller.abort();
    const err = await outcome;
    expect((err as Error).name).toBe("AbortError");
    const cancel = await until(() => fake.requests.filter((r) => r.path.endsWith("/cancel"))[cancelsBefore]);
    expect(cancel!.path).toBe(`/v1/predictions/${id}/cancel`);
    expect(fake.prediction(id)?.status).toBe("canceled");
  });

  it("cancels a prediction whose create was in flight when the node was aborted", async () => {
    fake.script(REPLICATE_MODELS.sdxl.ref, [{ status: "hang" }]);
    const controller = new AbortController();
    const cancelsBefore = fake.requests.filter((r) => r.path.endsWith("/cancel")).length;
    // A slow network holds the create open for a second: abort while it is in flight.
    fake.holdCreates(1000);
    const running = provider(h.ctx({ signal: controller.signal })).generateImage({ prompt: "in flight", aspectRatio: "1:1", model: "sdxl" });
    const outcome = running.catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(((await outcome) as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(900); // the node stops at once, without waiting for the create
    fake.holdCreates(0);
    const cancels = await until(() => {
      const n = fake.requests.filter((r) => r.path.endsWith("/cancel")).length;
      return n > cancelsBefore ? n : undefined;
    });
    expect(cancels).toBe(cancelsBefore + 1);
  });

  it("resumes the prediction of an earlier attempt instead of paying for a second one", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "succeeded", durationMs: 400 }]);
    const path = "/v1/models/black-forest-labs/flux-schnell/predictions";
    const before = createsFor(path).length;
    const costs = h.costs.length;
    // Attempt 1: polls keep failing until our retries run out (the prediction goes on at Replicate).
    fake.failNext("GET", /^\/v1\/predictions\//, Array.from({ length: 6 }, () => ({ status: 503 })));
    const first = h.ctx();
    const req = { prompt: "resume me", aspectRatio: "1:1", seed: 9 };
    await expect(provider(first, { retry: { ...FAST_RETRY, maxRetries: 2 } }).generateImage(req)).rejects.toThrow(/HTTP 503/);
    // Attempt 2 of the same work (same idempotency key) picks it up.
    const second = h.ctx({ idempotencyKey: first.idempotencyKey, attempt: 2 });
    const { image } = await provider(second).generateImage(req);
    expect(image.kind).toBe("image");
    expect(createsFor(path).length - before).toBe(1);
    expect(costsSince(costs)).toEqual([{ usd: 0.003, detail: "flux-schnell x1 output" }]);
    expect(h.logs.some((l) => /resuming Replicate prediction/.test(l.message))).toBe(true);
  });

  it("replaces a checkpointed prediction that failed with a new one, and says so", async () => {
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "failed", error: "CUDA out of memory", durationMs: 50 }, { status: "succeeded", durationMs: 50 }]);
    const path = "/v1/models/black-forest-labs/flux-schnell/predictions";
    const before = createsFor(path).length;
    const first = h.ctx();
    const req = { prompt: "fail first", aspectRatio: "1:1", seed: 11 };
    await expect(provider(first).generateImage(req)).rejects.toThrow(/CUDA out of memory/);
    const failedId = Object.values((first.resumeState!.replicate as { predictions: Record<string, string> }).predictions)[0];
    const logs = h.logs.length;
    const second = h.ctx({ idempotencyKey: first.idempotencyKey, attempt: 2 });
    const { image } = await provider(second).generateImage(req);
    expect(image.kind).toBe("image");
    expect(createsFor(path).length - before).toBe(2);
    expect(h.logs.slice(logs).map((l) => l.message)).toContain(`Replicate prediction ${failedId} from an earlier attempt failed; creating a new one`);
  });

  it("replaces a checkpointed prediction whose output Replicate has already removed", async () => {
    const path = "/v1/models/black-forest-labs/flux-schnell/predictions";
    const before = createsFor(path).length;
    const first = h.ctx();
    const req = { prompt: "expire me", aspectRatio: "1:1", seed: 12 };
    const done = await provider(first).generateImage(req);
    const id = done.image.meta.predictionId as string;
    fake.expire(id);
    const logs = h.logs.length;
    const second = h.ctx({ idempotencyKey: first.idempotencyKey, attempt: 2 });
    const again = await provider(second).generateImage(req);
    expect(again.image.meta.predictionId).not.toBe(id);
    expect(createsFor(path).length - before).toBe(2);
    expect(h.logs.slice(logs).map((l) => l.message)).toContain(
      `Replicate prediction ${id} from an earlier attempt succeeded but its output has expired (Replicate keeps API outputs for an hour); creating a new one`,
    );
  });

  it("turns a clip into a stored MP4 with SVD, costed as predict_time x A100", async () => {
    const still = await h.storage.put(makePng(64, 36, 1), { mime: "image/png" });
    const costs = h.costs.length;
    const progress = h.progress.length;
    const { video, model } = await provider(h.ctx()).imageToVideo({ image: still, durationSec: 2, fps: 24, motion: 0.3 });
    expect(model).toBe("stable-video-diffusion");
    expect(video).toMatchObject({ kind: "video", mime: "video/mp4", meta: { width: 128, height: 72, videoCodec: "h264" } });
    expect(video.meta.durationSec).toBeCloseTo(2, 1);
    expect(costsSince(costs)[0]!.usd).toBeCloseTo(42 * 0.0014, 10);
    // Progress came from the model's tqdm logs while polling, ending at 1.
    const seen = h.progress.slice(progress);
    expect(seen.some((p) => p > 0.05 && p < 0.85)).toBe(true);
    expect(seen.at(-1)).toBe(1);
  });

  it("synthesizes Danish speech with MiniMax, priced per input character", async () => {
    const costs = h.costs.length;
    const text = "Nye sko til foråret. Kun i dag.";
    const { audio } = await provider(h.ctx()).synthesizeSpeech({ text, language: "da", voice: "female", model: "minimax-speech-02-turbo" });
    expect(audio).toMatchObject({ kind: "audio", mime: "audio/wav" });
    expect(audio.meta.durationSec).toBeCloseTo(1.5, 1);
    expect(costsSince(costs)).toEqual([{ usd: (text.length / 1000) * 0.03, detail: `minimax-speech-02-turbo ${text.length} characters` }]);
  });

  it("refuses a language the speech model does not speak before calling Replicate", async () => {
    const before = fake.requests.length;
    await expect(provider(h.ctx()).synthesizeSpeech({ text: "Hej", language: "sv", voice: "male" })).rejects.toThrow(
      'kokoro-82m does not speak "sv" (it speaks en); pick another speech model',
    );
    expect(fake.requests.length).toBe(before);
  });

  it("completes JSON with Llama 3, joining streamed tokens and billing reported token counts", async () => {
    const costs = h.costs.length;
    const { text, model } = await provider(h.ctx()).completeJson({ system: "Reply with JSON only.", prompt: "Sneaker ad", maxTokens: 200 });
    expect(model).toBe("llama-3-8b-instruct");
    expect(JSON.parse(text)).toEqual({ headline: "Fresh shoes", views: ["front", "side"] });
    const create = createsFor("/v1/models/meta/meta-llama-3-8b-instruct/predictions").slice(-1)[0]!;
    expect((create.body as { input: Record<string, unknown> }).input).toMatchObject({ prompt: "Sneaker ad", system_prompt: "Reply with JSON only.", max_tokens: 200 });
    expect(costsSince(costs)).toEqual([{ usd: (120 / 1e6) * 0.05 + (30 / 1e6) * 0.25, detail: "llama-3-8b-instruct 120 input + 30 output tokens" }]);
  });

  it("without a token fails permanently with a clear message", async () => {
    const bare = createReplicateProvider(h.ctx({ secrets: { get: () => undefined } }), { baseUrl: fake.baseUrl });
    const err = await bare.generateImage({ prompt: "p", aspectRatio: "1:1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentNodeError);
    expect((err as PermanentNodeError).code).toBe("REPLICATE_TOKEN_MISSING");
    expect((err as Error).message).toMatch(/set REPLICATE_API_TOKEN or use the local provider/);
  });

  it("refuses to send the token over plain http to another host", async () => {
    const err = await provider(h.ctx(), { baseUrl: "http://api.example.com/v1" }).generateImage({ prompt: "p", aspectRatio: "1:1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentNodeError);
    expect((err as Error).message).toMatch(/must use https/);
  });

  it("never lets the token into logs, errors, outputs or file downloads", async () => {
    const seen: unknown[] = [];
    const capture = async (p: Promise<unknown>) => seen.push(await p.catch((e: unknown) => e));
    // A rejected token, an invalid request, a failed prediction and a success, all with the same secret around.
    await capture(createReplicateProvider(h.ctx(), { baseUrl: fake.baseUrl, token: `${TOKEN}x` }).generateImage({ prompt: "p", aspectRatio: "1:1" }));
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: 400, detail: `echoing your header: Bearer ${TOKEN}` }]);
    await capture(provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1" }));
    fake.script(REPLICATE_MODELS["flux-schnell"].ref, [{ status: "failed", error: `model crashed, token was ${TOKEN}` }]);
    await capture(provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1" }));
    await capture(provider(h.ctx()).generateImage({ prompt: "p", aspectRatio: "1:1" }));

    expect((seen[0] as PermanentNodeError).code).toBe("REPLICATE_AUTH");
    expect((seen[1] as Error).message).toContain("[REDACTED]");
    expect((seen[2] as Error).message).toContain("token was [REDACTED]");
    const errors = seen.filter((s): s is Error => s instanceof Error);
    expect(errors).toHaveLength(3);
    const everything = JSON.stringify([
      h.logs,
      h.costs,
      seen.map((s) => (s instanceof Error ? { ...s, message: s.message, stack: s.stack } : s)),
    ]);
    expect(everything).not.toContain(TOKEN.slice(3));
    expect(fake.fileRequests.length).toBeGreaterThan(0);
    expect(fake.fileRequests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

async function until<T>(probe: () => T | undefined, timeoutMs = 5000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}
