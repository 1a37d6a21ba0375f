/**
 * The one ffmpeg command that renders every aspect ratio of an ad at once: each clip is decoded
 * once, trimmed or looped to its slot, then split per output; per output it is scaled/cropped to
 * fill the frame, dipped through the brand background colour between clips (ffmpeg 4.1 has no
 * xfade), framed by intro and outro cards, overlaid with headline and disclaimer, and encoded.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { ffColor, filterValue } from "../../lib/media/ffmpeg.js";
import type { AdLayout, TextBlock } from "./text-layout.js";
import type { Timeline } from "./timeline.js";

export interface CompositeOutput {
  aspectRatio: string;
  width: number;
  height: number;
  file: string;
  layout: AdLayout;
}

export interface CompositeColors {
  primary: string;
  secondary: string;
  accent: string;
  background: string;
  text: string;
}

export interface CompositeGraphRequest {
  clips: { file: string; durationSec: number }[];
  timeline: Timeline;
  outputs: CompositeOutput[];
  colors: CompositeColors;
  headingFont: string;
  bodyFont: string;
  audioFile: string;
  /** Audio filter chain applied to the soundtrack (loudness normalisation). */
  audioFilter: string;
  logoFile?: string;
  transitionSec: number;
  fit: "cover" | "contain";
  /** When the headline shows, seconds from the start. */
  headlineWindow?: [number, number];
  codec: "h264" | "h265";
  preset: string;
  crf: number;
  /** Scratch folder for the text files drawtext reads. */
  dir: string;
}

let textFileCounter = 0;

/** drawtext filters for a block, one per line so each line is centred. */
async function drawBlock(
  block: TextBlock | undefined,
  dir: string,
  opts: { font: string; color: string; box?: string; boxPad?: number; enable?: string; alpha?: string },
): Promise<string[]> {
  if (!block) return [];
  const out: string[] = [];
  for (const [i, line] of block.lines.entries()) {
    // Text goes through a file: no escaping of user text inside the filter graph, no expansion.
    const file = path.join(dir, `text-${++textFileCounter}.txt`);
    await writeFile(file, line);
    const parts = [
      `fontfile=${filterValue(opts.font)}`,
      `textfile=${filterValue(file)}`,
      "expansion=none",
      `fontsize=${block.fontSize}`,
      `fontcolor=${opts.color}`,
      "x=(w-text_w)/2",
      `y=${block.y + i * block.lineHeight}`,
    ];
    if (opts.box) parts.push("box=1", `boxcolor=${opts.box}`, `boxborderw=${opts.boxPad ?? Math.round(block.fontSize * 0.3)}`);
    if (opts.enable) parts.push(`enable='${opts.enable}'`);
    if (opts.alpha) parts.push(`alpha='${opts.alpha}'`);
    out.push(`drawtext=${parts.join(":")}`);
  }
  return out;
}

const fadeAlpha = (a: number, b: number, d: number) =>
  `if(lt(t,${(a + d).toFixed(3)}),(t-${a.toFixed(3)})/${d},if(gt(t,${(b - d).toFixed(3)}),(${b.toFixed(3)}-t)/${d},1))`;

