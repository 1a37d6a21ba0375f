/**
 * Media in and out of Replicate. Inputs: our stored media becomes a data: URI (small files) or a
 * file uploaded through Replicate's Files API. Outputs: Replicate's URLs expire within the hour, so
 * every output file is downloaded into our own content-addressed storage before the node returns.
 * Downloads never carry the API token (output URLs are public, on another host).
 */
import { createWriteStream } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type Replicate from "replicate";
import type { MediaRef } from "../../../schemas/index.js";
import type { MediaStorage } from "../../contract.js";

/** Above this, inputs go through the Files API instead of an inline data: URI (Replicate's guidance for data URLs). */
export const DATA_URI_MAX_BYTES = 256 * 1024;
/** Refuse outputs bigger than this: no generator we use makes anything near it. */
export const MAX_OUTPUT_BYTES = 2 * 1024 ** 3;

export async function toReplicateFile(
  storage: MediaStorage,
  client: Replicate,
  ref: MediaRef,
  signal: AbortSignal,
): Promise<string> {
  const bytes = await storage.read(ref.hash);
  if (bytes.length <= DATA_URI_MAX_BYTES) return `data:${ref.mime};base64,${bytes.toString("base64")}`;
  const file = await client.files.create(new Blob([new Uint8Array(bytes)], { type: ref.mime }), {}, { signal });
  return file.urls.get;
}

/** Every URL (http(s) or data:) in a prediction's output, in order. */
export function outputUrls(output: unknown): string[] {
  if (typeof output === "string") return /^(https?:|data:)/.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(outputUrls);
  if (output && typeof output === "object") return Object.values(output).flatMap(outputUrls);
  return [];
}

/** Language models return their streamed tokens as an array of strings. */
export function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output) && output.every((t) => typeof t === "string")) return output.join("");
  throw new Error(`expected text output, got ${JSON.stringify(output)?.slice(0, 200)}`);
}

export type ExpectedKind = "image" | "video" | "audio";

/** Download one output into storage, checked to be the kind of media we asked for. */
export async function storeOutput(
  storage: MediaStorage,
  url: string,
  expected: ExpectedKind,
  meta: Record<string, unknown>,
  opts: { fetch: typeof fetch; signal: AbortSignal },
): Promise<MediaRef> {
  if (url.startsWith("data:")) {
    const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(url);
    if (!m) throw new Error("Replicate returned a malformed data: URI");
    const bytes = m[2] ? Buffer.from(m[3]!, "base64") : Buffer.from(decodeURIComponent(m[3]!));
    const mime = checkedMime(m[1] || "application/octet-stream", "", bytes, expected);
    return storage.put(bytes, { mime, meta });
  }

  // Deliberately no Authorization header: the token stays with api.replicate.com.
  const response = await opts.fetch(url, { signal: opts.signal });
  if (!response.ok || !response.body) {
    throw new Error(`downloading Replicate output ${safeUrl(url)} failed with HTTP ${response.status}`);
  }
  const dir = await storage.tempDir();
  const file = path.join(dir, `replicate-output${path.extname(new URL(url).pathname).slice(0, 8)}`);
  let size = 0;
  let head = Buffer.alloc(0);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (head.length < 16) head = Buffer.concat([head, chunk]).subarray(0, 16);
      if (size > MAX_OUTPUT_BYTES) return done(new Error(`Replicate output is larger than ${MAX_OUTPUT_BYTES} bytes`));
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), meter, createWriteStream(file), {
    signal: opts.signal,
  });
  const mime = checkedMime(response.headers.get("content-type") ?? "", new URL(url).pathname, head, expected);
  return storage.put({ path: file }, { mime, meta });
}

const EXTENSION_MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mov": "video/quicktime",
  ".wav": "audio/wav",
  ".mp3": "audio/mpeg",
  ".flac": "audio/flac",
  ".ogg": "audio/ogg",
};

/** The content type, trusting the header unless it is generic, then the extension, then the bytes. */
function checkedMime(header: string, pathname: string, head: Buffer, expected: ExpectedKind): string {
  let mime = header.split(";")[0]!.trim().toLowerCase();
  if (!mime || mime === "application/octet-stream" || mime === "binary/octet-stream") {
    mime = EXTENSION_MIME[path.extname(pathname).toLowerCase()] ?? sniff(head) ?? mime;
  }
  if (!mime.startsWith(`${expected}/`)) {
    throw new Error(`Replicate returned ${mime || "an unknown type"} where ${expected} was expected`);
  }
  return mime;
}

function sniff(head: Buffer): string | undefined {
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (head[0] === 0xff && head[1] === 0xd8) return "image/jpeg";
  if (head.toString("ascii", 0, 4) === "RIFF" && head.toString("ascii", 8, 12) === "WEBP") return "image/webp";
  if (head.toString("ascii", 0, 4) === "RIFF" && head.toString("ascii", 8, 12) === "WAVE") return "audio/wav";
  if (head.toString("ascii", 4, 8) === "ftyp") return "video/mp4";
  if (head.toString("ascii", 0, 3) === "ID3" || (head[0] === 0xff && (head[1]! & 0xe0) === 0xe0)) return "audio/mpeg";
  return undefined;
}

/** URLs of outputs are signed; keep only origin and path in messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}
