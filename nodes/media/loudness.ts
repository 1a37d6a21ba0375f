import { runFfmpeg } from "./ffmpeg.js";

export interface LoudnessStats {
  /** Integrated loudness, LUFS. */
  input_i: number;
  input_tp: number;
  input_lra: number;
  input_thresh: number;
  target_offset: number;
}

/** EBU R128 integrated loudness of a file's audio (LUFS), measured with ffmpeg's ebur128 filter. */
export async function measureIntegratedLoudness(file: string): Promise<number> {
  const log = await runFfmpeg(["-i", file, "-map", "0:a:0", "-af", "ebur128=framelog=verbose", "-f", "null", "-"]);
  // The summary at the end: "Integrated loudness:\n    I:         -14.1 LUFS"
  const summary = log.slice(log.lastIndexOf("Integrated loudness:"));
  const m = /I:\s+(-?[\d.]+|-inf)\s+LUFS/.exec(summary);
  if (!m) throw new Error(`ebur128 printed no integrated loudness for ${file}`);
  return m[1] === "-inf" ? Number.NEGATIVE_INFINITY : Number(m[1]);
}

/** Parse the JSON block that `loudnorm=print_format=json` prints when its stream ends. */
export function parseLoudnormJson(log: string): LoudnessStats {
  const start = log.lastIndexOf("{");
  const end = log.lastIndexOf("}");
  if (start < 0 || end < start) throw new Error("loudnorm printed no measurement");
  const raw = JSON.parse(log.slice(start, end + 1)) as Record<string, string>;
  const pick = (k: string) => Number(raw[k]);
  return {
    input_i: pick("input_i"),
    input_tp: pick("input_tp"),
    input_lra: pick("input_lra"),
    input_thresh: pick("input_thresh"),
    target_offset: pick("target_offset"),
  };
}
