import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaRef } from "../../schemas/index.js";
import { BrandSchema, type Brand, type Product } from "../../schemas/content.js";
import { channelForShape, qaGate } from "./definition.js";
import { findPrices } from "./content.js";
import type { QaReport } from "../shared/qa-report.js";
import { renderLogo, renderTestVideo, TEST_BRAND_COLORS } from "../../test/test-videos.js";
import { createNodeTestHarness, type NodeTestHarness } from "../../test/node-context.js";
import { PermanentNodeError } from "../contract.js";

let h: NodeTestHarness;
const videos: Record<string, MediaRef> = {};
let brand: Brand;

const product: Product = {
  id: "lamp-1",
  name: "Aurora Desk Lamp",
  description: "A warm desk lamp",
  price: 49.99,
  currency: "USD",
  category: "lighting",
  images: [],
  attributes: {},
};
const texts = { headline: "Aurora Desk Lamp now $49.99", cta: "Shop now at Nordlys", disclaimer: "Price incl. VAT. While stocks last." };

beforeAll(async () => {
  h = await createNodeTestHarness();
  const dir = await h.storage.tempDir();
  const logoFile = await renderLogo(path.join(dir, "logo.png"));
  const logo = await h.storage.put({ path: logoFile }, { mime: "image/png" });
  brand = BrandSchema.parse({ name: "Nordlys", colors: TEST_BRAND_COLORS, fonts: { heading: "DejaVu Sans", body: "DejaVu Sans" }, tone: "warm", logo });
  const render = async (name: string, o: Parameters<typeof renderTestVideo>[2]) => {
    videos[name] = await h.storage.put({ path: await renderTestVideo(dir, name, o) }, { mime: "video/mp4" });
  };
  // Sequential: two shared cores.
  await render("good", { logo: logoFile });
  await render("black", { black: true, silent: true });
  await render("silent", { logo: logoFile, silent: true });
  await render("wide", { width: 1280, height: 720, logo: logoFile });
  await render("nologo", {});
}, 120_000);
afterAll(() => h?.close());

const runQa = async (video: string, config: Record<string, unknown> = {}, inputs: Record<string, unknown> = {}) =>
  (await h.run(qaGate, { video: videos[video], product, brand, texts, ...inputs }, config)) as { video: MediaRef; report: QaReport };
const check = (r: QaReport, id: string) => r.checks.find((c) => c.id === id)!;

