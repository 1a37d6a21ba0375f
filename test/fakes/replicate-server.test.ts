import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeReplicate, type FakeReplicate } from "./replicate-server.js";

const SDXL = "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b";
let fake: FakeReplicate;
let client: Replicate;

beforeAll(async () => {
  fake = await startFakeReplicate();
  fake.model("black-forest-labs/flux-schnell", { output: { kind: "image" }, predictTime: 1.2 });
  fake.model(SDXL, { output: { kind: "image", width: 32, height: 16 } });
  fake.model("minimax/video-01", { output: { kind: "video" }, durationMs: 300 });
  client = new Replicate({ auth: fake.token, baseUrl: fake.baseUrl, useFileOutput: false });
});
afterAll(() => fake.close());

describe("fake Replicate server with the real replicate client", () => {
  it("runs an official model through the model route with Prefer: wait and serves a real PNG", async () => {
    const p = await client.predictions.create({ model: "black-forest-labs/flux-schnell", input: { prompt: "x" }, wait: 5 });
    expect(p.status).toBe("succeeded");
    expect(p.metrics?.predict_time).toBe(1.2);
    const create = fake.requests.find((r) => r.path === "/v1/models/black-forest-labs/flux-schnell/predictions")!;
    expect(create.headers.prefer).toBe("wait=5");
    const png = Buffer.from(await (await fetch((p.output as string[])[0]!)).arrayBuffer());
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(64); // IHDR width
  });

  it("creates by version and moves starting -> processing -> succeeded while polled", async () => {
    const created = await client.predictions.create({ version: SDXL.split(":")[1]!, input: { prompt: "y" } });
    expect(created.status).toBe("starting");
    expect(created.model).toBe("stability-ai/sdxl");
    const done = await client.wait(created, { interval: 20 });
    expect(done.status).toBe("succeeded");
    expect(done.logs).toContain("100%|");
  });

  it("answers an unknown version with 422 and a wrong token with 401", async () => {
    await expect(client.predictions.create({ version: "f".repeat(64), input: {} })).rejects.toThrow(/422.*Invalid version/);
    const stranger = new Replicate({ auth: "r8_wrong", baseUrl: fake.baseUrl });
    await expect(stranger.predictions.get("whatever")).rejects.toThrow(/401/);
  });

  it("plays scripted steps: 429 with Retry-After, then a failed prediction with its error", async () => {
    fake.script("black-forest-labs/flux-schnell", [{ status: 429, retryAfter: 7 }, { status: "failed", error: "NSFW content detected" }]);
    const raw = await fetch(`${fake.baseUrl}/models/black-forest-labs/flux-schnell/predictions`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.token}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { prompt: "z" } }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get("retry-after")).toBe("7");
    const failed = await client.predictions.create({ model: "black-forest-labs/flux-schnell", input: { prompt: "z" }, wait: true });
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe("NSFW content detected");
  });

  it("cancels a hanging prediction", async () => {
    fake.script("minimax/video-01", [{ status: "hang" }]);
    const p = await client.predictions.create({ model: "minimax/video-01", input: { prompt: "p" } });
    const canceled = await client.predictions.cancel(p.id);
    expect(canceled.status).toBe("canceled");
    expect((await client.predictions.get(p.id)).status).toBe("canceled");
  });

  it("stores uploads from the Files API and injects HTTP faults", async () => {
    const file = await client.files.create(new Blob([Buffer.from("hello")], { type: "text/plain" }));
    expect(fake.uploads.get(file.id)?.bytes.toString()).toBe("hello");
    fake.failNext("GET", /^\/v1\/predictions\//, [{ status: 503 }]);
    const res = await fetch(`${fake.baseUrl}/predictions/abc`, { headers: { authorization: `Bearer ${fake.token}` } });
    expect(res.status).toBe(503);
  });
});
