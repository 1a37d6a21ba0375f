/**
 * Where and how big the overlay texts go for one output size: sizes scale with the short side,
 * lines are wrapped to the frame width (narrow 9:16 frames get more, shorter lines).
 */
import { AVERAGE_CHAR_WIDTH_EM, wrapText } from "../../lib/media/fonts.js";

export interface TextBlock {
  lines: string[];
  fontSize: number;
  /** y of the first line's top. */
  y: number;
  lineHeight: number;
}

export function layoutBlock(text: string, opts: { width: number; fontSize: number; maxWidthFrac: number; y: number; anchor?: "top" | "bottom" | "center"; maxLines?: number }): TextBlock | undefined {
  const clean = text.trim();
  if (!clean) return undefined;
  let fontSize = Math.round(opts.fontSize);
  let lines: string[] = [];
  // Shrink until the text fits in maxLines (long headlines on narrow frames).
  for (let i = 0; i < 6; i++) {
    const maxChars = Math.max(8, Math.floor((opts.width * opts.maxWidthFrac) / (fontSize * AVERAGE_CHAR_WIDTH_EM)));
    lines = wrapText(clean, maxChars);
    if (lines.length <= (opts.maxLines ?? 3)) break;
    fontSize = Math.round(fontSize * 0.85);
  }
  const lineHeight = Math.round(fontSize * 1.3);
  const blockH = lineHeight * lines.length;
  const y = opts.anchor === "bottom" ? opts.y - blockH : opts.anchor === "center" ? opts.y - blockH / 2 : opts.y;
  return { lines, fontSize, y: Math.round(y), lineHeight };
}

export interface AdLayout {
  headline?: TextBlock;
  disclaimer?: TextBlock;
  introTitle?: TextBlock;
  introSubtitle?: TextBlock;
  cta?: TextBlock;
  outroBrand?: TextBlock;
  logoWidth: number;
  logoY: number;
}

export function layoutAd(width: number, height: number, t: { headline: string; disclaimer: string; cta: string; brandName: string; productName: string }): AdLayout {
  const short = Math.min(width, height);
  const portrait = height > width;
  return {
    headline: layoutBlock(t.headline, { width, fontSize: short * (portrait ? 0.075 : 0.07), maxWidthFrac: 0.86, y: height * (portrait ? 0.1 : 0.07) }),
    disclaimer: layoutBlock(t.disclaimer, { width, fontSize: short * 0.026, maxWidthFrac: 0.9, y: height * 0.975, anchor: "bottom", maxLines: 2 }),
    introTitle: layoutBlock(t.brandName, { width, fontSize: short * 0.1, maxWidthFrac: 0.86, y: height * 0.47, anchor: "bottom", maxLines: 2 }),
    introSubtitle: layoutBlock(t.productName, { width, fontSize: short * 0.055, maxWidthFrac: 0.86, y: height * 0.53, maxLines: 2 }),
    cta: layoutBlock(t.cta, { width, fontSize: short * 0.08, maxWidthFrac: 0.84, y: height * 0.5, anchor: "center" }),
    outroBrand: layoutBlock(t.brandName, { width, fontSize: short * 0.045, maxWidthFrac: 0.86, y: height * 0.7 }),
    logoWidth: Math.round(short * 0.28),
    logoY: Math.round(height * 0.16),
  };
}
