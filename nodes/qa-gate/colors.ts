/**
 * Brand colour compliance: the dominant colours of sampled frames, and how much of the picture is
 * close to a brand colour. Distances are CIE76 ΔE in Lab, where ~2 is barely visible and ~20 is
 * "the same colour family" (video compression alone moves colours by a few units).
 */
import type { RawFrame } from "./frames.js";

type Lab = [number, number, number];

export function hexToRgb(hex: string): [number, number, number] {
  let h = hex.replace("#", "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

export const rgbToHex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("")}`;

export function rgbToLab(r: number, g: number, b: number): Lab {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  // sRGB -> XYZ (D65), normalised by the white point.
  const x = (R * 0.4124 + G * 0.3576 + B * 0.1805) / 0.95047;
  const y = R * 0.2126 + G * 0.7152 + B * 0.0722;
  const z = (R * 0.0193 + G * 0.1192 + B * 0.9505) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (841 / 108) * t + 4 / 29);
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

export const deltaE = (a: Lab, b: Lab) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

export interface DominantColor {
  hex: string;
  /** Share of sampled pixels (0..1). */
  share: number;
  nearestBrand?: { hex: string; deltaE: number };
}

export interface ColorReport {
  dominant: DominantColor[];
  /** Share of sampled pixels within the tolerance of some brand colour. */
  brandCoverage: number;
}

/** Pixels are binned at 4 bits per channel (4096 bins): plenty to find dominant colours quickly. */
export function analyseColors(frames: RawFrame[], palette: string[], o: { toleranceDeltaE: number; top?: number }): ColorReport {
  const bins = new Map<number, { n: number; r: number; g: number; b: number }>();
  let total = 0;
  for (const f of frames) {
    for (let i = 0; i + 2 < f.rgb.length; i += 3) {
      const r = f.rgb[i];
      const g = f.rgb[i + 1];
      const b = f.rgb[i + 2];
      const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
      const bin = bins.get(key);
      if (bin) {
        bin.n++;
        bin.r += r;
        bin.g += g;
        bin.b += b;
      } else bins.set(key, { n: 1, r, g, b });
      total++;
    }
  }
  const brandLabs = palette.map((hex) => ({ hex, lab: rgbToLab(...hexToRgb(hex)) }));
  let covered = 0;
  const colours = [...bins.values()].map((b) => {
    const lab = rgbToLab(b.r / b.n, b.g / b.n, b.b / b.n);
    let nearest: { hex: string; deltaE: number } | undefined;
    for (const c of brandLabs) {
      const d = deltaE(lab, c.lab);
      if (!nearest || d < nearest.deltaE) nearest = { hex: c.hex, deltaE: d };
    }
    if (nearest && nearest.deltaE <= o.toleranceDeltaE) covered += b.n;
    return { lab, n: b.n, rgb: [b.r / b.n, b.g / b.n, b.b / b.n] as const, nearest };
  });
  // Merge neighbouring bins of one visual colour (a gradient spans several bins) greedily by size.
  colours.sort((a, b) => b.n - a.n);
  const merged: { lab: Lab; n: number; rgb: readonly [number, number, number]; nearest?: { hex: string; deltaE: number } }[] = [];
  for (const c of colours) {
    const into = merged.find((m) => deltaE(m.lab, c.lab) < 12);
    if (into) into.n += c.n;
    else merged.push({ ...c });
  }
  const dominant = merged.slice(0, o.top ?? 5).map((m) => ({
    hex: rgbToHex(...m.rgb),
    share: round(m.n / Math.max(1, total)),
    ...(m.nearest ? { nearestBrand: { hex: m.nearest.hex, deltaE: round(m.nearest.deltaE, 1) } } : {}),
  }));
  return { dominant, brandCoverage: round(covered / Math.max(1, total)) };
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
