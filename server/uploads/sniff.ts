/**
 * What an uploaded file is, decided from its bytes alone (never the client's content-type or file
 * name): binary formats by their signatures (file-type), and CSV / JSON catalogues as text that is
 * valid UTF-8 and has the shape of a catalogue. Anything else is refused by the caller.
 */
import { readFile } from "node:fs/promises";
import { fileTypeFromFile } from "file-type";
import { parseCsv } from "../../lib/assets/csv.js";

/** The formats an upload may be, by the mime file-type reports, with the mime we store. */
const BINARY: Record<string, string> = {
  "image/png": "image/png",
  "image/jpeg": "image/jpeg",
  "image/webp": "image/webp",
  "image/gif": "image/gif",
  "video/mp4": "video/mp4",
  "video/webm": "video/webm",
  "video/quicktime": "video/quicktime",
  "audio/mpeg": "audio/mpeg",
  "audio/wav": "audio/wav",
  "audio/ogg": "audio/ogg",
  "audio/ogg; codecs=opus": "audio/ogg",
  "audio/x-m4a": "audio/mp4",
  "audio/mp4": "audio/mp4",
  "font/ttf": "font/ttf",
  "font/otf": "font/otf",
  "font/woff": "font/woff",
  "font/woff2": "font/woff2",
};

export const ACCEPTED_TYPES = "PNG, JPEG, WebP, GIF, MP4, WebM, QuickTime, MP3, WAV, Ogg, M4A, TTF, OTF, WOFF, WOFF2, CSV, JSON";

/** Text catalogues are parsed whole to check their shape, so they get a tighter cap than media. */
export const TEXT_MAX_BYTES = 32 * 1024 * 1024;

export type Sniffed = { ok: true; mime: string } | { ok: false; reason: string };

export async function sniffFile(file: string, size: number): Promise<Sniffed> {
  if (size === 0) return { ok: false, reason: "the file is empty" };
  const detected = await fileTypeFromFile(file);
  if (detected) {
    const mime = BINARY[detected.mime];
    return mime ? { ok: true, mime } : { ok: false, reason: `its bytes are ${detected.mime}, which is not accepted` };
  }
  if (size > TEXT_MAX_BYTES) return { ok: false, reason: `it is not a known media format, and text catalogues are limited to ${TEXT_MAX_BYTES} bytes` };
  return sniffText(await readFile(file));
}

/** CSV or JSON catalogue text; the reason never quotes the content. */
export function sniffText(bytes: Uint8Array): Sniffed {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: "its bytes are neither a known media format nor UTF-8 text" };
  }
  // Control characters other than tab and line breaks mean binary data that happens to decode.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return { ok: false, reason: "it is not a known media format and holds control characters, so it is not CSV or JSON text" };
  const body = text.replace(/^\uFEFF/, "").trim();
  if (body === "") return { ok: false, reason: "it holds only whitespace" };
  // HTML, SVG or XML would pass as a one-column CSV; a catalogue never starts with markup.
  if (body.startsWith("<")) return { ok: false, reason: "it is markup (HTML, SVG or XML), not a CSV or JSON catalogue" };
  if (body.startsWith("{") || body.startsWith("[")) {
    try {
      JSON.parse(body);
      return { ok: true, mime: "application/json" };
    } catch (e) {
      return { ok: false, reason: `it looks like JSON but does not parse (${(e as Error).message.replace(/"[^"]*"/g, "…")})` };
    }
  }
  return csvShape(body);
}

/** A header row naming columns, and no row longer than the header: prose is not a catalogue. */
function csvShape(text: string): Sniffed {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    return { ok: false, reason: `it is text but not valid CSV: ${(e as Error).message}` };
  }
  const [header, ...body] = rows;
  if (!header || header.every((h) => h.trim() === "")) return { ok: false, reason: "it is text but not a CSV catalogue: the header row names no column" };
  const longer = body.findIndex((r) => r.length > header.length);
  if (longer >= 0) return { ok: false, reason: `it is text but not a CSV catalogue: row ${longer + 2} has ${body[longer].length} fields and the header ${header.length}` };
  return { ok: true, mime: "text/csv" };
}
