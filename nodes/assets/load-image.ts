import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp, { type Metadata } from "sharp";
import { fetchImage, ImageFetchError, type FetchPolicy } from "./fetch-image.js";

/** The install folder, so relative paths to the bundled examples work from any working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Resolve a local path: absolute as is; relative against `baseDir`, then the install folder. */
export async function resolveLocalPath(p: string, baseDir: string): Promise<string | undefined> {
  const candidates = path.isAbsolute(p) ? [p] : [path.resolve(baseDir, p), path.resolve(PROJECT_ROOT, p)];
  for (const c of candidates) {
    try {
      if ((await stat(c)).isFile()) return c;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export const isHttpUrl = (s: string) => /^https?:\/\//i.test(s);

/** Bytes of an image given as a path or an http(s) URL. Errors are ImageFetchError with a short reason. */
export async function loadImageBytes(source: string, baseDir: string, policy: FetchPolicy): Promise<Buffer> {
  if (isHttpUrl(source)) return (await fetchImage(source, policy)).data;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) throw new ImageFetchError(`unsupported URL scheme in ${source} (use a file path or http(s))`, true);
  const file = await resolveLocalPath(source, baseDir);
  if (!file) throw new ImageFetchError(`file not found: ${source} (looked in ${baseDir} and ${PROJECT_ROOT})`, true);
  return readFile(file);
}

/**
 * Normalise to what every downstream tool reads: PNG when the picture has transparency (cut-out
 * product shots), JPEG otherwise; EXIF rotation applied; at most 2048 px on the long side.
 */
export async function normaliseImage(data: Buffer): Promise<{ data: Buffer; mime: "image/png" | "image/jpeg" }> {
  let meta: Metadata;
  try {
    meta = await sharp(data).metadata();
  } catch (err) {
    throw new ImageFetchError(`not an image that can be read (${(err as Error).message})`, true);
  }
  const img = sharp(data).rotate().resize({ width: 2048, height: 2048, fit: "inside", withoutEnlargement: true });
  if (meta.hasAlpha) return { data: await img.png().toBuffer(), mime: "image/png" };
  return { data: await img.jpeg({ quality: 92 }).toBuffer(), mime: "image/jpeg" };
}
