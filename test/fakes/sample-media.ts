/**
 * Small but real media files for fakes of remote generators: a valid PNG (encoded here with zlib),
 * a WAV (PCM written by hand) and an H.264 MP4 rendered by the ffmpeg binary from npm.
 * Real files, so whatever downloads them can probe, thumbnail and compose them like the real thing.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";

const require = createRequire(import.meta.url);
const ffmpegPath = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;

/**
 * An RGB PNG with a diagonal gradient tinted by `seed`, so different predictions give different
 * bytes; `noise` fills it with pseudo-random pixels instead (barely compressible: a big file).
 */
export function makePng(width: number, height: number, seed = 0, noise = false): Buffer {
  let state = (seed * 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) & 0xff;
  };
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter type: none
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3;
      raw[i] = noise ? next() : (x * 255) / Math.max(1, width - 1);
      raw[i + 1] = noise ? next() : (y * 255) / Math.max(1, height - 1);
      raw[i + 2] = noise ? next() : (seed * 37) % 256;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", zlib.deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** 16-bit mono PCM WAV with a sine tone. */
export function makeWav(durationSec: number, sampleRate = 24000, frequency = 440): Buffer {
  const samples = Math.round(durationSec * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 0.3 * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** An H.264 (yuv420p) MP4 of ffmpeg's test pattern. */
export async function makeMp4(opts: { width: number; height: number; durationSec: number; fps: number }): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "fake-mp4-"));
  try {
    const out = path.join(dir, "clip.mp4");
    await promisify(execFile)(ffmpegPath, [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${opts.width}x${opts.height}:rate=${opts.fps}`,
      "-t",
      String(opts.durationSec),
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
      "-movflags",
      "+faststart",
      out,
    ]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type FakeOutput =
  | { kind: "image"; count?: number; width?: number; height?: number }
  | { kind: "video"; width?: number; height?: number; durationSec?: number; fps?: number }
  | { kind: "audio"; durationSec?: number }
  /** Streamed LLM output: an array of string tokens, as Replicate's language models return. */
  | { kind: "text"; text: string };

/** Render what a fake prediction outputs; `put` serves a file and returns its URL. */
export async function renderFakeOutput(
  spec: FakeOutput,
  seed: number,
  put: (name: string, bytes: Buffer, contentType: string) => string,
): Promise<unknown> {
  switch (spec.kind) {
    case "image":
      return Array.from({ length: spec.count ?? 1 }, (_, i) =>
        put(`out-${i}.png`, makePng(spec.width ?? 64, spec.height ?? 64, seed + i), "image/png"),
      );
    case "video":
      return put(
        "output.mp4",
        await makeMp4({ width: spec.width ?? 128, height: spec.height ?? 72, durationSec: spec.durationSec ?? 1, fps: spec.fps ?? 8 }),
        "video/mp4",
      );
    case "audio":
      return put("output.wav", makeWav(spec.durationSec ?? 1), "audio/wav");
    case "text":
      // Language models stream tokens; the finished prediction's output is the array of them.
      return spec.text.match(/.{1,7}/gs) ?? [];
  }
}
