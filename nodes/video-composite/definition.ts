/**
 * video.composite: clips + voice-over + music + brand + texts -> one finished ad per aspect ratio.
 * Clips are trimmed/looped to fit the duration, joined with dips through the brand colour, framed by
 * intro and outro cards, overlaid with headline/CTA/disclaimer in the brand's colours and font; the
 * voice-over is mixed over a ducked music bed and normalised to the loudness target (EBU R128).
 */
import path from "node:path";
import { z } from "zod";
import { AdTextsSchema, type AdTexts, type Brand } from "../../schemas/content.js";
import type { MediaRef } from "../../schemas/index.js";
import { BrandColorsSchema } from "../../schemas/content.js";
import { renderAdAudio } from "./audio.js";
import { layoutAd } from "./text-layout.js";
import { planTimeline } from "./timeline.js";
import { buildCompositeArgs, type CompositeOutput } from "./video-graph.js";
import { RESOLUTIONS, videoSizeFor } from "../../lib/media/aspect.js";
import { FfmpegError, runFfmpeg } from "../../lib/media/ffmpeg.js";
import { resolveFont } from "../../lib/media/fonts.js";
import { MUSIC_BED_RENDERER } from "../../lib/media/music-bed.js";
import { probeMedia } from "../../lib/media/probe.js";
import { consistencySeed } from "../../lib/seed.js";
import { defineNode, PermanentNodeError } from "../contract.js";

export const COMPOSITE_RENDERER = "local-composite/1 (ffmpeg)";
const QUALITY = { draft: { preset: "ultrafast", crf: 26 }, standard: { preset: "veryfast", crf: 21 }, high: { preset: "medium", crf: 18 } } as const;

export const VideoCompositeConfigSchema = z
  .strictObject({
    aspectRatios: z
      .array(z.enum(["9:16", "16:9", "1:1", "4:5"]))
      .min(1)
      .default(["9:16", "16:9", "1:1"])
      .refine((a) => new Set(a).size === a.length, { error: "each aspect ratio once" })
      .describe("One finished video per aspect ratio"),
    durationSec: z.number().min(3).max(120).default(15).describe("Length of each ad in seconds (15, 30 or 60 for most channels)"),
    resolution: z.enum(Object.keys(RESOLUTIONS) as [keyof typeof RESOLUTIONS, ...(keyof typeof RESOLUTIONS)[]]).default("1080p").describe("Short side of the frame: 1080p = 1080x1920 at 9:16"),
    fps: z.union([z.literal(24), z.literal(25), z.literal(30), z.literal(60)]).default(30).describe("Frames per second"),
    codec: z.enum(["h264", "h265"]).default("h264").describe("Video codec (audio is AAC)"),
    quality: z.enum(["draft", "standard", "high"]).default("standard").describe("Encoder effort: draft is fastest, high is smallest/sharpest"),
    introSec: z.number().min(0).max(5).default(1.5).describe("Intro card with the brand and product name; 0 for none"),
    outroSec: z.number().min(0).max(8).default(2.5).describe("Outro card with the call to action; 0 for none"),
    fit: z
      .enum(["cover", "contain"])
      .default("cover")
      .describe("cover: fill the frame, cropping the clip; contain: show the whole clip on the brand background"),
    transitionSec: z.number().min(0).max(1.5).default(0.4).describe("Dip through the brand background between clips"),
    headline: z.string().optional().describe("Headline text; default: from the texts input"),
    cta: z.string().optional().describe("Call to action on the outro card; default: from the texts input"),
    disclaimer: z.string().optional().describe("Small print along the bottom; default: from the texts input"),
    music: z
      .enum(["auto", "input", "synth", "none"])
      .default("auto")
      .describe("auto: the music input if connected, else a synthesised bed; synth: always the synthesised bed"),
    musicLevelDb: z.number().min(-40).max(0).default(-8).describe("Music level relative to the voice, in dB"),
    ducking: z.number().min(0).max(1).default(0.7).describe("How far the music dips under the voice, 0 (none) to 1"),
    loudnessLufs: z.number().min(-30).max(-8).default(-14).describe("Integrated loudness target (EBU R128), -14 LUFS for social platforms"),
    voiceStartSec: z.number().min(0).max(60).optional().describe("When the voice-over starts; default: halfway through the intro"),
  })
  .superRefine((c, ctx) => {
    if (c.introSec + c.outroSec + 1 > c.durationSec) {
      ctx.addIssue({ code: "custom", path: ["durationSec"], message: `intro (${c.introSec} s) + outro (${c.outroSec} s) leave no room for clips in ${c.durationSec} s` });
    }
  });
