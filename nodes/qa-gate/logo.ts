/**
 * Is the brand logo in the video? Masked normalised cross-correlation of the logo (its opaque
 * pixels only, so a transparent background matches anything) against sampled frames, at several
 * sizes, on small grey images. NCC ignores brightness and contrast changes, so a logo drawn on any
 * background still scores near 1, while unrelated picture content stays well below.
 */
import sharp from "sharp";
import type { RawFrame } from "./frames.js";

export interface LogoMatch {
  found: boolean;
  /** Best correlation found (-1..1). */
  score: number;
  atSec?: number;
  /** Where, as fractions of the frame: x, y, width. */
  box?: { x: number; y: number; width: number };
}

interface Template {
  w: number;
  h: number;
  /** Zero-mean grey values over the mask; 0 outside it. */
  t: Float32Array;
  mask: Uint8Array;
  n: number;
  norm: number;
}

/** Logo widths tried, as fractions of the frame width. */
const SCALES = [0.12, 0.16, 0.2, 0.25, 0.3, 0.36, 0.44];
const ANALYSIS_WIDTH = 128;

export async function findLogo(logoFile: string, frames: RawFrame[], o: { threshold: number }): Promise<LogoMatch> {
  let best: LogoMatch = { found: false, score: -1 };
  for (const frame of frames) {
    const grey = await greyFrame(frame, ANALYSIS_WIDTH);
    for (const scale of SCALES) {
      const tpl = await template(logoFile, Math.max(8, Math.round(grey.w * scale)));
      if (!tpl || tpl.w >= grey.w || tpl.h >= grey.h) continue;
      const m = matchTemplate(grey, tpl);
      if (m.score > best.score) {
        best = {
          found: m.score >= o.threshold,
          score: Math.round(m.score * 1000) / 1000,
          atSec: Math.round(frame.atSec * 100) / 100,
          box: { x: round2(m.x / grey.w), y: round2(m.y / grey.h), width: round2(tpl.w / grey.w) },
        };
      }
    }
  }
  return best;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function greyFrame(frame: RawFrame, width: number): Promise<{ w: number; h: number; px: Float32Array }> {
  const { data, info } = await sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize({ width: Math.min(width, frame.width) })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const px = new Float32Array(info.width * info.height);
  for (let i = 0; i < px.length; i++) px[i] = data[i * info.channels];
  return { w: info.width, h: info.height, px };
}

const templates = new Map<string, Template | null>();

async function template(file: string, width: number): Promise<Template | null> {
  const key = `${file}@${width}`;
  if (templates.has(key)) return templates.get(key)!;
  const { data, info } = await sharp(file).ensureAlpha().resize({ width }).raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const grey = new Float32Array(w * h);
  const mask = new Uint8Array(w * h);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < w * h; i++) {
    const [r, g, b, a] = [data[i * 4], data[i * 4 + 1], data[i * 4 + 2], data[i * 4 + 3]];
    if (a < 128) continue;
    mask[i] = 1;
    grey[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    n++;
    sum += grey[i];
  }
  let norm = 0;
  const mean = n ? sum / n : 0;
  for (let i = 0; i < w * h; i++) {
    if (!mask[i]) continue;
    grey[i] -= mean;
    norm += grey[i] * grey[i];
  }
  // A flat logo (one colour) has nothing to correlate with.
  const t = n > 16 && norm > 1e-3 ? { w, h, t: grey, mask, n, norm: Math.sqrt(norm) } : null;
  if (templates.size > 200) templates.clear();
  templates.set(key, t);
  return t;
}

/** Best masked NCC over all positions: a coarse pass (stride 2) then a refinement around the best. */
function matchTemplate(img: { w: number; h: number; px: Float32Array }, tpl: Template): { score: number; x: number; y: number } {
  const at = (x: number, y: number) => {
    let sf = 0;
    let sff = 0;
    let stf = 0;
    for (let ty = 0; ty < tpl.h; ty++) {
      const row = (y + ty) * img.w + x;
      const trow = ty * tpl.w;
      for (let tx = 0; tx < tpl.w; tx++) {
        if (!tpl.mask[trow + tx]) continue;
        const f = img.px[row + tx];
        sf += f;
        sff += f * f;
        stf += tpl.t[trow + tx] * f;
      }
    }
    const variance = sff - (sf * sf) / tpl.n;
    if (variance <= 1e-6) return 0;
    return stf / (tpl.norm * Math.sqrt(variance));
  };
  let best = { score: -1, x: 0, y: 0 };
  for (let y = 0; y + tpl.h <= img.h; y += 2) {
    for (let x = 0; x + tpl.w <= img.w; x += 2) {
      const s = at(x, y);
      if (s > best.score) best = { score: s, x, y };
    }
  }
  const coarse = best;
  for (let y = Math.max(0, coarse.y - 1); y <= Math.min(img.h - tpl.h, coarse.y + 1); y++) {
    for (let x = Math.max(0, coarse.x - 1); x <= Math.min(img.w - tpl.w, coarse.x + 1); x++) {
      const s = at(x, y);
      if (s > best.score) best = { score: s, x, y };
    }
  }
  return best;
}
