/**
 * qa.gate: a rendered ad -> passed on with a QA report, or routed to human review, or failed.
 * Every check is a named result with its measured value: technical specs (ffprobe) against the
 * channel's spec table, black frames/silence/loudness (one ffmpeg pass), brand colours and logo
 * (sampled frames), and the overlay texts against the product's name and price.
 */
import { z } from "zod";
import { probeMedia } from "../../lib/media/probe.js";
import { brandChecks } from "./brand-checks.js";
import { CHANNEL_IDS, CHANNEL_SPECS, type ChannelId } from "../shared/channel-specs.js";
import { collectTexts, contentChecks } from "./content.js";
import { extractFrames, sampleTimes } from "./frames.js";
import { flagsOf, routeFor, scoreChecks, type CheckResult, type QaReport } from "../shared/qa-report.js";
import { analyseSignal } from "./signal.js";
import { blackCheck, loudnessCheck, silenceCheck } from "./signal-checks.js";
import { technicalChecks } from "./technical.js";
import { defineNode, PermanentNodeError } from "../contract.js";

export const QaGateConfigSchema = z
  .object({
    channel: z
      .enum(["auto", ...CHANNEL_IDS])
      .default("instagram_reels")
      .describe("Target channel whose spec the video is checked against (the channel input overrides it); auto: the channel made for the video's shape (9:16 Reels, 1:1 Shorts, 16:9 connected TV)"),
    autoApproveAt: z.number().min(0).max(100).default(95).describe("Score at or above which the video passes without review (unless a high-severity check failed)"),
    failBelow: z.number().min(0).max(100).default(50).describe("Score below which the video fails; between the two it goes to human review"),
    expectedDurationSec: z.number().positive().optional().describe("The length the ad was made for; default: only the channel's limits"),
    durationToleranceSec: z.number().min(0).default(0.5).describe("Allowed difference from the expected duration and channel limits"),
    blackMaxSec: z.number().min(0).default(0.5).describe("Longest black stretch tolerated, seconds"),
    silenceMaxSec: z.number().min(0).default(2).describe("Longest silence tolerated when the channel expects sound, seconds"),
    brandColorTolerance: z.number().min(1).max(100).default(20).describe("How far (CIE ΔE) a colour may be from a brand colour and still count as on-brand"),
    minBrandCoverage: z.number().min(0).max(1).default(0.1).describe("Share of the sampled picture that must be in brand colours"),
    logoThreshold: z.number().min(0).max(1).default(0.7).describe("Correlation needed to count the logo as present"),
    sampleFrames: z.number().int().min(2).max(30).default(6).describe("Frames sampled for the colour and logo checks"),
    skip: z.array(z.string()).default([]).describe("Check ids to leave out (e.g. loudness, logo)"),
  })
  .refine((c) => c.failBelow <= c.autoApproveAt, { message: "failBelow must not be above autoApproveAt", path: ["failBelow"] });
export type QaGateConfig = z.output<typeof QaGateConfigSchema>;

/** A channel id on the channel input; empty means "use the config's". */
const ChannelInputSchema = z
  .string()
  .superRefine((v, ctx) => {
    if (v !== "" && !(CHANNEL_IDS as readonly string[]).includes(v)) {
      ctx.addIssue({ code: "custom", message: `unknown channel ${JSON.stringify(v)}; use one of ${CHANNEL_IDS.join(", ")}`, input: v });
    }
  })
  .transform((v) => (v === "" ? undefined : (v as ChannelId)));

