/**
 * Sampled frames for the picture checks (brand colours, logo): one ffmpeg decode picks frames at
 * chosen times by frame number, scaled down (the checks look at colour and layout, not detail).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { runFfmpeg } from "../../lib/media/ffmpeg.js";

export interface RawFrame {
  atSec: number;
  width: number;
  height: number;
  /** RGB, 3 bytes per pixel, row-major. */
  rgb: Buffer;
}

/**
 * Times worth looking at: just after the start and just before the end (where intro and outro
 * cards carry the logo and brand colours) and evenly in between.
 */
export function sampleTimes(durationSec: number, count: number): number[] {
  if (durationSec <= 0) return [0];
  const edge = Math.min(0.6, durationSec / 4);
  if (count <= 1) return [durationSec / 2];
  const first = edge;
  const last = Math.max(first, durationSec - edge);
  return Array.from({ length: count }, (_, i) => first + ((last - first) * i) / (count - 1));
}

export async function extractFrames(file: string, o: { times: number[]; fps: number; width: number; dir: string; signal?: AbortSignal }): Promise<RawFrame[]> {
  const numbers = [...new Set(o.times.map((t) => Math.max(0, Math.round(t * o.fps))))];
  const select = numbers.map((n) => `eq(n\\,${n})`).join("+");
  await runFfmpeg(["-i", file, "-map", "0:v:0", "-vf", `select=${select},scale=${o.width}:-2`, "-vsync", "0", path.join(o.dir, "frame_%03d.png")], {
    signal: o.signal,
  });
  const files = (await readdir(o.dir)).filter((f) => /^frame_\d+\.png$/.test(f)).sort();
  return Promise.all(
    files.map(async (f, i) => {
      const { data, info } = await sharp(await readFile(path.join(o.dir, f))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      return { atSec: (numbers[i] ?? 0) / o.fps, width: info.width, height: info.height, rgb: data };
    }),
  );
}
