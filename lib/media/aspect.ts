/** Aspect ratios ("16:9") and the pixel sizes they imply, shared by the image, video and composite code. */

export interface Aspect {
  w: number;
  h: number;
}

export const ASPECT_RE = /^(\d{1,2}):(\d{1,2})$/;

export function parseAspect(ratio: string): Aspect {
  const m = ASPECT_RE.exec(ratio.trim());
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) throw new Error(`not an aspect ratio like "16:9": ${JSON.stringify(ratio)}`);
  return { w: Number(m[1]), h: Number(m[2]) };
}

/** About `megapixels` of area in the given ratio, each side a multiple of `multiple` (image models like 64). */
export function imageSizeFor(ratio: string, megapixels = 1, multiple = 64): { width: number; height: number } {
  const { w, h } = parseAspect(ratio);
  const area = megapixels * 1024 * 1024;
  const width = Math.max(multiple, Math.round(Math.sqrt((area * w) / h) / multiple) * multiple);
  const height = Math.max(multiple, Math.round(Math.sqrt((area * h) / w) / multiple) * multiple);
  return { width, height };
}

/** Video frame size with the given short side ("1080p" = 1080), both sides even as h264 needs. */
export function videoSizeFor(ratio: string, shortSide: number): { width: number; height: number } {
  const { w, h } = parseAspect(ratio);
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  if (w >= h) return { width: even((shortSide * w) / h), height: even(shortSide) };
  return { width: even(shortSide), height: even((shortSide * h) / w) };
}

export const RESOLUTIONS = { "360p": 360, "480p": 480, "720p": 720, "1080p": 1080, "2k": 1440, "4k": 2160 } as const;
export type Resolution = keyof typeof RESOLUTIONS;
