/**
 * One decode of the video measures what needs the whole signal: black segments (blackdetect),
 * silent segments (silencedetect) and integrated loudness (ebur128). One pass instead of three
 * because decoding dominates the cost, and the QA gate runs on every ad.
 */
import { runFfmpeg } from "../../lib/media/ffmpeg.js";

export interface Segment {
  start: number;
  end: number;
}

export interface SignalAnalysis {
  black: Segment[];
  /** Empty when the file has no audio stream (see hasAudio). */
  silence: Segment[];
  /** LUFS; -Infinity or about -70 for digital silence; undefined without audio. */
  integratedLufs?: number;
}

export interface SignalOptions {
  hasAudio: boolean;
  durationSec: number;
  /** Shortest black stretch worth reporting, seconds. */
  blackMinSec: number;
  /** Pixel luminance (0..1) at or below which a pixel counts as black. */
  blackPixelThreshold: number;
  /** Quietest level that still counts as sound, dBFS. */
  silenceNoiseDb: number;
  silenceMinSec: number;
  signal?: AbortSignal;
}

export async function analyseSignal(file: string, o: SignalOptions): Promise<SignalAnalysis> {
  const args = ["-i", file, "-map", "0:v:0", "-vf", `blackdetect=d=${o.blackMinSec}:pix_th=${o.blackPixelThreshold}`];
  if (o.hasAudio) args.push("-map", "0:a:0", "-af", `silencedetect=n=${o.silenceNoiseDb}dB:d=${o.silenceMinSec},ebur128`);
  args.push("-f", "null", "-");
  // ebur128 prints its running values every 100 ms at info level; this ffmpeg build only prints a
  // correct summary when that frame log is on, so the log is long (10 lines per second) but bounded.
  const log = await runFfmpeg(args, { signal: o.signal });
  return parseSignalLog(log, o.durationSec, o.hasAudio);
}

/** Parse blackdetect/silencedetect/ebur128 lines out of an ffmpeg log. Exported for unit tests. */
export function parseSignalLog(log: string, durationSec: number, hasAudio: boolean): SignalAnalysis {
  const black: Segment[] = [];
  for (const m of log.matchAll(/black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)/g)) {
    black.push({ start: Number(m[1]), end: Number(m[2]) });
  }
  const silence: Segment[] = [];
  let open: number | undefined;
  for (const m of log.matchAll(/silence_(start|end):\s*(-?[\d.]+)/g)) {
    if (m[1] === "start") open = Math.max(0, Number(m[2]));
    else {
      silence.push({ start: open ?? 0, end: Number(m[2]) });
      open = undefined;
    }
  }
  // A silence still open at the end of the file runs to the end.
  if (open !== undefined) silence.push({ start: open, end: durationSec });
  let integratedLufs: number | undefined;
  if (hasAudio) {
    const summary = log.slice(log.lastIndexOf("Summary:"));
    const m = /I:\s+(-?[\d.]+|-inf)\s+LUFS/.exec(summary);
    if (m) integratedLufs = m[1] === "-inf" ? Number.NEGATIVE_INFINITY : Number(m[1]);
  }
  return { black, silence, integratedLufs };
}

export const totalLength = (segments: Segment[]) => segments.reduce((s, x) => s + Math.max(0, x.end - x.start), 0);
export const longest = (segments: Segment[]) => segments.reduce((m, x) => Math.max(m, x.end - x.start), 0);
