/**
 * Reading what a catalogue names: an http(s) URL goes through the outbound guard (ctx.fetch), any
 * other value through the file resolver (ctx.files: uploads of the workspace, files in examples/).
 * Errors are SourceError with a message that names the field and never quotes file content.
 */
import sharp, { type Metadata } from "sharp";
import { FileNotFoundError, PathNotAllowedError, type ResolvedFile } from "../../lib/files/index.js";
import { OutboundError, OutboundRefusedError } from "../../lib/net/index.js";
import type { NodeContext } from "../contract.js";

export class SourceError extends Error {
  constructor(
    message: string,
    /** Retrying will not help (4xx, refused address or path, bad URL); otherwise it might (5xx, timeout). */
    readonly permanent: boolean,
    readonly code = "NODE_INPUT_INVALID",
  ) {
    super(message);
    this.name = "SourceError";
  }
}

export const isHttpUrl = (s: string) => /^https?:\/\//i.test(s);

/** Where a value points, checked but not read: a URL (absolute), or a resolved file. */
export type SourceRef = { kind: "url"; url: string } | { kind: "file"; file: ResolvedFile };

/** Relative references in a catalogue resolve against the catalogue: its URL, or its folder in examples/. */
export type CatalogueBase = { url: string } | { file: ResolvedFile } | undefined;

/** Turn a resolver or guard error into a SourceError (other errors pass through). */
export function asSourceError(err: unknown): unknown {
  if (err instanceof PathNotAllowedError) return new SourceError(err.message, true, err.code);
  if (err instanceof FileNotFoundError) return new SourceError(err.message, true);
  if (err instanceof OutboundRefusedError) return new SourceError(err.message, true, err.code);
  if (err instanceof OutboundError) return new SourceError(err.message, err.permanent);
  return err;
}

/** Check a value without reading anything: paths through the resolver (PATH_NOT_ALLOWED before any byte). */
export async function locate(ctx: NodeContext, value: string, field: string, base?: CatalogueBase): Promise<SourceRef> {
  const v = value.trim();
  if (isHttpUrl(v)) return { kind: "url", url: v };
  if (base && "url" in base && !/^[a-z][a-z0-9+.-]*:/i.test(v) && !v.startsWith("/")) return { kind: "url", url: new URL(v, base.url).href };
  try {
    return { kind: "file", file: await ctx.files.resolve(v, field, base && "file" in base ? { relativeTo: base.file } : {}) };
  } catch (err) {
    throw asSourceError(err);
  }
}

/** The bytes a located value holds. URLs answering 4xx are permanent errors, 5xx and 429 retryable. */
export async function readSource(ctx: NodeContext, ref: SourceRef, field: string, maxBytes?: number): Promise<{ data: Buffer; contentType?: string }> {
  try {
    if (ref.kind === "file") return { data: await ref.file.read(), ...(ref.file.mime ? { contentType: ref.file.mime } : {}) };
    const res = await ctx.fetch(ref.url, { field, signal: ctx.signal, ...(maxBytes ? { maxBytes } : {}) });
    if (res.status >= 400) throw new SourceError(`${field}: ${ref.url} is not reachable (HTTP ${res.status})`, res.status < 500 && res.status !== 429);
    const type = res.headers["content-type"];
    return { data: res.body, ...(type ? { contentType: type } : {}) };
  } catch (err) {
    throw asSourceError(err);
  }
}

/** What to record as an image's source: the URL or the file's name (never an absolute path). */
export const sourceLabel = (ref: SourceRef) => (ref.kind === "url" ? ref.url : ref.file.name);

/**
 * Normalise to what every downstream tool reads: PNG when the picture has transparency (cut-out
 * product shots), JPEG otherwise; EXIF rotation applied; at most 2048 px on the long side.
 */
export async function normaliseImage(data: Buffer): Promise<{ data: Buffer; mime: "image/png" | "image/jpeg" }> {
  let meta: Metadata;
  try {
    meta = await sharp(data).metadata();
  } catch {
    // sharp's message can carry bytes of the input; say only what is wrong.
    throw new SourceError("not an image that can be read (PNG, JPEG, WebP, GIF, AVIF or TIFF)", true);
  }
  const img = sharp(data).rotate().resize({ width: 2048, height: 2048, fit: "inside", withoutEnlargement: true });
  if (meta.hasAlpha) return { data: await img.png().toBuffer(), mime: "image/png" };
  return { data: await img.jpeg({ quality: 92 }).toBuffer(), mime: "image/jpeg" };
}