describe("qa.gate", () => {
  it("passes a good render with every check measured", async () => {
    const { video, report } = await runQa("good");
    expect(video.hash).toBe(videos.good.hash);
    expect(report.flags).toEqual([]);
    expect(report).toMatchObject({ channel: "instagram_reels", score: 100, route: "pass" });
    expect(check(report, "aspect_ratio").measured).toMatchObject({ aspectRatio: "9:16", width: 720, height: 1280 });
    expect(check(report, "duration").measured).toMatchObject({ durationSec: expect.closeTo(3, 1) });
    expect(check(report, "loudness").measured).toMatchObject({ integratedLufs: expect.closeTo(-14, 0) });
    expect(check(report, "brand_colors")).toMatchObject({ status: "pass" });
    expect((check(report, "brand_colors").measured as { brandCoverage: number }).brandCoverage).toBeGreaterThan(0.5);
    expect(check(report, "logo")).toMatchObject({ status: "pass" });
    expect((check(report, "logo").measured as { score: number }).score).toBeGreaterThan(0.85);
    expect(check(report, "price")).toMatchObject({ status: "pass", measured: { prices: ["49.99"] } });
    expect(check(report, "product_name")).toMatchObject({ status: "pass" });
  });

  it("flags a 16:9 render sent to Reels with the measured aspect ratio", async () => {
    const { report } = await runQa("wide");
    expect(check(report, "aspect_ratio")).toMatchObject({
      status: "fail",
      severity: "high",
      measured: { aspectRatio: "16:9", ratio: 1.7778, width: 1280, height: 720 },
      expected: ["9:16"],
    });
    expect(check(report, "aspect_ratio").message).toMatch(/16:9 \(1280x720, ratio 1\.778\) is not accepted by Instagram Reels/);
    expect(report.flags.map((f) => f.id)).toEqual(["aspect_ratio"]);
    expect(report).toMatchObject({ score: 60, route: "review" });
    // The same video suits connected TV's aspect ratio (but not its 1080p floor).
    const ctv = await runQa("wide", { channel: "ctv", failBelow: 0 });
    expect(check(ctv.report, "aspect_ratio").status).toBe("pass");
    expect(check(ctv.report, "resolution")).toMatchObject({ status: "fail", measured: { shortSide: 720 } });
  });

  it("with channel auto, checks each shape against the channel made for it", async () => {
    const tall = await runQa("good", { channel: "auto" });
    expect(tall.report).toMatchObject({ channel: "instagram_reels", route: "pass" });
    const wide = await runQa("wide", { channel: "auto", failBelow: 0 });
    expect(wide.report.channel).toBe("ctv");
    expect(check(wide.report, "aspect_ratio").status).toBe("pass");
    expect(channelForShape(1080, 1080)).toBe("youtube_shorts");
  });

  it("flags a black and silent video, and a silent one", async () => {
    await expect(runQa("black")).rejects.toMatchObject({ code: "QA_FAILED" });
    const err = await runQa("black").catch((e: PermanentNodeError) => e);
    const report = (err as PermanentNodeError).details as { report: QaReport };
    expect(check(report.report, "black_frames")).toMatchObject({ status: "fail", severity: "high", measured: { share: expect.closeTo(1, 1) } });
    expect(check(report.report, "silence")).toMatchObject({ status: "fail", measured: { share: expect.closeTo(1, 1) } });
    expect(report.report.route).toBe("fail");

    const silent = await runQa("silent");
    expect(check(silent.report, "silence")).toMatchObject({ status: "fail", severity: "medium" });
    expect(check(silent.report, "silence").message).toMatch(/silent/);
    expect(check(silent.report, "black_frames").status).toBe("pass");
    expect(silent.report.route).toBe("review");
  });

  it("flags a wrong price in the overlay and a missing product name", async () => {
    const { report } = await runQa("good", {}, { texts: { ...texts, headline: "Aurora Desk Lamp now $39.99" } });
    expect(check(report, "price")).toMatchObject({ status: "fail", severity: "high", measured: { prices: ["39.99"] }, expected: { price: 49.99 } });
    expect(check(report, "price").message).toContain("shows 39.99 but Aurora Desk Lamp costs 49.99 USD");
    expect(report.route).toBe("review");

    const unnamed = await runQa("good", {}, { texts: { headline: "Now only $49.99", cta: "Shop now" } });
    expect(check(unnamed.report, "product_name")).toMatchObject({ status: "fail", severity: "medium" });
    expect(check(unnamed.report, "price").status).toBe("pass");
  });

  it("reads prices the way every overlay language writes them", () => {
    expect(findPrices("Aurora now 1.299,00 kr.")[0].values).toContain(1299);
    expect(findPrices("DKK 1,299.00 only")[0].values).toContain(1299);
    expect(findPrices("Nur 49,99 €")[0].values).toContain(49.99);
    expect(findPrices("50% off, 2 for 1, model 3000")).toEqual([]);
  });

  it("flags a missing logo", async () => {
    const { report } = await runQa("nologo");
    expect(check(report, "logo")).toMatchObject({ status: "fail", severity: "medium" });
    expect((check(report, "logo").measured as { score: number }).score).toBeLessThan(0.7);
  });

  it("routes by the node's thresholds: pass, review or fail", async () => {
    // wide: one high flag, score 60.
    expect((await runQa("wide")).report.route).toBe("review");
    const failed = await runQa("wide", { failBelow: 70, autoApproveAt: 90 }).catch((e) => e);
    expect(failed).toBeInstanceOf(PermanentNodeError);
    expect(failed.message).toMatch(/QA failed for Instagram Reels: score 60 is below the fail threshold 70/);
    // A high flag never auto-approves, whatever the threshold.
    const lenient = await runQa("wide", { autoApproveAt: 50, failBelow: 10 });
    expect(lenient.report).toMatchObject({ route: "review", reason: expect.stringMatching(/high-severity/) });
    // nologo: one medium flag, score 85: passes at 80, reviewed at the default 95.
    expect((await runQa("nologo", { autoApproveAt: 80 })).report).toMatchObject({ score: 85, route: "pass" });
    expect((await runQa("nologo")).report).toMatchObject({ score: 85, route: "review" });
    // Config validation names the field.
    expect(qaGate.config.safeParse({ failBelow: 90, autoApproveAt: 80 }).error?.issues[0].path).toEqual(["failBelow"]);
  });
});