export const qaGate = defineNode({
  type: "qa.gate",
  version: 1,
  title: "QA gate",
  category: "Control",
  description: "Scores a video against the channel's specs, brand and product data; passes it, routes it to review or fails it.",
  inputs: [
    { name: "video", type: "video" },
    { name: "product", type: "product", required: false, description: "Checked against the overlay texts (name, price)" },
    { name: "brand", type: "brand", required: false, description: "Palette and logo checked in sampled frames" },
    { name: "texts", type: "json", required: false, description: "The overlay texts the composite rendered ({headline, cta, disclaimer...})" },
    { name: "channel", type: "text", required: false, schema: ChannelInputSchema, description: "Target channel id (overrides the config)" },
  ],
  outputs: [
    { name: "video", type: "video", description: "The video, when it passed or goes to review" },
    { name: "report", type: "json", description: "Score, route and every check with its measured value" },
  ],
  config: QaGateConfigSchema,
  secrets: [],
  // Local probes and frame analysis with ffmpeg.
  timeoutMs: 15 * 60_000,
  estimate: () => ({ usd: 0, seconds: 4 }),
  async run(inputs, config, ctx) {
    const { video, product, brand } = inputs;
    const channel = inputs.channel ?? (config.channel === "auto" ? channelForShape(video.meta.width, video.meta.height) : config.channel);
    const spec = CHANNEL_SPECS[channel];
    const file = ctx.storage.path(video.hash);
    const skip = new Set(config.skip);

    const probe = await probeMedia(file);
    const durationSec = probe.durationSec ?? 0;
    ctx.progress(0.1);
    const checks: CheckResult[] = technicalChecks(probe, spec, {
      expectedDurationSec: config.expectedDurationSec,
      durationToleranceSec: config.durationToleranceSec,
      aspectTolerance: 0.01,
    });
    if (probe.hasVideo) {
      const signal = await analyseSignal(file, {
        hasAudio: probe.hasAudio,
        durationSec,
        blackMinSec: 0.1,
        blackPixelThreshold: 0.1,
        silenceNoiseDb: -50,
        silenceMinSec: 0.5,
        signal: ctx.signal,
      });
      ctx.progress(0.5);
      const so = { durationSec, hasAudio: probe.hasAudio, blackMaxSec: config.blackMaxSec, silenceMaxSec: config.silenceMaxSec };
      checks.push(blackCheck(signal, so), silenceCheck(signal, spec, so), loudnessCheck(signal, spec, so));

      const frames = brand
        ? await extractFrames(file, { times: sampleTimes(durationSec, config.sampleFrames), fps: probe.fps ?? 30, width: 160, dir: await ctx.storage.tempDir(), signal: ctx.signal })
        : [];
      ctx.progress(0.7);
      checks.push(
        ...(await brandChecks(brand, frames, {
          toleranceDeltaE: config.brandColorTolerance,
          minCoverage: config.minBrandCoverage,
          logoThreshold: config.logoThreshold,
          logoFile: brand?.logo && !skip.has("logo") ? ctx.storage.path(brand.logo.hash) : undefined,
        })),
      );
    }
    const texts = textsOf(inputs.texts, video.meta);
    checks.push(...contentChecks(texts, product));

    const counted = checks.map((c) => (skip.has(c.id) ? { ...c, status: "skipped" as const, message: `skipped by config (${c.message})` } : c));
    const score = scoreChecks(counted);
    const thresholds = { autoApproveAt: config.autoApproveAt, failBelow: config.failBelow };
    const { route, reason } = routeFor(score, counted, thresholds);
    const report: QaReport = {
      channel,
      score,
      route,
      reason,
      thresholds,
      checks: counted,
      flags: flagsOf(counted),
      media: { hash: video.hash, width: probe.width, height: probe.height, durationSec: probe.durationSec },
    };
    ctx.progress(1);
    ctx.log(`QA ${spec.label}: score ${score} -> ${route}${report.flags.length ? ` (${report.flags.map((f) => f.id).join(", ")})` : ""}`);
    if (route === "fail") {
      throw new PermanentNodeError(
        `QA failed for ${spec.label}: ${reason}; ${report.flags.map((f) => f.message).join("; ")}`,
        "QA_FAILED",
        { report },
      );
    }
    return { video, report };
  },
});

/**
 * For `channel: auto`: the channel whose preferred shape is the video's, so one QA node can check a
 * composite's 9:16, 1:1 and 16:9 outputs each against the right spec.
 */
export function channelForShape(width: number | undefined, height: number | undefined): ChannelId {
  if (!width || !height) return "instagram_reels";
  const ratio = width / height;
  if (ratio > 1.2) return "ctv";
  if (ratio > 0.85) return "youtube_shorts";
  return "instagram_reels";
}

/** Texts from the texts input, else from the video's metadata (the composite records what it drew). */
function textsOf(input: unknown, meta: Record<string, unknown>): string[] | undefined {
  const source = input ?? meta.texts ?? meta.overlayTexts;
  if (source == null) return undefined;
  return collectTexts(source);
}
