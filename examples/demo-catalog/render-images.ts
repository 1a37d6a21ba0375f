/**
 * Renders the demo catalogue's product pictures from SVG drawings of our own (no images copied
 * from elsewhere). Run with `npx tsx examples/demo-catalog/render-images.ts`; the PNGs are committed.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const here = path.dirname(fileURLToPath(import.meta.url));
const S = 640;

const drawings: Record<string, string> = {
  "aurora-bottle.png": `
    <defs>
      <linearGradient id="body" x1="0" x2="1"><stop offset="0" stop-color="#1c6e8c"/><stop offset="0.45" stop-color="#4fb3d9"/><stop offset="1" stop-color="#15526a"/></linearGradient>
      <linearGradient id="cap" x1="0" x2="1"><stop offset="0" stop-color="#222"/><stop offset="0.5" stop-color="#555"/><stop offset="1" stop-color="#111"/></linearGradient>
    </defs>
    <rect x="262" y="70" width="116" height="70" rx="14" fill="url(#cap)"/>
    <rect x="278" y="136" width="84" height="34" fill="#333"/>
    <path d="M250 170 Q320 150 390 170 L410 230 L410 560 Q410 590 380 590 L260 590 Q230 590 230 560 L230 230 Z" fill="url(#body)"/>
    <rect x="250" y="330" width="140" height="110" rx="10" fill="#ffffff" opacity="0.9"/>
    <text x="320" y="380" font-family="DejaVu Sans, sans-serif" font-weight="bold" font-size="30" text-anchor="middle" fill="#1c6e8c">AURORA</text>
    <text x="320" y="415" font-family="DejaVu Sans, sans-serif" font-size="18" text-anchor="middle" fill="#1c6e8c">750 ml</text>
    <rect x="262" y="190" width="14" height="360" rx="7" fill="#ffffff" opacity="0.35"/>`,
  "stride-sneaker.png": `
    <defs><linearGradient id="upper" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#e4572e"/><stop offset="1" stop-color="#a33416"/></linearGradient></defs>
    <path d="M90 420 Q110 300 220 280 L300 240 Q340 230 360 260 L400 330 Q470 360 560 380 Q600 395 590 440 L580 460 L100 460 Z" fill="url(#upper)"/>
    <path d="M80 455 L590 455 Q600 500 560 505 L110 505 Q75 500 80 455 Z" fill="#f5f5f5" stroke="#cccccc" stroke-width="3"/>
    <path d="M80 490 L595 490" stroke="#333333" stroke-width="6"/>
    <path d="M250 300 L300 360 M280 285 L330 345 M310 272 L355 330" stroke="#ffffff" stroke-width="8" stroke-linecap="round"/>
    <path d="M140 420 Q300 380 470 420" stroke="#ffffff" stroke-width="10" fill="none" opacity="0.85"/>`,
  "halo-headphones.png": `
    <defs><linearGradient id="band" x1="0" x2="1"><stop offset="0" stop-color="#3d3d5c"/><stop offset="0.5" stop-color="#8080b3"/><stop offset="1" stop-color="#3d3d5c"/></linearGradient></defs>
    <path d="M150 400 Q150 120 320 120 Q490 120 490 400" stroke="url(#band)" stroke-width="40" fill="none" stroke-linecap="round"/>
    <rect x="110" y="360" width="110" height="180" rx="45" fill="#2b2b40"/>
    <rect x="420" y="360" width="110" height="180" rx="45" fill="#2b2b40"/>
    <rect x="130" y="385" width="70" height="130" rx="30" fill="#c9a227"/>
    <rect x="440" y="385" width="70" height="130" rx="30" fill="#c9a227"/>
    <circle cx="475" cy="450" r="12" fill="#ffffff" opacity="0.7"/>`,
};

for (const [file, body] of Object.entries(drawings)) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${S}" height="${S}">${body}</svg>`;
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toFile(path.join(here, "images", file));
  console.log("wrote", file);
}
