/**
 * The local image renderer: a studio product shot composed from the product's own photo. The
 * photo is trimmed of its flat background, placed on a brand-colour gradient with a soft contact
 * shadow, and framed per view (front, side, detail close-up, lifestyle...). Deterministic: the
 * same request and seed give the same bytes.
 */
import sharp, { type OverlayOptions } from "sharp";
import { imageSizeFor } from "../../../lib/media/aspect.js";

export const STUDIO_RENDERER = "local-studio/1 (sharp composition of the product photo)";

export interface StudioShotRequest {
  aspectRatio: string;
  seed: number;
  view: string;
  /** [backdrop, gradient end, accent] */
  palette: string[];
  /** The product photo, or none for an abstract brand backdrop. */
  productFile?: string;
  /** Long side cap, to keep local renders light. */
  megapixels?: number;
}

export async function renderStudioShot(req: StudioShotRequest): Promise<{ jpeg: Buffer; width: number; height: number; note?: string }> {
  const { width, height } = imageSizeFor(req.aspectRatio, req.megapixels ?? 1);
  const rand = mulberry32(req.seed);
  const [bg, bg2, accent] = [req.palette[0] ?? "#f4f1ea", req.palette[1] ?? shade(req.palette[0] ?? "#f4f1ea", -0.18), req.palette[2] ?? "#1f3a5f"];
  const angle = Math.round(rand() * 60 - 30);
  const view = req.view.toLowerCase();
  const layers: OverlayOptions[] = [];
  const backdrop = backdropSvg(width, height, bg, bg2, accent, angle, view, rand);

  if (!req.productFile) {
    const jpeg = await sharp(Buffer.from(backdrop)).jpeg({ quality: 90 }).toBuffer();
    return { jpeg, width, height, note: "no reference image: abstract brand backdrop" };
  }

  const frame = viewFrame(view, width, height);
  let product = sharp(req.productFile).rotate().ensureAlpha();
  try {
    product = sharp(await product.trim({ threshold: 12 }).png().toBuffer());
  } catch {
    // A photo with no flat border cannot be trimmed; use it as it is.
    product = sharp(await sharp(req.productFile).rotate().ensureAlpha().png().toBuffer());
  }
  if (frame.crop) {
    // Detail view: a close-up of the upper-middle of the product.
    const m = await product.png().toBuffer().then((b) => sharp(b).metadata());
    const cw = Math.max(1, Math.round((m.width ?? 1) * frame.crop));
    const ch = Math.max(1, Math.round((m.height ?? 1) * frame.crop));
    const left = Math.round(((m.width ?? 1) - cw) / 2);
    const top = Math.round(((m.height ?? 1) - ch) * 0.3);
    product = sharp(await product.png().toBuffer()).extract({ left, top, width: cw, height: ch });
  }
  const fitted = await product.resize({ width: frame.boxW, height: frame.boxH, fit: "inside" }).png().toBuffer({ resolveWithObject: true });
  const squeezed = frame.squeeze
    ? sharp(fitted.data).resize({ width: Math.max(1, Math.round(fitted.info.width * frame.squeeze)), height: fitted.info.height, fit: "fill" })
    : sharp(fitted.data);
  const placed = await squeezed
    .rotate(frame.tilt, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pw = placed.info.width;
  const ph = placed.info.height;
  const left = Math.round(frame.cx - pw / 2);
  const top = Math.round(frame.groundY !== undefined ? frame.groundY - ph : frame.cy - ph / 2);
  const baseline = top + ph;

  if (!frame.crop) {
    const shadowW = Math.round(pw * 0.9);
    const shadowH = Math.max(8, Math.round(pw * 0.12));
    layers.push({
      input: Buffer.from(shadowSvg(width, height, frame.cx, baseline, shadowW, shadowH)),
      left: 0,
      top: 0,
    });
  }
  layers.push({ input: placed.data, left: clamp(left, -pw + 1, width - 1), top: clamp(top, -ph + 1, height - 1) });
  const jpeg = await sharp(Buffer.from(backdrop)).composite(layers).jpeg({ quality: 90 }).toBuffer();
  return { jpeg, width, height };
}

interface Frame {
  cx: number;
  /** Vertical centre of the product. */
  cy: number;
  boxW: number;
  boxH: number;
  /** Horizontal squeeze, a cheap suggestion of a turned product (never a mirror: labels would read backwards). */
  squeeze?: number;
  tilt: number;
  crop?: number;
  /** Stand the product on this line (lifestyle table top) instead of centring it. */
  groundY?: number;
}

function viewFrame(view: string, W: number, H: number): Frame {
  switch (view) {
    case "side":
      return { cx: W * 0.46, cy: H * 0.54, boxW: Math.round(W * 0.58), boxH: Math.round(H * 0.62), squeeze: 0.8, tilt: -6 };
    case "detail":
      return { cx: W / 2, cy: H / 2, boxW: Math.round(W * 0.94), boxH: Math.round(H * 0.94), tilt: 0, crop: 0.55 };
    case "lifestyle":
      return { cx: W * 0.62, cy: H * 0.62, boxW: Math.round(W * 0.44), boxH: Math.round(H * 0.46), tilt: 0, groundY: H * 0.8 };
    case "top":
      return { cx: W / 2, cy: H * 0.52, boxW: Math.round(W * 0.5), boxH: Math.round(H * 0.56), tilt: 90 };
    case "back":
      return { cx: W / 2, cy: H * 0.55, boxW: Math.round(W * 0.56), boxH: Math.round(H * 0.6), squeeze: 0.92, tilt: 3 };
    default:
      return { cx: W / 2, cy: H * 0.53, boxW: Math.round(W * 0.68), boxH: Math.round(H * 0.68), tilt: 0 };
  }
}

function backdropSvg(W: number, H: number, c1: string, c2: string, accent: string, angle: number, view: string, rand: () => number): string {
  const rad = (angle * Math.PI) / 180;
  const x2 = (0.5 + Math.sin(rad) / 2).toFixed(3);
  const y2 = (0.5 + Math.cos(rad) / 2).toFixed(3);
  const x1 = (1 - Number(x2)).toFixed(3);
  const y1 = (1 - Number(y2)).toFixed(3);
  const extras: string[] = [];
  if (view === "lifestyle") {
    // A table top and a soft "window light" disc suggest a room without pretending to be a photo.
    extras.push(`<rect x="0" y="${H * 0.78}" width="${W}" height="${H * 0.22}" fill="${shade(c2, -0.12)}"/>`);
    extras.push(
      `<circle cx="${W * (0.2 + rand() * 0.15)}" cy="${H * (0.25 + rand() * 0.1)}" r="${Math.min(W, H) * 0.18}" fill="${accent}" opacity="0.18"/>`,
    );
  } else {
    extras.push(`<ellipse cx="${W / 2}" cy="${H * 0.45}" rx="${W * 0.55}" ry="${H * 0.42}" fill="#ffffff" opacity="0.22" filter="url(#soft)"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<defs>
<linearGradient id="g" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"><stop offset="0" stop-color="${c1}"/><stop offset="1" stop-color="${c2}"/></linearGradient>
<filter id="soft"><feGaussianBlur stdDeviation="${Math.round(Math.min(W, H) * 0.06)}"/></filter>
</defs>
<rect width="100%" height="100%" fill="url(#g)"/>
${extras.join("\n")}
</svg>`;
}

function shadowSvg(W: number, H: number, cx: number, cy: number, w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<defs><filter id="b" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="${Math.max(3, Math.round(h * 0.45))}"/></filter></defs>
<ellipse cx="${cx}" cy="${cy - h * 0.15}" rx="${w / 2}" ry="${h / 2}" fill="#000000" opacity="0.35" filter="url(#b)"/>
</svg>`;
}

/** Lighten (amount > 0) or darken (< 0) a hex colour. */
export function shade(hex: string, amount: number): string {
  let h = hex.replace("#", "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  const ch = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  const out = ch.map((c) => Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount)));
  return `#${out.map((c) => clamp(c, 0, 255).toString(16).padStart(2, "0")).join("")}`;
}

function clamp(n: number, lo: number, hi: number) {
  return Math.min(hi, Math.max(lo, n));
}

/** Small seeded PRNG: same seed, same picture. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
