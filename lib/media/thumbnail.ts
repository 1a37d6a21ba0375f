import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { runFfmpeg } from "./ffmpeg.js";

export const THUMBNAIL_WIDTH = 320;

/** A small JPEG preview of an image file (the editor shows it on the node and in run history). */
export async function imageThumbnail(file: string): Promise<Buffer> {
  return sharp(file).rotate().resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).jpeg({ quality: 78 }).toBuffer();
}

/** A JPEG preview of a video: a frame a little way in (the first frame is often a fade from black). */
export async function videoThumbnail(file: string, durationSec?: number): Promise<Buffer> {
  const at = durationSec ? Math.min(1, durationSec / 2) : 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), "genjed-thumb-"));
  try {
    const out = path.join(dir, "frame.png");
    await runFfmpeg(["-ss", at.toFixed(3), "-i", file, "-frames:v", "1", "-vf", `scale=${THUMBNAIL_WIDTH}:-2`, out]);
    return await sharp(await readFile(out)).jpeg({ quality: 78 }).toBuffer();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