export type VideoCompositeConfig = z.output<typeof VideoCompositeConfigSchema>;

const DEFAULT_BRAND: Brand = {
  name: "",
  colors: BrandColorsSchema.parse({}),
  fonts: { heading: "DejaVu Sans", body: "DejaVu Sans" },
  tone: "",
};

export const videoComposite = defineNode({
  type: "video.composite",
  version: 1,
  title: "Composite ad",
  category: "Video",
  description: "Finished ads from clips, voice-over, music, brand and texts: one video per aspect ratio, loudness-normalised.",
  providers: ["local"],
  inputs: [
    { name: "clips", type: "video", list: true, description: "Clips in order; trimmed or looped to fit" },
    { name: "voiceover", type: "audio", required: false },
    { name: "music", type: "audio", required: false, description: "Music bed; without it a bed is synthesised (music: auto)" },
    { name: "brand", type: "brand", required: false },
    { name: "texts", type: "json", required: false, schema: AdTextsSchema, description: "{headline, cta, disclaimer, productName, brandName} from prompt.parse" },
    { name: "product", type: "product", required: false, description: "Names the product on the intro card" },
  ],
  outputs: [{ name: "videos", type: "video", list: true, description: "One video per aspect ratio, in the configured order" }],
  config: VideoCompositeConfigSchema,
  listSizeHint: (config) => config.aspectRatios.length,
  secrets: [],
  // A local ffmpeg render of every format: longer than any remote call on a busy 2-core worker.
  timeoutMs: 60 * 60_000,
  estimate: (config) => {
    // Encoding dominates: about 60 frames of 1080p per second per core pair at "standard".
    const pixels = config.aspectRatios.reduce((s, a) => {
      const { width, height } = videoSizeFor(a, RESOLUTIONS[config.resolution]);
      return s + width * height;
    }, 0);
    const effort = { draft: 0.4, standard: 1, high: 3 }[config.quality] * (config.codec === "h265" ? 4 : 1);
    return { usd: 0, seconds: 2 + (config.durationSec * config.fps * pixels * effort) / (60 * 1920 * 1080) };
  },
  async run(inputs, config, ctx) {
    // Skipped upstream items leave nulls; the rest play in order.
    const clips = inputs.clips.filter((c): c is MediaRef => c !== null);
    if (clips.length === 0) throw new PermanentNodeError("input clips: no clips to composite");
    const { voiceover: voice, music: musicInput, product } = inputs;
    const brand = inputs.brand ?? DEFAULT_BRAND;
    const texts: AdTexts = inputs.texts ?? AdTextsSchema.parse({});
    if (config.music === "input" && !musicInput) throw new PermanentNodeError('music is "input" but the music input is not connected');

    const timeline = (() => {
      try {
        return planTimeline({ durationSec: config.durationSec, fps: config.fps, introSec: config.introSec, outroSec: config.outroSec, clipCount: clips.length });
      } catch (err) {
        throw new PermanentNodeError((err as Error).message);
      }
    })();
    if (timeline.droppedClips) ctx.log(`${timeline.droppedClips} clip(s) left out: ${config.durationSec} s gives each clip at least 1 s`, "warn");

    const heading = resolveFont(brand.fonts.heading, "bold");
    const body = resolveFont(brand.fonts.body, "regular");
    for (const [name, f] of new Map([[brand.fonts.heading, heading], [brand.fonts.body, body]])) {
      if (f.substituted) ctx.log(`font "${name}" is not shipped: using ${f.family}`, "warn");
    }

    const dir = await ctx.storage.tempDir();
    // The slots take clips 0..n-1 in order, so graph input i is slot i's clip.
    const graphClips = await Promise.all(
      timeline.slots.map(async (s) => {
        const ref = clips[s.clip];
        const file = ctx.storage.path(ref.hash);
        const durationSec = ref.meta.durationSec ?? (await probeMedia(file)).durationSec ?? 0;
        return { file, durationSec };
      }),
    );

    // --- soundtrack
    const started = performance.now();
    const useMusic = config.music === "none" ? undefined : musicInput && config.music !== "synth" ? { file: ctx.storage.path(musicInput.hash) } : { synthSeed: consistencySeed(brand.name || "genjed") };
    const voiceFile = voice ? ctx.storage.path(voice.hash) : undefined;
    const audio = await renderAdAudio({
      durationSec: timeline.totalFrames / timeline.fps,
      voice: voiceFile ? { file: voiceFile, durationSec: voice!.meta.durationSec ?? (await probeMedia(voiceFile)).durationSec ?? 0 } : undefined,
      music: useMusic,
      voiceStartSec: config.voiceStartSec ?? config.introSec / 2,
      musicLevelDb: config.musicLevelDb,
      ducking: config.ducking,
      targetLufs: config.loudnessLufs,
      truePeakDb: -1.5,
      dir,
      signal: ctx.signal,
    });
    if (audio.voiceTempo > 1) ctx.log(`voice-over sped up ${audio.voiceTempo.toFixed(2)}x to fit${audio.voiceTrimmed ? ", and trimmed" : ""}`, "warn");
    if (audio.measuredLufs === undefined) ctx.log("the ad has no audible sound (no voice-over, music none): silent audio track", "warn");
    ctx.progress(0.1);
    const audioDone = performance.now();

    // --- picture
    const headline = config.headline ?? texts.headline;
    const cta = config.cta ?? texts.cta;
    const disclaimer = config.disclaimer ?? texts.disclaimer;
    const productName = texts.productName ?? product?.name ?? "";
    const brandName = texts.brandName ?? brand.name;
    const outputs: CompositeOutput[] = config.aspectRatios.map((aspectRatio) => {
      const { width, height } = videoSizeFor(aspectRatio, RESOLUTIONS[config.resolution]);
      return {
        aspectRatio,
        width,
        height,
        file: path.join(dir, `ad-${aspectRatio.replace(":", "x")}.mp4`),
        layout: layoutAd(width, height, { headline, disclaimer, cta, brandName, productName }),
      };
    });
    const args = await buildCompositeArgs({
      clips: graphClips,
      timeline,
      outputs,
      colors: brand.colors,
      headingFont: heading.file,
      bodyFont: body.file,
      audioFile: audio.file,
      audioFilter: audio.normaliseFilter,
      logoFile: brand.logo ? ctx.storage.path(brand.logo.hash) : undefined,
      transitionSec: config.transitionSec,
      fit: config.fit,
      codec: config.codec,
      preset: QUALITY[config.quality].preset,
      crf: QUALITY[config.quality].crf,
      dir,
    });
    try {
      await runFfmpeg(args, { signal: ctx.signal, totalSec: config.durationSec, onProgress: (f) => ctx.progress(0.1 + f * 0.85) });
    } catch (err) {
      if (err instanceof FfmpegError) ctx.log(`ffmpeg failed:\n${err.stderrTail}`, "error");
      throw err;
    }

    const renderDone = performance.now();
    const videos: MediaRef[] = [];
    for (const out of outputs) {
      videos.push(
        await ctx.storage.put(
          { path: out.file },
          {
            mime: "video/mp4",
            meta: {
              renderer: COMPOSITE_RENDERER,
              aspectRatio: out.aspectRatio,
              loudnessTargetLufs: config.loudnessLufs,
              // What was drawn, so the QA gate can check it against the product (name, price).
              texts: { headline, cta, disclaimer, productName, brandName },
              ...(audio.measuredLufs !== undefined ? { mixLoudnessLufs: audio.measuredLufs } : {}),
              ...(useMusic && "synthSeed" in useMusic ? { musicBed: MUSIC_BED_RENDERER } : {}),
            },
          },
        ),
      );
    }
    ctx.cost(0, "local ffmpeg composite");
    const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
    ctx.log(
      `${videos.length} ad(s) rendered: ${outputs.map((o) => `${o.aspectRatio} ${o.width}x${o.height}`).join(", ")} ` +
        `(soundtrack ${secs(started, audioDone)} s, picture ${secs(audioDone, renderDone)} s, storing ${secs(renderDone, performance.now())} s)`,
    );
    return { videos };
  },
});
