import { runFfmpeg } from "./ffmpeg.js";

/** EBU R128 integrated loudness of a file's audio (LUFS), measured with ffmpeg's ebur128 filter. */
export async function measureIntegratedLoudness(file: string): Promise<number> {
  const log = await runFfmpeg(["-i", file, "-map", "0:a:0", "-af", "ebur128=framelog=verbose", "-f", "null", "-"]);
  return parseEbur128Summary(log).integrated;
}

export interface Ebur128Summary {
  /** Integrated loudness, LUFS (-Infinity for silence). */
  integrated: number;
  /** True peak, dBFS, when measured with peak=true. */
  truePeak?: number;
}

/** Parse the summary the ebur128 filter prints when its stream ends. */
export function parseEbur128Summary(log: string): Ebur128Summary {
  const summary = log.slice(log.lastIndexOf("Summary:"));
  const i = /I:\s+(-?[\d.]+|-inf)\s+LUFS/.exec(summary);
  if (!i) throw new Error("ebur128 printed no summary");
  const peak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf)\s+dBFS/.exec(summary);
  const num = (s: string) => (s === "-inf" ? Number.NEGATIVE_INFINITY : Number(s));
  return { integrated: num(i[1]), ...(peak ? { truePeak: num(peak[1]) } : {}) };
}