export async function buildCompositeArgs(req: CompositeGraphRequest): Promise<string[]> {
  const { timeline: tl, colors } = req;
  const fps = tl.fps;
  const sec = (frames: number) => (frames / fps).toFixed(4);
  const args: string[] = [];
  const graph: string[] = [];
  const A = req.outputs.length;
  const T = req.transitionSec;
  const bg = ffColor(colors.background);

  // Inputs: each clip once, looped when its slot is longer than the clip.
  tl.slots.forEach((slot) => {
    const clip = req.clips[slot.clip];
    const need = slot.frames / fps + 0.5;
    if (clip.durationSec < need) args.push("-stream_loop", "-1");
    args.push("-t", need.toFixed(3), "-i", clip.file);
  });
  const audioIdx = tl.slots.length;
  args.push("-i", req.audioFile);
  let logoIdx: number | undefined;
  if (req.logoFile) {
    logoIdx = audioIdx + 1;
    args.push("-i", req.logoFile);
  }

  tl.slots.forEach((slot, i) => {
    const split = A > 1 ? `,split=${A}${req.outputs.map((_, a) => `[c${i}o${a}]`).join("")}` : `[c${i}o0]`;
    graph.push(`[${i}:v]fps=${fps},trim=end_frame=${slot.frames},setpts=PTS-STARTPTS,setsar=1${split}`);
  });
  graph.push(`[${audioIdx}:a]${req.audioFilter}${A > 1 ? `,asplit=${A}${req.outputs.map((_, a) => `[aud${a}]`).join("")}` : "[aud0]"}`);
  if (logoIdx !== undefined) {
    graph.push(`[${logoIdx}:v]format=rgba${A > 1 ? `,split=${A}${req.outputs.map((_, a) => `[logo${a}]`).join("")}` : "[logo0]"}`);
  }

  for (const [a, out] of req.outputs.entries()) {
    const { width: W, height: H, layout } = out;
    const size = `${W}x${H}`;
    const segments: string[] = [];

    if (tl.introFrames > 0) {
      const intro = [
        `color=c=${bg}:s=${size}:r=${fps}:d=${sec(tl.introFrames + 1)}`,
        `trim=end_frame=${tl.introFrames}`,
        ...(await drawBlock(layout.introTitle, req.dir, { font: req.headingFont, color: ffColor(colors.primary) })),
        ...(await drawBlock(layout.introSubtitle, req.dir, { font: req.bodyFont, color: ffColor(colors.primary, 0.85) })),
        `fade=t=in:st=0:d=${Math.min(0.5, tl.introFrames / fps / 2).toFixed(3)}`,
        "setsar=1",
      ];
      graph.push(`${intro.join(",")}[intro${a}]`);
      segments.push(`[intro${a}]`);
    }

    tl.slots.forEach((slot, i) => {
      const d = slot.frames / fps;
      const t = Math.min(T, d / 3);
      const fades = t > 0 ? `,fade=t=in:st=0:d=${t.toFixed(3)}:color=${bg},fade=t=out:st=${(d - t).toFixed(4)}:d=${t.toFixed(3)}:color=${bg}` : "";
      const frame =
        req.fit === "cover"
          ? `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H}`
          : `scale=${W}:${H}:force_original_aspect_ratio=decrease,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=${bg}`;
      graph.push(`[c${i}o${a}]${frame},setsar=1${fades}[v${i}o${a}]`);
      segments.push(`[v${i}o${a}]`);
    });

    if (tl.outroFrames > 0) {
      const outro = [
        `color=c=${ffColor(colors.primary)}:s=${size}:r=${fps}:d=${sec(tl.outroFrames + 1)}`,
        `trim=end_frame=${tl.outroFrames}`,
        "format=yuv420p",
        ...(await drawBlock(layout.cta, req.dir, { font: req.headingFont, color: ffColor(colors.accent) })),
        ...(await drawBlock(layout.outroBrand, req.dir, { font: req.bodyFont, color: ffColor(colors.text) })),
      ];
      let label = `outro${a}`;
      graph.push(`${outro.join(",")}[${label}pre]`);
      if (logoIdx !== undefined) {
        graph.push(`[logo${a}]scale=${layout.logoWidth}:-1[logo${a}s]`);
        graph.push(`[${label}pre][logo${a}s]overlay=x=(W-w)/2:y=${layout.logoY}:eof_action=repeat:format=auto[${label}logo]`);
        label = `${label}logo`;
      } else {
        label = `${label}pre`;
      }
      graph.push(`[${label}]fade=t=in:st=0:d=${Math.min(0.4, tl.outroFrames / fps / 3).toFixed(3)}:color=${bg},setsar=1[outro${a}]`);
      segments.push(`[outro${a}]`);
    }

    const overlays: string[] = [];
    const endSec = tl.totalFrames / fps;
    const mainStart = tl.introFrames / fps;
    const mainEnd = (tl.introFrames + tl.mainFrames) / fps;
    const [h0, h1] = req.headlineWindow ?? [mainStart + 0.3, Math.min(mainEnd - 0.2, mainStart + Math.max(3, (mainEnd - mainStart) * 0.6))];
    overlays.push(
      ...(await drawBlock(layout.headline, req.dir, {
        font: req.headingFont,
        color: ffColor(colors.text),
        box: ffColor(colors.primary, 0.88),
        enable: `between(t,${h0.toFixed(3)},${h1.toFixed(3)})`,
        alpha: fadeAlpha(h0, h1, 0.3),
      })),
      ...(await drawBlock(layout.disclaimer, req.dir, {
        font: req.bodyFont,
        color: ffColor(colors.text, 0.95),
        box: ffColor("#000000", 0.35),
        enable: `between(t,${mainStart.toFixed(3)},${endSec.toFixed(3)})`,
      })),
    );
    const concat = `${segments.join("")}concat=n=${segments.length}:v=1:a=0`;
    graph.push(`${concat}${overlays.length ? `,${overlays.join(",")}` : ""},format=yuv420p[out${a}]`);
  }

  args.push("-filter_complex", graph.join(";"));
  for (const [a, out] of req.outputs.entries()) {
    const video =
      req.codec === "h265"
        ? ["-c:v", "libx265", "-tag:v", "hvc1", "-x265-params", "log-level=error"]
        : ["-c:v", "libx264", "-profile:v", "high"];
    args.push(
      "-map", `[out${a}]`, "-map", `[aud${a}]`,
      ...video, "-preset", req.preset, "-crf", String(req.crf), "-pix_fmt", "yuv420p", "-r", String(fps),
      "-frames:v", String(tl.totalFrames),
      "-c:a", "aac", "-b:a", "192k", "-ar", "48000",
      "-movflags", "+faststart",
      out.file,
    );
  }
  return args;
}
