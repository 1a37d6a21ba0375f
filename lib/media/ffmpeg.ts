/**
 * ffmpeg/ffprobe from the npm packages that ship static binaries, so a fresh machine needs no apt step.
 * Probing goes through fluent-ffmpeg; rendering runs ffmpeg with an explicit argv (runFfmpeg) because
 * our filter graphs have several inputs and outputs, which read far clearer as argv than through a builder.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import ffmpeg from "fluent-ffmpeg";

const require = createRequire(import.meta.url);
export const ffmpegPath: string = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
export const ffprobePath: string = (require("@ffprobe-installer/ffprobe") as { path: string }).path;

ffmpeg.setFfmpegPath(ffmpegPath);
ffmpeg.setFfprobePath(ffprobePath);

export { ffmpeg };

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string,
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

export interface RunFfmpegOptions {
  signal?: AbortSignal;
  /** Seconds of output expected, so progress can be reported as a fraction. */
  totalSec?: number;
  onProgress?: (fraction: number) => void;
}

/** Run ffmpeg with `args` (no leading binary); resolves with stderr (ffmpeg's log) on exit code 0. */
export function runFfmpeg(args: string[], opts: RunFfmpegOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortError(opts.signal));
    const withProgress = opts.onProgress && opts.totalSec ? ["-progress", "pipe:1", "-nostats"] : [];
    const child = spawn(ffmpegPath, ["-hide_banner", "-nostdin", "-y", ...withProgress, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      stderr += d;
      // Keep memory bounded on long renders: the tail is what explains a failure.
      if (stderr.length > 2_000_000) stderr = stderr.slice(-200_000);
    });
    let stdoutBuf = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      stdoutBuf += d;
      const lines = stdoutBuf.split("\n");
      stdoutBuf = lines.pop() ?? "";
      for (const line of lines) {
        const m = /^out_time_(?:us|ms)=(\d+)/.exec(line);
        if (m && opts.onProgress && opts.totalSec) {
          opts.onProgress(Math.min(1, Number(m[1]) / 1e6 / opts.totalSec));
        }
      }
    });
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) => {
      opts.signal?.removeEventListener("abort", onAbort);
      reject(err);
    });
    child.on("close", (code) => {
      opts.signal?.removeEventListener("abort", onAbort);
      if (opts.signal?.aborted) return reject(abortError(opts.signal));
      if (code === 0) return resolve(stderr);
      const tail = stderr.trim().split("\n").slice(-12).join("\n");
      reject(new FfmpegError(`ffmpeg exited with code ${code}: ${lastErrorLine(stderr)}`, tail));
    });
  });
}

/** The line that explains a failure: the first error-ish line, not ffmpeg's generic "Conversion failed!". */
function lastErrorLine(stderr: string): string {
  const lines = stderr.trim().split("\n").map((l) => l.trim()).filter(Boolean);
  const generic = /^(Conversion failed!|Error reinitializing filters!|Failed to inject frame)/;
  const explaining = lines.find((l) => /error|invalid|no such|not found|unable|cannot|failed/i.test(l) && !generic.test(l));
  return explaining ?? lines.slice(-1)[0] ?? "no output";
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error("aborted");
  err.name = "AbortError";
  return err;
}

/**
 * Escape a value (a file path) for a filter option inside a -filter_complex graph. Two levels parse
 * it: the option parser (\\ ' :) and then the graph parser (\\ ' [ ] , ;), so escape for the first,
 * then escape that result for the second, as the ffmpeg-filters manual describes.
 */
export function filterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** ffmpeg colour syntax from a #rgb/#rrggbb hex, with optional alpha 0..1. */
export function ffColor(hex: string, alpha?: number): string {
  let h = hex.replace("#", "");
  if (h.length === 3) h = [...h].map((c) => c + c).join("");
  return `0x${h.toLowerCase()}${alpha === undefined ? "" : `@${alpha.toFixed(2)}`}`;
}
