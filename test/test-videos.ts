/**
 * Real rendered test videos for QA tests (only test files import this): a good 9:16 ad in brand
 * colours with a logo and a -14 LUFS tone, and broken variants (black, silent, 16:9, no logo).
 */
import path from "node:path";
import sharp from "sharp";
import { ffColor, runFfmpeg } from "../lib/media/ffmpeg.js";

export const TEST_BRAND_COLORS = { primary: "#1f3a5f", secondary: "#f2a541", accent: "#ffffff", background: "#f4f1ea", text: "#ffffff" };

/** A logo with a transparent background and some structure to match: ring, bar and square. */
export async function renderLogo(file: string): Promise<string> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240">
    <circle cx="120" cy="120" r="100" fill="none" stroke="${TEST_BRAND_COLORS.secondary}" stroke-width="28"/>
    <rect x="70" y="70" width="60" height="60" fill="${TEST_BRAND_COLORS.primary}"/>
    <rect x="140" y="100" width="30" height="80" fill="#c0392b"/>
  </svg>`;
  await sharp(Buffer.from(svg)).png().toFile(file);
  return file;
}

export interface TestVideoOptions {
  width?: number;
  height?: number;
  durationSec?: number;
  /** Overlay this logo file near the top of every frame. */
  logo?: string;
  black?: boolean;
  silent?: boolean;
  noAudio?: boolean;
}

export async function renderTestVideo(dir: string, name: string, o: TestVideoOptions = {}): Promise<string> {
  const w = o.width ?? 720;
  const h = o.height ?? 1280;
  const d = o.durationSec ?? 3;
  const out = path.join(dir, `${name}.mp4`);
  const bg = o.black ? "black" : ffColor(TEST_BRAND_COLORS.background);
  const args = ["-f", "lavfi", "-i", `color=c=${bg}:s=${w}x${h}:r=30:d=${d}`];
  let graph = o.black ? "[0:v]null[v0]" : `[0:v]drawbox=x='(iw-w)*t/${d}':y=ih*0.45:w=iw*0.4:h=ih*0.2:color=${ffColor(TEST_BRAND_COLORS.primary)}:t=fill[v0]`;
  let inputs = 1;
  if (o.logo) {
    args.push("-i", o.logo);
    graph += `;[${inputs}:v]scale=${Math.round(Math.min(w, h) * 0.28)}:-1[logo];[v0][logo]overlay=x=(W-w)/2:y=H*0.08[v1]`;
    inputs++;
  } else graph += ";[v0]null[v1]";
  const maps = ["-map", "[v1]"];
  if (!o.noAudio) {
    args.push("-f", "lavfi", "-i", o.silent ? `anullsrc=r=48000:cl=mono` : `sine=f=440:r=48000,volume=7.8dB`);
    maps.push("-map", `${inputs}:a`);
  }
  await runFfmpeg([
    ...args,
    "-filter_complex",
    graph,
    ...maps,
    "-t",
    String(d),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    ...(o.noAudio ? [] : ["-c:a", "aac"]),
    "-movflags",
    "+faststart",
    out,
  ]);
  return out;
}
