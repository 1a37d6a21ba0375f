import { runFfmpeg } from "./ffmpeg.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/** One decoded frame as raw RGB (for comparing what was drawn where). */
export async function grabFrame(file: string, atSec: number, width: number, height: number): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "genjed-frame-"));
  try {
    const out = path.join(dir, "frame.rgb");
    await runFfmpeg(["-ss", atSec.toFixed(3), "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", out]);
    const buf = await readFile(out);
    if (buf.length !== width * height * 3) throw new Error(`frame of ${file} is ${buf.length} bytes, expected ${width}x${height} RGB`);
    return buf;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Mean absolute difference (0..255) of two RGB frames inside a rectangle given as fractions of the frame. */
export function regionDifference(a: Buffer, b: Buffer, width: number, height: number, r: { x0: number; y0: number; x1: number; y1: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(r.y0 * height); y < Math.floor(r.y1 * height); y++) {
    for (let x = Math.floor(r.x0 * width); x < Math.floor(r.x1 * width); x++) {
      const i = (y * width + x) * 3;
      sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
      n += 3;
    }
  }
  return n ? sum / n : 0;
}
